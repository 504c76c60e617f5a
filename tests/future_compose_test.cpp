// Composing futures: then, repair, recover, after and undiscardable, and how
// a discard request on the end of a chain travels back to the promise that
// produces the value.
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>

using namespace process;

namespace {

// A continuation that counts its calls and returns its argument as text.
struct ToText {
  int* calls;
  std::string operator()(int value) const {
    ++*calls;
    return std::to_string(value);
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// then: the shapes of continuation and the type of the result.

TEST(FutureThenTest, ResultTypes) {
  Future<int> source = 1;
  auto value = source.then([](int i) { return std::to_string(i); });
  static_assert(std::is_same_v<decltype(value), Future<std::string>>);
  auto future = source.then([](int i) { return Future<double>(i * 1.5); });
  static_assert(std::is_same_v<decltype(future), Future<double>>);
  auto voidResult = source.then([](int) {});
  static_assert(std::is_same_v<decltype(voidResult), Future<Nothing>>);
  auto noArgument = source.then([] { return 'c'; });
  static_assert(std::is_same_v<decltype(noArgument), Future<char>>);
  auto noArgumentVoid = source.then([] {});
  static_assert(std::is_same_v<decltype(noArgumentVoid), Future<Nothing>>);
  auto noArgumentFuture = source.then([] { return Future<bool>(true); });
  static_assert(std::is_same_v<decltype(noArgumentFuture), Future<bool>>);

  EXPECT_EQ("1", value.get());
  EXPECT_EQ(1.5, future.get());
  EXPECT_TRUE(voidResult.isReady());
  EXPECT_EQ('c', noArgument.get());
  EXPECT_TRUE(noArgumentVoid.isReady());
  EXPECT_TRUE(noArgumentFuture.get());
}

TEST(FutureThenTest, ValueReturningOnReady) {
  int calls = 0;
  Future<std::string> result = Future<int>(3).then(ToText{&calls});
  EXPECT_EQ(1, calls);  // At once.
  ASSERT_TRUE(result.isReady());
  EXPECT_EQ("3", result.get());
}

TEST(FutureThenTest, ValueReturningOnPending) {
  Promise<int> promise;
  int calls = 0;
  Future<std::string> result = promise.future().then(ToText{&calls});
  EXPECT_TRUE(result.isPending());
  EXPECT_EQ(0, calls);
  promise.set(4);
  // Synchronously, on the completing thread.
  EXPECT_EQ(1, calls);
  ASSERT_TRUE(result.isReady());
  EXPECT_EQ("4", result.get());
}

TEST(FutureThenTest, FutureReturningFollowsTheReturnedFuture) {
  for (int outcome = 0; outcome < 4; ++outcome) {
    SCOPED_TRACE(outcome);
    Promise<int> promise;
    std::optional<Promise<std::string>> inner(std::in_place);
    int seen = 0;
    Future<std::string> result =
        promise.future().then([&](int value) -> Future<std::string> {
          seen = value;
          return inner->future();
        });
    promise.set(6);
    EXPECT_EQ(6, seen);
    EXPECT_TRUE(result.isPending());
    switch (outcome) {
      case 0:
        inner->set("six");
        AWAIT_EXPECT_EQ(std::string("six"), result);
        break;
      case 1:
        inner->fail("inner failed");
        AWAIT_EXPECT_FAILURE_EQ("inner failed", result);
        break;
      case 2:
        inner->discard();
        AWAIT_EXPECT_DISCARDED(result);
        break;
      case 3:
        inner.reset();
        AWAIT_EXPECT_ABANDONED(result);
        break;
    }
  }
}

TEST(FutureThenTest, FutureReturningOnReady) {
  Promise<std::string> inner;
  Future<std::string> result = Future<int>(1).then(
      [&](int) -> Future<std::string> { return inner.future(); });
  EXPECT_TRUE(result.isPending());
  inner.set("done");
  AWAIT_EXPECT_EQ(std::string("done"), result);
}

TEST(FutureThenTest, VoidReturningGivesNothing) {
  Promise<int> promise;
  int seen = 0;
  Future<Nothing> result = promise.future().then([&](int v) { seen = v; });
  EXPECT_TRUE(result.isPending());
  promise.set(8);
  EXPECT_EQ(8, seen);
  AWAIT_EXPECT_READY(result);
}

TEST(FutureThenTest, NoArgumentContinuation) {
  Promise<int> promise;
  int calls = 0;
  Future<int> result = promise.future().then([&] {
    ++calls;
    return 70;
  });
  promise.set(1);
  EXPECT_EQ(1, calls);
  AWAIT_EXPECT_EQ(70, result);

  Promise<Nothing> done;
  Future<std::string> text =
      done.future().then([] { return std::string("text"); });
  done.set();
  AWAIT_EXPECT_EQ(std::string("text"), text);
}

TEST(FutureThenTest, Chain) {
  Promise<int> promise;
  Future<std::string> result =
      promise.future()
          .then([](int i) { return i + 1; })
          .then([](int i) { return Future<int>(i * 2); })
          .then([](int i) { return std::to_string(i); });
  promise.set(4);
  AWAIT_EXPECT_EQ(std::string("10"), result);
}

TEST(FutureThenTest, FailurePassesThrough) {
  int calls = 0;
  // Pending source.
  Promise<int> promise;
  Future<std::string> result = promise.future().then(ToText{&calls});
  Future<std::string> chained =
      result.then([](const std::string& s) { return s + "!"; });
  promise.fail("source failed");
  AWAIT_EXPECT_FAILURE_EQ("source failed", result);
  AWAIT_EXPECT_FAILURE_EQ("source failed", chained);
  // Already failed source.
  Future<std::string> direct =
      Future<int>(Failure("early")).then(ToText{&calls});
  AWAIT_EXPECT_FAILURE_EQ("early", direct);
  EXPECT_EQ(0, calls);
}

TEST(FutureThenTest, DiscardPassesThrough) {
  int calls = 0;
  Promise<int> promise;
  Future<std::string> result = promise.future().then(ToText{&calls});
  Future<std::string> chained =
      result.then([](const std::string& s) { return s + "!"; });
  promise.discard();
  AWAIT_EXPECT_DISCARDED(result);
  AWAIT_EXPECT_DISCARDED(chained);

  Promise<int> discarded;
  discarded.discard();
  Future<std::string> direct = discarded.future().then(ToText{&calls});
  AWAIT_EXPECT_DISCARDED(direct);
  EXPECT_EQ(0, calls);
}

TEST(FutureThenTest, AbandonedSourceAbandonsTheResult) {
  int calls = 0;
  std::optional<Promise<int>> promise(std::in_place);
  Future<std::string> result = promise->future().then(ToText{&calls});
  Future<std::string> chained =
      result.then([](const std::string& s) { return s + "!"; });
  int abandoned = 0;
  chained.onAbandoned([&] { ++abandoned; });
  promise.reset();
  EXPECT_TRUE(result.isAbandoned());
  EXPECT_TRUE(result.isPending());
  EXPECT_TRUE(chained.isAbandoned());
  EXPECT_EQ(1, abandoned);

  Future<std::string> direct = Future<int>().then(ToText{&calls});
  EXPECT_TRUE(direct.isAbandoned());
  EXPECT_TRUE(direct.isPending());
  EXPECT_EQ(0, calls);
}

TEST(FutureThenTest, DiscardRequestOnResultSkipsContinuation) {
  int calls = 0;
  Promise<int> promise;
  Future<std::string> result = promise.future().then(ToText{&calls});
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  // The producer ignores the request and sets a value anyway.
  promise.set(1);
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_EQ(0, calls);
}

TEST(FutureThenTest, DiscardRequestOnSourceSkipsContinuation) {
  int calls = 0;
  Promise<int> promise;
  Future<std::string> result = promise.future().then(ToText{&calls});
  EXPECT_TRUE(promise.future().discard());
  promise.set(1);
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_EQ(0, calls);

  // Registered after the source completed READY with a discard request.
  Promise<int> late;
  late.future().discard();
  late.set(2);
  Future<std::string> lateResult = late.future().then(ToText{&calls});
  AWAIT_EXPECT_DISCARDED(lateResult);
  EXPECT_EQ(0, calls);
}

// A failure passes through unchanged even when a discard was requested: only
// a READY source turns into DISCARDED. (libprocess does so; the result must
// not depend on whether `then` was called before or after the failure.)
TEST(FutureThenTest, FailureWithDiscardRequestStaysFailed) {
  int calls = 0;
  Promise<int> promise;
  Future<std::string> result = promise.future().then(ToText{&calls});
  result.discard();
  promise.fail("failed anyway");
  AWAIT_EXPECT_FAILURE_EQ("failed anyway", result);

  Promise<int> late;
  late.future().discard();
  late.fail("failed anyway");
  Future<std::string> lateResult = late.future().then(ToText{&calls});
  AWAIT_EXPECT_FAILURE_EQ("failed anyway", lateResult);
  EXPECT_EQ(0, calls);
}

TEST(FutureThenTest, ExceptionFailsTheResult) {
  auto throwing = [](int) -> int { throw std::runtime_error("bad value"); };
  Promise<int> promise;
  Future<int> result = promise.future().then(throwing);
  promise.set(1);
  AWAIT_EXPECT_FAILURE_EQ("bad value", result);

  AWAIT_EXPECT_FAILURE_EQ("bad value", Future<int>(1).then(throwing));

  auto throwingFuture = [](int) -> Future<int> {
    throw std::logic_error("no future");
  };
  Promise<int> second;
  Future<int> futureResult = second.future().then(throwingFuture);
  second.set(1);
  AWAIT_EXPECT_FAILURE_EQ("no future", futureResult);
  AWAIT_EXPECT_FAILURE_EQ("no future", Future<int>(1).then(throwingFuture));

  auto throwingVoid = [](int) { throw std::runtime_error("void threw"); };
  Promise<int> third;
  Future<Nothing> voidResult = third.future().then(throwingVoid);
  third.set(1);
  AWAIT_EXPECT_FAILURE_EQ("void threw", voidResult);
  AWAIT_EXPECT_FAILURE_EQ("void threw", Future<int>(1).then(throwingVoid));

  Promise<int> fourth;
  Future<int> nonStandard = fourth.future().then([](int) -> int { throw 7; });
  fourth.set(1);
  AWAIT_EXPECT_FAILED(nonStandard);
}

TEST(FutureThenTest, ExceptionDoesNotDisturbOtherCallbacks) {
  Promise<int> promise;
  int after = 0;
  Future<int> result =
      promise.future().then([](int) -> int { throw std::runtime_error("x"); });
  promise.future().onReady([&](int v) { after = v; });
  EXPECT_TRUE(promise.set(5));
  EXPECT_EQ(5, after);
  AWAIT_EXPECT_FAILED(result);
}

// ---------------------------------------------------------------------------
// repair: runs only on FAILED.

TEST(FutureRepairTest, RunsOnFailed) {
  Promise<int> promise;
  std::string seen;
  Future<int> result = promise.future().repair([&](const Future<int>& f) {
    seen = f.failure();
    return 5;
  });
  EXPECT_TRUE(result.isPending());
  promise.fail("broken");
  EXPECT_EQ("broken", seen);
  AWAIT_EXPECT_EQ(5, result);

  // Already failed.
  Future<int> direct =
      Future<int>(Failure("early")).repair([](const Future<int>&) {
        return 6;
      });
  AWAIT_EXPECT_EQ(6, direct);

  // No argument.
  Future<int> noArgument =
      Future<int>(Failure("early")).repair([] { return 7; });
  AWAIT_EXPECT_EQ(7, noArgument);
}

TEST(FutureRepairTest, FollowsAReturnedFuture) {
  Promise<int> promise;
  Promise<int> replacement;
  Future<int> result = promise.future().repair(
      [&](const Future<int>&) { return replacement.future(); });
  promise.fail("broken");
  EXPECT_TRUE(result.isPending());
  replacement.set(9);
  AWAIT_EXPECT_EQ(9, result);

  Future<int> refailed = Future<int>(Failure("first"))
                             .repair([](const Future<int>&) -> Future<int> {
                               return Failure("second");
                             });
  AWAIT_EXPECT_FAILURE_EQ("second", refailed);
}

TEST(FutureRepairTest, DoesNotRunOtherwise) {
  int calls = 0;
  auto repair = [&](const Future<int>&) {
    ++calls;
    return -1;
  };

  Promise<int> ready;
  Future<int> readyResult = ready.future().repair(repair);
  ready.set(1);
  AWAIT_EXPECT_EQ(1, readyResult);
  AWAIT_EXPECT_EQ(2, Future<int>(2).repair(repair));

  Promise<int> discarded;
  Future<int> discardedResult = discarded.future().repair(repair);
  discarded.discard();
  AWAIT_EXPECT_DISCARDED(discardedResult);
  AWAIT_EXPECT_DISCARDED(discarded.future().repair(repair));

  std::optional<Promise<int>> abandoned(std::in_place);
  Future<int> abandonedResult = abandoned->future().repair(repair);
  abandoned.reset();
  EXPECT_TRUE(abandonedResult.isAbandoned());
  EXPECT_TRUE(abandonedResult.isPending());
  Future<int> direct = Future<int>().repair(repair);
  EXPECT_TRUE(direct.isAbandoned());
  EXPECT_TRUE(direct.isPending());

  EXPECT_EQ(0, calls);
}

TEST(FutureRepairTest, ExceptionFailsTheResult) {
  Promise<int> promise;
  Future<int> result = promise.future().repair([](const Future<int>&) -> int {
    throw std::runtime_error("unrepairable");
  });
  promise.fail("broken");
  AWAIT_EXPECT_FAILURE_EQ("unrepairable", result);
}

// ---------------------------------------------------------------------------
// recover: runs on FAILED, DISCARDED and abandoned.

TEST(FutureRecoverTest, RunsOnFailed) {
  Promise<int> promise;
  std::string seen;
  Future<int> result = promise.future().recover([&](const Future<int>& f) {
    seen = f.failure();
    return 1;
  });
  promise.fail("broken");
  EXPECT_EQ("broken", seen);
  AWAIT_EXPECT_EQ(1, result);
  AWAIT_EXPECT_EQ(2, Future<int>(Failure("x")).recover([](const Future<int>&) {
    return 2;
  }));
}

TEST(FutureRecoverTest, RunsOnDiscarded) {
  Promise<int> promise;
  bool sawDiscarded = false;
  Future<int> result = promise.future().recover([&](const Future<int>& f) {
    sawDiscarded = f.isDiscarded();
    return 3;
  });
  promise.discard();
  EXPECT_TRUE(sawDiscarded);
  AWAIT_EXPECT_EQ(3, result);

  Promise<int> discarded;
  discarded.discard();
  AWAIT_EXPECT_EQ(4, discarded.future().recover([] { return 4; }));
}

TEST(FutureRecoverTest, RunsOnAbandoned) {
  std::optional<Promise<int>> promise(std::in_place);
  bool sawAbandoned = false;
  Future<int> result = promise->future().recover([&](const Future<int>& f) {
    sawAbandoned = f.isAbandoned() && f.isPending();
    return 5;
  });
  EXPECT_TRUE(result.isPending());
  promise.reset();
  EXPECT_TRUE(sawAbandoned);
  AWAIT_EXPECT_EQ(5, result);

  AWAIT_EXPECT_EQ(6,
                  Future<int>().recover([](const Future<int>&) { return 6; }));
}

TEST(FutureRecoverTest, DoesNotRunOnReady) {
  int calls = 0;
  auto recover = [&](const Future<int>&) {
    ++calls;
    return -1;
  };
  Promise<int> promise;
  Future<int> result = promise.future().recover(recover);
  promise.set(7);
  AWAIT_EXPECT_EQ(7, result);
  AWAIT_EXPECT_EQ(8, Future<int>(8).recover(recover));
  EXPECT_EQ(0, calls);
}

TEST(FutureRecoverTest, ClearsTheDiscardRequest) {
  Promise<int> promise;
  Promise<int> replacement;
  int calls = 0;
  Future<int> result = promise.future().recover([&](const Future<int>&) {
    ++calls;
    return replacement.future();
  });
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  promise.discard();  // The producer honours the request.
  EXPECT_EQ(1, calls);

  // What recover returned is not discarded at once: the result follows it.
  EXPECT_FALSE(result.hasDiscard());
  EXPECT_FALSE(replacement.future().hasDiscard());
  EXPECT_TRUE(result.isPending());
  replacement.set(11);
  AWAIT_EXPECT_EQ(11, result);
}

TEST(FutureRecoverTest, LaterDiscardReachesTheRecoveredFuture) {
  Promise<int> promise;
  Promise<int> replacement;
  Future<int> result = promise.future().recover(
      [&](const Future<int>&) { return replacement.future(); });
  promise.fail("broken");
  EXPECT_TRUE(result.isPending());
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(replacement.future().hasDiscard());
  replacement.discard();
  AWAIT_EXPECT_DISCARDED(result);
}

TEST(FutureRecoverTest, ExceptionFailsTheResult) {
  Promise<int> promise;
  Future<int> result =
      promise.future().recover([](const Future<int>&) -> Future<int> {
        throw std::runtime_error("no");
      });
  promise.discard();
  AWAIT_EXPECT_FAILURE_EQ("no", result);
}

// ---------------------------------------------------------------------------
// after: a timeout on a pending future, on the (paused) Clock.

class FutureAfterTest : public ::testing::Test {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override { Clock::resume(); }
};

TEST_F(FutureAfterTest, FiresWhenStillPending) {
  Promise<int> promise;
  Future<int> source = promise.future();
  int calls = 0;
  bool sawSource = false;
  Future<int> result =
      source.after(Seconds(10), [&](const Future<int>& future) {
        ++calls;
        sawSource = future == source && future.isPending();
        return 99;
      });
  EXPECT_TRUE(result.isPending());
  Clock::advance(Seconds(9));
  EXPECT_TRUE(result.isPending());
  EXPECT_EQ(0, calls);
  Clock::advance(Seconds(1));
  AWAIT_EXPECT_EQ(99, result);
  EXPECT_EQ(1, calls);
  EXPECT_TRUE(sawSource);

  // The source completing later changes nothing.
  promise.set(1);
  EXPECT_EQ(99, result.get());
  EXPECT_EQ(1, calls);
}

TEST_F(FutureAfterTest, TypicalTimeoutDiscardsTheSource) {
  Promise<int> promise;
  int discards = 0;
  promise.future().onDiscard([&] { ++discards; });
  Future<int> result = promise.future().after(
      Milliseconds(100), [](Future<int> future) -> Future<int> {
        future.discard();
        return Failure("timed out");
      });
  Clock::advance(Milliseconds(100));
  AWAIT_EXPECT_FAILURE_EQ("timed out", result);
  EXPECT_TRUE(promise.future().hasDiscard());
  EXPECT_EQ(1, discards);
}

TEST_F(FutureAfterTest, FollowsTheFutureReturnedOnTimeout) {
  Promise<int> promise;
  Promise<int> fallback;
  Future<int> result = promise.future().after(
      Seconds(1), [&](const Future<int>&) { return fallback.future(); });
  Clock::advance(Seconds(1));
  EXPECT_TRUE(result.isPending());
  promise.set(1);  // Too late: the fallback decides.
  EXPECT_TRUE(result.isPending());
  fallback.set(2);
  AWAIT_EXPECT_EQ(2, result);
}

TEST_F(FutureAfterTest, NotWhenCompletedFirst) {
  for (int outcome = 0; outcome < 3; ++outcome) {
    SCOPED_TRACE(outcome);
    Promise<int> promise;
    int calls = 0;
    const size_t timers = Clock::pendingTimers();
    Future<int> result = promise.future().after(Seconds(10), [&] {
      ++calls;
      return -1;
    });
    EXPECT_EQ(timers + 1, Clock::pendingTimers());
    Clock::advance(Seconds(5));
    switch (outcome) {
      case 0:
        promise.set(1);
        AWAIT_EXPECT_EQ(1, result);
        break;
      case 1:
        promise.fail("failed first");
        AWAIT_EXPECT_FAILURE_EQ("failed first", result);
        break;
      case 2:
        promise.discard();
        AWAIT_EXPECT_DISCARDED(result);
        break;
    }
    // The timer was cancelled.
    EXPECT_EQ(timers, Clock::pendingTimers());
    Clock::advance(Seconds(10));
    EXPECT_EQ(0, calls);
  }
}

TEST_F(FutureAfterTest, OnAlreadyCompletedFuture) {
  int calls = 0;
  const size_t timers = Clock::pendingTimers();
  Future<int> result = Future<int>(3).after(Seconds(1), [&] {
    ++calls;
    return -1;
  });
  AWAIT_EXPECT_EQ(3, result);
  EXPECT_EQ(timers, Clock::pendingTimers());
  Clock::advance(Seconds(2));
  EXPECT_EQ(0, calls);
}

TEST_F(FutureAfterTest, FiresOnAbandonedFuture) {
  Future<int> result = Future<int>().after(
      Seconds(1), [](const Future<int>& f) { return f.isAbandoned() ? 1 : 2; });
  EXPECT_TRUE(result.isPending());
  Clock::advance(Seconds(1));
  AWAIT_EXPECT_EQ(1, result);
}

TEST_F(FutureAfterTest, DiscardBeforeTimeoutReachesTheSource) {
  Promise<int> promise;
  int calls = 0;
  const size_t timers = Clock::pendingTimers();
  Future<int> result = promise.future().after(Seconds(10), [&] {
    ++calls;
    return -1;
  });
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  promise.discard();
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_EQ(timers, Clock::pendingTimers());
  Clock::advance(Seconds(10));
  EXPECT_EQ(0, calls);
}

TEST_F(FutureAfterTest, DiscardAfterTimeoutReachesTheReturnedFuture) {
  Promise<int> promise;
  Promise<int> fallback;
  Future<int> result = promise.future().after(
      Seconds(1), [&](const Future<int>&) { return fallback.future(); });
  Clock::advance(Seconds(1));
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(fallback.future().hasDiscard());
  fallback.discard();
  AWAIT_EXPECT_DISCARDED(result);
}

TEST_F(FutureAfterTest, ExceptionFailsTheResult) {
  Promise<int> promise;
  Future<int> result = promise.future().after(
      Seconds(1),
      [](const Future<int>&) -> int { throw std::runtime_error("late"); });
  Clock::advance(Seconds(1));
  AWAIT_EXPECT_FAILURE_EQ("late", result);
}

// ---------------------------------------------------------------------------
// undiscardable.

TEST(FutureUndiscardableTest, DiscardDoesNotReachTheSource) {
  Promise<int> promise;
  int discards = 0;
  promise.future().onDiscard([&] { ++discards; });
  Future<int> future = undiscardable(promise.future());
  EXPECT_TRUE(future.discard());
  EXPECT_FALSE(promise.future().hasDiscard());
  EXPECT_EQ(0, discards);
  EXPECT_TRUE(future.isPending());
  promise.set(1);
  AWAIT_EXPECT_EQ(1, future);
}

TEST(FutureUndiscardableTest, FollowsEachOutcome) {
  Promise<int> failing;
  Future<int> failed = undiscardable(failing.future());
  failing.fail("f");
  AWAIT_EXPECT_FAILURE_EQ("f", failed);

  Promise<int> discarding;
  Future<int> discarded = undiscardable(discarding.future());
  discarding.discard();
  AWAIT_EXPECT_DISCARDED(discarded);

  std::optional<Promise<int>> abandoning(std::in_place);
  Future<int> abandoned = undiscardable(abandoning->future());
  EXPECT_FALSE(abandoned.isAbandoned());
  abandoning.reset();
  EXPECT_TRUE(abandoned.isAbandoned());

  AWAIT_EXPECT_EQ(2, undiscardable(Future<int>(2)));
}

TEST(FutureUndiscardableTest, StopsDiscardsOfAChain) {
  Promise<int> promise;
  Future<int> result =
      undiscardable(promise.future()).then([](int i) { return i + 1; });
  EXPECT_TRUE(result.discard());
  EXPECT_FALSE(promise.future().hasDiscard());
}

// ---------------------------------------------------------------------------
// Discard propagation: a discard request on the end of a chain reaches the
// future of the original promise.

TEST(FutureDiscardPropagationTest, ThroughThen) {
  Promise<int> promise;
  int discards = 0;
  int calls = 0;
  promise.future().onDiscard([&] { ++discards; });
  Future<std::string> result = promise.future()
                                   .then([&](int i) {
                                     ++calls;
                                     return i;
                                   })
                                   .then([&](int i) {
                                     ++calls;
                                     return Future<int>(i);
                                   })
                                   .then(ToText{&calls});
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  EXPECT_EQ(1, discards);
  EXPECT_FALSE(result.discard());
  EXPECT_EQ(1, discards);
  promise.discard();
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_EQ(0, calls);
}

TEST(FutureDiscardPropagationTest, ThroughRepair) {
  Promise<int> promise;
  int discards = 0;
  promise.future().onDiscard([&] { ++discards; });
  Future<int> result =
      promise.future().repair([](const Future<int>&) { return 0; });
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  EXPECT_EQ(1, discards);
  promise.discard();
  AWAIT_EXPECT_DISCARDED(result);
}

TEST(FutureDiscardPropagationTest, ThroughRecover) {
  Promise<int> promise;
  int discards = 0;
  promise.future().onDiscard([&] { ++discards; });
  Future<int> result =
      promise.future().recover([](const Future<int>&) { return 0; });
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  EXPECT_EQ(1, discards);
}

TEST(FutureDiscardPropagationTest, ThroughAMixedChain) {
  Promise<int> promise;
  int discards = 0;
  promise.future().onDiscard([&] { ++discards; });
  Future<int> result = promise.future()
                           .then([](int i) { return i + 1; })
                           .repair([](const Future<int>&) { return 0; })
                           .recover([](const Future<int>&) { return 0; })
                           .then([](int i) { return Future<int>(i); });
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(promise.future().hasDiscard());
  EXPECT_EQ(1, discards);
}

TEST(FutureDiscardPropagationTest, ToTheFutureAContinuationReturned) {
  Promise<int> promise;
  Promise<int> inner;
  int innerDiscards = 0;
  inner.future().onDiscard([&] { ++innerDiscards; });
  Future<int> result =
      promise.future().then([&](int) { return inner.future(); });
  promise.set(1);
  EXPECT_TRUE(result.isPending());
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(inner.future().hasDiscard());
  EXPECT_EQ(1, innerDiscards);
  inner.discard();
  AWAIT_EXPECT_DISCARDED(result);
}

TEST(FutureDiscardPropagationTest, ThroughPromiseAssociation) {
  Promise<int> source;
  int discards = 0;
  source.future().onDiscard([&] { ++discards; });
  Promise<int> outer;
  EXPECT_TRUE(outer.set(source.future().then([](int i) { return i * 2; })));
  Future<int> result = outer.future().then([](int i) { return i + 1; });
  EXPECT_TRUE(result.discard());
  EXPECT_TRUE(outer.future().hasDiscard());
  EXPECT_TRUE(source.future().hasDiscard());
  EXPECT_EQ(1, discards);
  source.discard();
  AWAIT_EXPECT_DISCARDED(outer.future());
  AWAIT_EXPECT_DISCARDED(result);
}

TEST(FutureDiscardPropagationTest, RequestMadeBeforeAssociationIsForwarded) {
  Promise<int> inner;
  int discards = 0;
  inner.future().onDiscard([&] { ++discards; });
  Promise<int> outer;
  EXPECT_TRUE(outer.future().discard());
  EXPECT_TRUE(outer.associate(inner.future()));
  EXPECT_TRUE(inner.future().hasDiscard());
  EXPECT_EQ(1, discards);
}

TEST(FutureDiscardPropagationTest, DoesNotReachACompletedSource) {
  Promise<int> promise;
  Promise<int> inner;
  Future<int> result =
      promise.future().then([&](int) { return inner.future(); });
  promise.set(1);
  EXPECT_TRUE(result.discard());
  EXPECT_FALSE(promise.future().hasDiscard());
  EXPECT_TRUE(promise.future().isReady());
}
