// collect() and await(), in their vector and variadic (tuple) forms.
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include <process/collect.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>

using namespace process;

namespace {

template <typename T>
Future<T> discardedFuture() {
  Promise<T> promise;
  promise.discard();
  return promise.future();
}

// The promise goes out of scope while pending: the future is abandoned.
template <typename T>
Future<T> abandonedFuture() {
  Promise<T> promise;
  return promise.future();
}

}  // namespace

// ---------------------------------------------------------------------------
// collect(std::vector<Future<T>>)

TEST(CollectTest, EmptyVectorIsReadyAndEmpty) {
  Future<std::vector<int>> result = collect(std::vector<Future<int>>());
  AWAIT_READY(result);
  EXPECT_TRUE(result->empty());
}

TEST(CollectTest, AllReadyInputs) {
  std::vector<Future<int>> inputs = {1, 2, 3};
  Future<std::vector<int>> result = collect(inputs);
  AWAIT_EXPECT_EQ(std::vector<int>({1, 2, 3}), result);
}

TEST(CollectTest, PendingThenReadyKeepsInputOrder) {
  Promise<std::string> p0;
  Promise<std::string> p1;
  Promise<std::string> p2;
  std::vector<Future<std::string>> inputs = {p0.future(), p1.future(),
                                             p2.future()};
  Future<std::vector<std::string>> result = collect(inputs);
  EXPECT_TRUE(result.isPending());

  // Complete in a different order from the inputs'.
  p2.set("two");
  EXPECT_TRUE(result.isPending());
  p0.set("zero");
  EXPECT_TRUE(result.isPending());
  p1.set("one");

  AWAIT_EXPECT_EQ(std::vector<std::string>({"zero", "one", "two"}), result);
}

TEST(CollectTest, MixOfReadyAndPendingInputs) {
  Promise<int> pending;
  std::vector<Future<int>> inputs = {Future<int>(10), pending.future(),
                                     Future<int>(30)};
  Future<std::vector<int>> result = collect(inputs);
  EXPECT_TRUE(result.isPending());
  EXPECT_FALSE(result.await(Milliseconds(20)));

  pending.set(20);
  AWAIT_EXPECT_EQ(std::vector<int>({10, 20, 30}), result);
}

TEST(CollectTest, SameFutureTwice) {
  Promise<int> promise;
  std::vector<Future<int>> inputs = {promise.future(), promise.future()};
  Future<std::vector<int>> result = collect(inputs);
  promise.set(7);
  AWAIT_EXPECT_EQ(std::vector<int>({7, 7}), result);
}

TEST(CollectTest, FailsAsSoonAsAnyInputFails) {
  Promise<int> p0;
  Promise<int> p1;
  Promise<int> p2;
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{p0.future(), p1.future(), p2.future()});

  p1.fail("boom");
  // p0 and p2 are still pending: the failure does not wait for them.
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: boom", result);
  EXPECT_TRUE(p0.future().isPending());
  EXPECT_TRUE(p2.future().isPending());

  // Later completions change nothing.
  p0.set(0);
  p2.fail("second");
  EXPECT_TRUE(result.isFailed());
  EXPECT_EQ("Collect failed: boom", result.failure());
}

TEST(CollectTest, AlreadyFailedInput) {
  Promise<int> pending;
  Future<std::vector<int>> result = collect(std::vector<Future<int>>{
      Future<int>(1), Future<int>(Failure("bad input")), pending.future()});
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: bad input", result);
}

// As libprocess: a discarded input fails the result (it does not discard it).
TEST(CollectTest, DiscardedInputFailsResult) {
  Promise<int> p0;
  Promise<int> p1;
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{p0.future(), p1.future()});

  p1.discard();
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: future discarded", result);
  EXPECT_TRUE(p0.future().isPending());

  p0.set(1);
  EXPECT_TRUE(result.isFailed());
}

TEST(CollectTest, AlreadyDiscardedInput) {
  Promise<int> pending;
  Future<std::vector<int>> result = collect(std::vector<Future<int>>{
      Future<int>(1), discardedFuture<int>(), pending.future()});
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: future discarded", result);
}

// The first input to fail decides, also when it is the last input.
TEST(CollectTest, LastInputFailingFailsResult) {
  Promise<int> p0;
  Promise<int> p1;
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{p0.future(), p1.future()});
  p0.set(0);
  p1.fail("last");
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: last", result);
}

// A discard request on the result discards it even when the inputs ignore
// the request, as libprocess's collect does.
TEST(CollectTest, DiscardingResultDiscardsItEvenIfInputsIgnoreIt) {
  Promise<int> p0;
  Promise<int> p1;
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{p0.future(), p1.future()});
  result.discard();
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
  EXPECT_TRUE(p0.future().isPending());
  p0.set(0);
  p1.set(1);
  EXPECT_TRUE(result.isDiscarded());
}

// An abandoned input abandons the result at once: it can never complete.
TEST(CollectTest, AbandonedInputAbandonsResultAtOnce) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<int> other;
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{doomed->future(), other.future()});
  doomed.reset();
  EXPECT_TRUE(result.isAbandoned());
  EXPECT_TRUE(result.isPending());
  other.set(1);
  EXPECT_TRUE(result.isPending());
}

// libprocess's CollectTest.AbandonedPropagation.
TEST(CollectTest, AbandonedInputIsRecoverable) {
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> future =
      collect(promise->future())
          .recover(
              [](const Future<std::tuple<int>>& f) -> Future<std::tuple<int>> {
                if (f.isAbandoned()) {
                  return std::make_tuple(42);
                }
                return f;
              })
          .then([](const std::tuple<int>& t) { return std::get<0>(t); });
  promise.reset();
  AWAIT_EQ(42, future);
}

TEST(CollectTest, DiscardingResultRequestsDiscardOfEveryInput) {
  Promise<int> p0;
  Promise<int> p1;
  Promise<int> p2;
  std::atomic<int> requests{0};
  for (Promise<int>* p : {&p0, &p1, &p2}) {
    p->future().onDiscard([&requests] { ++requests; });
  }
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{p0.future(), p1.future(), p2.future()});

  EXPECT_TRUE(result.discard());
  EXPECT_EQ(3, requests.load());
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
  EXPECT_TRUE(p2.future().hasDiscard());

  // The producers honour the request: the result ends up DISCARDED.
  p0.discard();
  p1.discard();
  p2.discard();
  AWAIT_EXPECT_DISCARDED(result);
}

// Producers that honour a discard request at once, inside the request: the
// result is DISCARDED, not failed by the first input it sees discarded.
TEST(CollectTest, DiscardingResultWhoseInputsDiscardAtOnce) {
  Promise<int> p0;
  Promise<bool> p1;
  p0.future().onDiscard([&p0] { p0.discard(); });
  p1.future().onDiscard([&p1] { p1.discard(); });
  Future<std::tuple<int, bool>> result = collect(p0.future(), p1.future());

  result.discard();
  AWAIT_EXPECT_DISCARDED(result);
  AWAIT_EXPECT_DISCARDED(p0.future());
  AWAIT_EXPECT_DISCARDED(p1.future());

  Promise<int> p2;
  p2.future().onDiscard([&p2] { p2.discard(); });
  Future<std::vector<int>> many =
      collect(std::vector<Future<int>>{p2.future()});
  many.discard();
  AWAIT_EXPECT_DISCARDED(many);
}

TEST(CollectTest, AbandonedInputAbandonsResultOnceOthersAreDone) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<int> p1;
  Promise<int> p2;
  Future<std::vector<int>> result = collect(
      std::vector<Future<int>>{doomed->future(), p1.future(), p2.future()});

  doomed.reset();  // Abandons its future.
  p1.set(1);
  p2.set(2);

  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(CollectTest, AlreadyAbandonedInputs) {
  // A default-made future is abandoned; so is one whose promise is gone.
  Future<std::vector<int>> result = collect(
      std::vector<Future<int>>{Future<int>(), abandonedFuture<int>(), 3});
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(CollectTest, AbandonedInputDoesNotHideALaterFailure) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<int> other;
  Future<std::vector<int>> result =
      collect(std::vector<Future<int>>{doomed->future(), other.future()});
  doomed.reset();
  other.fail("late");
  // Either the failure wins, or the result is abandoned; it never turns
  // READY.
  result.await(Milliseconds(100));
  EXPECT_FALSE(result.isReady());
  EXPECT_FALSE(result.isDiscarded());
  if (result.isFailed()) {
    EXPECT_EQ("Collect failed: late", result.failure());
  } else {
    EXPECT_TRUE(result.isAbandoned());
  }
}

TEST(CollectTest, ResultDroppedWhileInputsPending) {
  Promise<int> p0;
  Promise<int> p1;
  {
    Future<std::vector<int>> result =
        collect(std::vector<Future<int>>{p0.future(), p1.future()});
  }
  // Completing the inputs after nobody holds the result is harmless.
  p0.set(0);
  p1.set(1);
}

TEST(CollectTest, InputsCompletedFromManyThreads) {
  constexpr int kInputs = 16;
  std::vector<Promise<int>> promises(kInputs);
  std::vector<Future<int>> inputs;
  for (const Promise<int>& promise : promises) {
    inputs.push_back(promise.future());
  }
  Future<std::vector<int>> result = collect(inputs);

  std::vector<std::thread> threads;
  for (int i = 0; i < kInputs; ++i) {
    threads.emplace_back([&promises, i] { promises[i].set(i * i); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  AWAIT_READY(result);
  ASSERT_EQ(static_cast<size_t>(kInputs), result->size());
  for (int i = 0; i < kInputs; ++i) {
    EXPECT_EQ(i * i, result.get()[i]);
  }
}

// ---------------------------------------------------------------------------
// collect(Future<Ts>...)

TEST(CollectTest, VariadicAllReady) {
  Future<std::tuple<int, std::string, bool>> result =
      collect(Future<int>(1), Future<std::string>("two"), Future<bool>(true));
  AWAIT_READY(result);
  EXPECT_EQ(1, std::get<0>(result.get()));
  EXPECT_EQ("two", std::get<1>(result.get()));
  EXPECT_TRUE(std::get<2>(result.get()));
}

TEST(CollectTest, VariadicPendingThenReady) {
  Promise<int> p0;
  Promise<std::string> p1;
  Future<std::tuple<int, std::string>> result =
      collect(p0.future(), p1.future());
  p1.set("b");
  EXPECT_TRUE(result.isPending());
  p0.set(5);
  AWAIT_READY(result);
  EXPECT_EQ(5, std::get<0>(result.get()));
  EXPECT_EQ("b", std::get<1>(result.get()));
}

TEST(CollectTest, VariadicFailsAsSoonAsAnyInputFails) {
  Promise<int> p0;
  Promise<std::string> p1;
  Future<std::tuple<int, std::string>> result =
      collect(p0.future(), p1.future());
  p1.fail("nope");
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: nope", result);
  EXPECT_TRUE(p0.future().isPending());
}

TEST(CollectTest, VariadicDiscardedInputFailsResult) {
  Promise<int> p0;
  Promise<std::string> p1;
  Future<std::tuple<int, std::string>> result =
      collect(p0.future(), p1.future());
  p0.discard();
  AWAIT_EXPECT_FAILURE_EQ("Collect failed: future discarded", result);
  EXPECT_TRUE(p1.future().isPending());
}

TEST(CollectTest, VariadicDiscardingResultRequestsDiscardOfEveryInput) {
  Promise<int> p0;
  Promise<std::string> p1;
  std::atomic<int> requests{0};
  p0.future().onDiscard([&requests] { ++requests; });
  p1.future().onDiscard([&requests] { ++requests; });
  Future<std::tuple<int, std::string>> result =
      collect(p0.future(), p1.future());

  result.discard();
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
  EXPECT_EQ(2, requests.load());

  p0.discard();
  p1.discard();
  AWAIT_EXPECT_DISCARDED(result);
}

TEST(CollectTest, VariadicAbandonedInputAbandonsResultOnceOthersAreDone) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<std::string> other;
  Future<std::tuple<int, std::string>> result =
      collect(doomed->future(), other.future());
  doomed.reset();
  other.set("done");
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

// ---------------------------------------------------------------------------
// await(std::vector<Future<T>>)

TEST(AwaitTest, EmptyVectorIsReadyAndEmpty) {
  Future<std::vector<Future<int>>> result = await(std::vector<Future<int>>());
  AWAIT_READY(result);
  EXPECT_TRUE(result->empty());
}

TEST(AwaitTest, InputsInEveryFinalStateKeepOrder) {
  Future<int> ready(1);
  Future<int> failed(Failure("failed input"));
  Future<int> discarded = discardedFuture<int>();
  std::vector<Future<int>> inputs = {failed, ready, discarded};

  Future<std::vector<Future<int>>> result = await(inputs);
  AWAIT_READY(result);
  ASSERT_EQ(3u, result->size());
  EXPECT_EQ(failed, result.get()[0]);
  EXPECT_EQ(ready, result.get()[1]);
  EXPECT_EQ(discarded, result.get()[2]);
  EXPECT_EQ("failed input", result.get()[0].failure());
  EXPECT_EQ(1, result.get()[1].get());
  EXPECT_TRUE(result.get()[2].isDiscarded());
}

TEST(AwaitTest, WaitsUntilNoInputIsPendingAndNeverFails) {
  Promise<int> p0;
  Promise<int> p1;
  Promise<int> p2;
  std::vector<Future<int>> inputs = {p0.future(), p1.future(), p2.future()};
  Future<std::vector<Future<int>>> result = await(inputs);

  // A failure or a discard does not complete the result early.
  p1.fail("one failed");
  EXPECT_TRUE(result.isPending());
  p2.discard();
  EXPECT_TRUE(result.isPending());
  EXPECT_FALSE(result.await(Milliseconds(20)));

  p0.set(0);
  AWAIT_READY(result);
  ASSERT_EQ(3u, result->size());
  EXPECT_EQ(inputs, result.get());
  EXPECT_TRUE(result.get()[0].isReady());
  EXPECT_TRUE(result.get()[1].isFailed());
  EXPECT_TRUE(result.get()[2].isDiscarded());
}

TEST(AwaitTest, AllFailed) {
  Promise<int> p0;
  Promise<int> p1;
  Future<std::vector<Future<int>>> result =
      await(std::vector<Future<int>>{p0.future(), p1.future()});
  p0.fail("a");
  p1.fail("b");
  AWAIT_READY(result);
  EXPECT_EQ("a", result.get()[0].failure());
  EXPECT_EQ("b", result.get()[1].failure());
}

TEST(AwaitTest, DiscardingResultRequestsDiscardOfEveryInput) {
  Promise<int> p0;
  Promise<int> p1;
  std::atomic<int> requests{0};
  p0.future().onDiscard([&requests] { ++requests; });
  p1.future().onDiscard([&requests] { ++requests; });
  Future<std::vector<Future<int>>> result =
      await(std::vector<Future<int>>{p0.future(), p1.future()});

  EXPECT_TRUE(result.discard());
  EXPECT_EQ(2, requests.load());
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());

  // Once the producers honour it the result completes, but never FAILED.
  p0.discard();
  p1.discard();
  AWAIT(result);
  EXPECT_FALSE(result.isFailed());
}

TEST(AwaitTest, AbandonedInputAbandonsResultOnceOthersAreDone) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<int> other;
  Future<std::vector<Future<int>>> result =
      await(std::vector<Future<int>>{other.future(), doomed->future()});
  doomed.reset();
  other.fail("whatever");
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(AwaitTest, AlreadyAbandonedInput) {
  Future<std::vector<Future<int>>> result =
      await(std::vector<Future<int>>{Future<int>(1), Future<int>()});
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(AwaitTest, InputsCompletedFromManyThreads) {
  constexpr int kInputs = 16;
  std::vector<Promise<int>> promises(kInputs);
  std::vector<Future<int>> inputs;
  for (const Promise<int>& promise : promises) {
    inputs.push_back(promise.future());
  }
  Future<std::vector<Future<int>>> result = await(inputs);

  std::vector<std::thread> threads;
  for (int i = 0; i < kInputs; ++i) {
    threads.emplace_back([&promises, i] {
      if (i % 2 == 0) {
        promises[i].set(i);
      } else {
        promises[i].fail(std::to_string(i));
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  AWAIT_READY(result);
  ASSERT_EQ(static_cast<size_t>(kInputs), result->size());
  for (int i = 0; i < kInputs; ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(i, result.get()[i].get());
    } else {
      EXPECT_EQ(std::to_string(i), result.get()[i].failure());
    }
  }
}

// ---------------------------------------------------------------------------
// await(Future<Ts>...)

TEST(AwaitTest, VariadicInputsInEveryFinalState) {
  Future<int> ready(1);
  Future<std::string> failed(Failure("no string"));
  Future<bool> discarded = discardedFuture<bool>();
  Future<std::tuple<Future<int>, Future<std::string>, Future<bool>>> result =
      await(ready, failed, discarded);
  AWAIT_READY(result);
  EXPECT_EQ(ready, std::get<0>(result.get()));
  EXPECT_EQ(failed, std::get<1>(result.get()));
  EXPECT_EQ(discarded, std::get<2>(result.get()));
  EXPECT_EQ(1, std::get<0>(result.get()).get());
  EXPECT_EQ("no string", std::get<1>(result.get()).failure());
  EXPECT_TRUE(std::get<2>(result.get()).isDiscarded());
}

TEST(AwaitTest, VariadicWaitsUntilNoInputIsPending) {
  Promise<int> p0;
  Promise<std::string> p1;
  Future<std::tuple<Future<int>, Future<std::string>>> result =
      await(p0.future(), p1.future());
  p0.fail("first");
  EXPECT_TRUE(result.isPending());
  EXPECT_FALSE(result.await(Milliseconds(20)));
  p1.set("second");
  AWAIT_READY(result);
  EXPECT_EQ("first", std::get<0>(result.get()).failure());
  EXPECT_EQ("second", std::get<1>(result.get()).get());
}

TEST(AwaitTest, VariadicDiscardingResultRequestsDiscardOfEveryInput) {
  Promise<int> p0;
  Promise<std::string> p1;
  std::atomic<int> requests{0};
  p0.future().onDiscard([&requests] { ++requests; });
  p1.future().onDiscard([&requests] { ++requests; });
  Future<std::tuple<Future<int>, Future<std::string>>> result =
      await(p0.future(), p1.future());

  result.discard();
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
  EXPECT_EQ(2, requests.load());

  p0.discard();
  p1.discard();
  AWAIT(result);
  EXPECT_FALSE(result.isFailed());
}

TEST(AwaitTest, VariadicAbandonedInputAbandonsResultOnceOthersAreDone) {
  std::optional<Promise<std::string>> doomed(std::in_place);
  Promise<int> other;
  Future<std::tuple<Future<int>, Future<std::string>>> result =
      await(other.future(), doomed->future());
  doomed.reset();
  other.set(3);
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(AwaitTest, DiscardingResultDiscardsItEvenIfInputsIgnoreIt) {
  Promise<int> p0;
  Promise<int> p1;
  Future<std::vector<Future<int>>> result =
      await(std::vector<Future<int>>{p0.future(), p1.future()});
  result.discard();
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
}

TEST(AwaitTest, AbandonedInputAbandonsResultAtOnce) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<int> other;
  Future<std::vector<Future<int>>> result =
      await(std::vector<Future<int>>{doomed->future(), other.future()});
  doomed.reset();
  EXPECT_TRUE(result.isAbandoned());
  other.set(1);
  EXPECT_TRUE(result.isPending());
}

// libprocess's AwaitTest.AbandonedPropagation.
TEST(AwaitTest, VariadicAbandonedInputIsRecoverable) {
  std::optional<Promise<int>> promise(std::in_place);
  using Pair = std::tuple<Future<int>, Future<int>>;
  Future<int> future =
      await(promise->future(), Future<int>())
          .recover([](const Future<Pair>& f) -> Future<Pair> {
            if (f.isAbandoned()) {
              return std::make_tuple(Future<int>(42), Future<int>(0));
            }
            return f;
          })
          .then([](const Pair& t) {
            return std::get<0>(t).then([](int i) { return i; });
          });
  promise.reset();
  AWAIT_EQ(42, future);
}

TEST(AwaitTest, SingleFuture) {
  Promise<int> promise;
  Future<Future<int>> result = await(promise.future());
  EXPECT_TRUE(result.isPending());
  promise.fail("no");
  AWAIT_READY(result);
  EXPECT_EQ(promise.future(), result.get());
  EXPECT_TRUE(result->isFailed());
}

// libprocess's AwaitTest.AwaitSingleDiscard.
TEST(AwaitTest, SingleFutureDiscardReachesTheInput) {
  Promise<int> promise;
  Future<std::string> future =
      await(promise.future()).then([](const Future<int>& f) {
        return f.then([](int i) { return std::to_string(i); });
      });
  future.discard();
  AWAIT_DISCARDED(future);
  EXPECT_TRUE(promise.future().hasDiscard());
}

// libprocess's AwaitTest.AwaitSingleAbandon.
TEST(AwaitTest, SingleFutureAbandoned) {
  std::optional<Promise<int>> promise(std::in_place);
  Future<std::string> future =
      await(promise->future())
          .then([](const Future<int>& f) {
            return f.then([](int i) { return std::to_string(i); });
          })
          .recover([](const Future<std::string>& f) -> Future<std::string> {
            if (f.isAbandoned()) {
              return std::string("hello");
            }
            return f;
          });
  promise.reset();
  AWAIT_EQ("hello", future);
}
