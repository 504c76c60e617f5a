// Future<T> and Promise<T>: the four states and abandonment, completing a
// promise (directly or by following another future), conversions, access to
// the result, copies and equality, every callback in every state, and the
// blocking await().
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <glog/logging.h>
#include <gtest/gtest.h>

#include <process/check.hpp>
#include <process/duration.hpp>
#include <process/error.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/try.hpp>

using namespace process;

namespace {

enum class Outcome { kReady, kFailed, kDiscarded, kAbandoned };

std::string outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kReady:
      return "READY";
    case Outcome::kFailed:
      return "FAILED";
    case Outcome::kDiscarded:
      return "DISCARDED";
    case Outcome::kAbandoned:
      return "ABANDONED";
  }
  return "?";
}

// The state of a future, read through its predicates only.
template <typename T>
std::string describe(const Future<T>& future) {
  if (future.isReady()) {
    return "READY";
  }
  if (future.isFailed()) {
    return "FAILED";
  }
  if (future.isDiscarded()) {
    return "DISCARDED";
  }
  return future.isAbandoned() ? "ABANDONED" : "PENDING";
}

// Brings the promise's future to `outcome`: READY with 42, FAILED with
// "oops", DISCARDED, or abandoned (the promise is destroyed).
void complete(std::optional<Promise<int>>& promise, Outcome outcome) {
  switch (outcome) {
    case Outcome::kReady:
      ASSERT_TRUE(promise->set(42));
      break;
    case Outcome::kFailed:
      ASSERT_TRUE(promise->fail("oops"));
      break;
    case Outcome::kDiscarded:
      ASSERT_TRUE(promise->discard());
      break;
    case Outcome::kAbandoned:
      promise.reset();
      break;
  }
}

// Registers every kind of callback, in both shapes where there are two; each
// appends its name (prefixed by `tag`) to `log`.
void registerAll(const Future<int>& future, std::vector<std::string>* log,
                 const std::string& tag) {
  future
      .onReady([log, tag](const int& value) {
        log->push_back(tag + "onReady(" + std::to_string(value) + ")");
      })
      .onReady([log, tag] { log->push_back(tag + "onReady()"); })
      .onFailed([log, tag](const std::string& message) {
        log->push_back(tag + "onFailed(" + message + ")");
      })
      .onFailed([log, tag] { log->push_back(tag + "onFailed()"); })
      .onDiscarded([log, tag] { log->push_back(tag + "onDiscarded()"); })
      .onAny([log, tag](const Future<int>& f) {
        log->push_back(tag + "onAny(" + describe(f) + ")");
      })
      .onAny([log, tag] { log->push_back(tag + "onAny()"); })
      .onDiscard([log, tag] { log->push_back(tag + "onDiscard()"); })
      .onAbandoned([log, tag] { log->push_back(tag + "onAbandoned()"); });
}

// What registerAll's callbacks log, in order, for a future in `outcome`.
std::vector<std::string> expectedLog(Outcome outcome, const std::string& tag) {
  switch (outcome) {
    case Outcome::kReady:
      return {tag + "onReady(42)", tag + "onReady()", tag + "onAny(READY)",
              tag + "onAny()"};
    case Outcome::kFailed:
      return {tag + "onFailed(oops)", tag + "onFailed()", tag + "onAny(FAILED)",
              tag + "onAny()"};
    case Outcome::kDiscarded:
      return {tag + "onDiscarded()", tag + "onAny(DISCARDED)", tag + "onAny()"};
    case Outcome::kAbandoned:
      return {tag + "onAbandoned()"};
  }
  return {};
}

// Registers one callback of each kind that throws: a std::exception naming
// it, except onAny's, which throws an int.
void registerThrowers(const Future<int>& future, const std::string& tag) {
  future.onReady([tag](int) -> void {
    throw std::runtime_error("thrown by " + tag + "onReady");
  });
  future.onFailed(
      [tag] { throw std::runtime_error("thrown by " + tag + "onFailed"); });
  future.onDiscarded(
      [tag] { throw std::runtime_error("thrown by " + tag + "onDiscarded"); });
  future.onAny([](const Future<int>&) { throw 42; });
  future.onDiscard(
      [tag] { throw std::runtime_error("thrown by " + tag + "onDiscard"); });
  future.onAbandoned(
      [tag] { throw std::runtime_error("thrown by " + tag + "onAbandoned"); });
}

// Collects what glog logs while it exists.
class LogCapture : public google::LogSink {
 public:
  LogCapture() { google::AddLogSink(this); }
  ~LogCapture() override { google::RemoveLogSink(this); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  void send(google::LogSeverity severity, const char* /*full_filename*/,
            const char* /*base_filename*/, int /*line*/,
            const google::LogMessageTime& /*time*/, const char* message,
            size_t length) override {
    std::lock_guard<std::mutex> guard(mutex_);
    if (severity >= google::GLOG_ERROR) {
      errors_.emplace_back(message, length);
    }
  }

  // How many ERROR messages contain `text`.
  int errorsContaining(const std::string& text) {
    std::lock_guard<std::mutex> guard(mutex_);
    int count = 0;
    for (const std::string& error : errors_) {
      if (error.find(text) != std::string::npos) {
        ++count;
      }
    }
    return count;
  }

  size_t errorCount() {
    std::lock_guard<std::mutex> guard(mutex_);
    return errors_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> errors_;
};

}  // namespace

// ---------------------------------------------------------------------------
// States.

TEST(FutureTest, NewPromiseIsPending) {
  Promise<int> promise;
  Future<int> future = promise.future();
  EXPECT_TRUE(future.isPending());
  EXPECT_FALSE(future.isReady());
  EXPECT_FALSE(future.isFailed());
  EXPECT_FALSE(future.isDiscarded());
  EXPECT_FALSE(future.isAbandoned());
  EXPECT_FALSE(future.hasDiscard());
}

struct Base {
  int value = 0;
};
struct Derived : Base {
  explicit Derived(int v) { value = v; }
};

TEST(FutureTest, FutureOfADerivedTypeConvertsToItsBase) {
  Promise<Derived> promise;
  Future<Base> base = promise.future();
  EXPECT_TRUE(base.isPending());
  promise.set(Derived(7));
  ASSERT_TRUE(base.isReady());
  EXPECT_EQ(7, base.get().value);

  Promise<Derived> failing;
  Future<Base> failed = failing.future();
  failing.fail("no");
  ASSERT_TRUE(failed.isFailed());
  EXPECT_EQ("no", failed.failure());

  // A discard request travels back to the promise.
  Promise<Derived> asked;
  Future<Base> discarding = asked.future();
  discarding.discard();
  EXPECT_TRUE(asked.future().hasDiscard());
}

TEST(FutureTest, SetMakesReady) {
  Promise<int> promise;
  Future<int> future = promise.future();
  EXPECT_TRUE(promise.set(42));
  EXPECT_TRUE(future.isReady());
  EXPECT_FALSE(future.isPending());
  EXPECT_FALSE(future.isFailed());
  EXPECT_FALSE(future.isDiscarded());
  EXPECT_FALSE(future.isAbandoned());
  EXPECT_EQ(42, future.get());
}

TEST(FutureTest, FailMakesFailed) {
  Promise<int> promise;
  Future<int> future = promise.future();
  EXPECT_TRUE(promise.fail("oops"));
  EXPECT_TRUE(future.isFailed());
  EXPECT_FALSE(future.isPending());
  EXPECT_FALSE(future.isReady());
  EXPECT_FALSE(future.isDiscarded());
  EXPECT_FALSE(future.isAbandoned());
  EXPECT_EQ("oops", future.failure());
}

TEST(FutureTest, DiscardMakesDiscarded) {
  Promise<int> promise;
  Future<int> future = promise.future();
  EXPECT_TRUE(promise.discard());
  EXPECT_TRUE(future.isDiscarded());
  EXPECT_FALSE(future.isPending());
  EXPECT_FALSE(future.isReady());
  EXPECT_FALSE(future.isFailed());
  EXPECT_FALSE(future.isAbandoned());
}

TEST(FutureTest, DestroyingAPendingPromiseAbandonsItsFuture) {
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> future = promise->future();
  EXPECT_FALSE(future.isAbandoned());
  promise.reset();
  EXPECT_TRUE(future.isAbandoned());
  EXPECT_TRUE(future.isPending());
  EXPECT_FALSE(future.isReady());
  EXPECT_FALSE(future.isFailed());
  EXPECT_FALSE(future.isDiscarded());
}

TEST(FutureTest, DestroyingACompletedPromiseDoesNotAbandon) {
  for (Outcome outcome :
       {Outcome::kReady, Outcome::kFailed, Outcome::kDiscarded}) {
    SCOPED_TRACE(outcomeName(outcome));
    std::optional<Promise<int>> promise(std::in_place);
    Future<int> future = promise->future();
    bool abandoned = false;
    future.onAbandoned([&] { abandoned = true; });
    complete(promise, outcome);
    promise.reset();
    EXPECT_FALSE(future.isAbandoned());
    EXPECT_FALSE(abandoned);
    EXPECT_EQ(outcomeName(outcome), describe(future));
  }
}

TEST(FutureTest, DefaultConstructedFutureIsAbandoned) {
  Future<int> future;
  EXPECT_TRUE(future.isPending());
  EXPECT_TRUE(future.isAbandoned());
  bool abandoned = false;
  future.onAbandoned([&] { abandoned = true; });
  EXPECT_TRUE(abandoned);
  AWAIT_ABANDONED(future);
}

TEST(FutureTest, MovedPromiseKeepsItsFuture) {
  auto original = std::make_unique<Promise<int>>();
  Future<int> future = original->future();
  Promise<int> moved(std::move(*original));
  original.reset();  // The moved-from promise must not abandon the future.
  EXPECT_FALSE(future.isAbandoned());
  EXPECT_TRUE(future.isPending());
  EXPECT_TRUE(moved.set(5));
  EXPECT_EQ(5, future.get());
  EXPECT_TRUE(moved.future() == future);
}

TEST(FutureTest, PromiseConstructedWithValueIsReady) {
  Promise<std::string> promise(std::string("hello"));
  EXPECT_TRUE(promise.future().isReady());
  EXPECT_EQ("hello", promise.future().get());
  EXPECT_FALSE(promise.set(std::string("again")));
}

TEST(FutureTest, PromiseOfNothingSetWithoutArgument) {
  Promise<Nothing> promise;
  EXPECT_TRUE(promise.set());
  EXPECT_TRUE(promise.future().isReady());
  EXPECT_FALSE(promise.set());
}

TEST(FutureTest, StreamsItsState) {
  auto text = [](const Future<int>& future) {
    std::ostringstream stream;
    stream << future;
    return stream.str();
  };
  Promise<int> pending;
  // libprocess's words (see future_compat_test.cpp for every state).
  EXPECT_EQ("Pending", text(pending.future()));
  EXPECT_EQ("Abandoned", text(Future<int>()));
  EXPECT_EQ("Ready", text(Future<int>(1)));
  EXPECT_EQ("Failed: why", text(Future<int>(Failure("why"))));
  Promise<int> discarded;
  discarded.discard();
  EXPECT_EQ("Discarded", text(discarded.future()));
}

// ---------------------------------------------------------------------------
// Promise: set/fail/discard return false once the promise is completed.

TEST(FuturePromiseTest, SecondCompletionReturnsFalse) {
  for (Outcome first :
       {Outcome::kReady, Outcome::kFailed, Outcome::kDiscarded}) {
    SCOPED_TRACE(outcomeName(first));
    std::optional<Promise<int>> promise(std::in_place);
    Future<int> future = promise->future();
    complete(promise, first);
    EXPECT_FALSE(promise->set(7));
    EXPECT_FALSE(promise->fail("later"));
    EXPECT_FALSE(promise->discard());
    Promise<int> other;
    EXPECT_FALSE(promise->set(other.future()));
    EXPECT_FALSE(promise->associate(Future<int>(8)));
    // The first completion stands.
    EXPECT_EQ(outcomeName(first), describe(future));
    if (first == Outcome::kReady) {
      EXPECT_EQ(42, future.get());
    }
    if (first == Outcome::kFailed) {
      EXPECT_EQ("oops", future.failure());
    }
  }
}

TEST(FuturePromiseTest, DiscardRequestDoesNotCompleteThePromise) {
  Promise<int> promise;
  Future<int> future = promise.future();
  EXPECT_TRUE(future.discard());
  EXPECT_TRUE(future.isPending());
  EXPECT_TRUE(future.hasDiscard());
  // The producer may still do as it likes.
  EXPECT_TRUE(promise.set(3));
  EXPECT_TRUE(future.isReady());
  EXPECT_EQ(3, future.get());
}

TEST(FuturePromiseTest, FutureDiscardReturnValues) {
  Promise<int> promise;
  Future<int> future = promise.future();
  EXPECT_TRUE(future.discard());
  EXPECT_FALSE(future.discard());  // Already requested.
  EXPECT_TRUE(promise.discard());
  EXPECT_FALSE(future.discard());

  Future<int> ready(1);
  EXPECT_FALSE(ready.discard());
  EXPECT_FALSE(ready.hasDiscard());
  Future<int> failed(Failure("x"));
  EXPECT_FALSE(failed.discard());
  EXPECT_FALSE(failed.hasDiscard());
}

// ---------------------------------------------------------------------------
// Promise::set(future) and associate(): following another future.

class FutureAssociateOutcomeTest : public ::testing::TestWithParam<Outcome> {};

TEST_P(FutureAssociateOutcomeTest, FollowsAPendingFuture) {
  const Outcome outcome = GetParam();
  std::optional<Promise<int>> inner(std::in_place);
  Promise<int> outer;
  Future<int> future = outer.future();
  std::vector<std::string> log;
  registerAll(future, &log, "");

  EXPECT_TRUE(outer.set(inner->future()));
  EXPECT_TRUE(future.isPending());
  EXPECT_TRUE(log.empty());

  // Following: the promise itself can no longer complete the future.
  EXPECT_FALSE(outer.set(1));
  EXPECT_FALSE(outer.fail("no"));
  EXPECT_FALSE(outer.discard());
  EXPECT_FALSE(outer.associate(Future<int>(2)));
  EXPECT_TRUE(future.isPending());
  EXPECT_FALSE(future.isAbandoned());

  complete(inner, outcome);
  EXPECT_EQ(outcomeName(outcome), describe(future));
  EXPECT_EQ(expectedLog(outcome, ""), log);
  if (outcome == Outcome::kReady) {
    EXPECT_EQ(42, future.get());
  }
  if (outcome == Outcome::kFailed) {
    EXPECT_EQ("oops", future.failure());
  }
}

TEST_P(FutureAssociateOutcomeTest, FollowsACompletedFuture) {
  const Outcome outcome = GetParam();
  std::optional<Promise<int>> inner(std::in_place);
  Future<int> innerFuture = inner->future();
  complete(inner, outcome);

  Promise<int> outer;
  Future<int> future = outer.future();
  std::vector<std::string> log;
  registerAll(future, &log, "");
  EXPECT_TRUE(outer.associate(innerFuture));
  EXPECT_EQ(outcomeName(outcome), describe(future));
  EXPECT_EQ(expectedLog(outcome, ""), log);
  if (outcome == Outcome::kReady) {
    EXPECT_EQ(42, future.get());
  }
  if (outcome == Outcome::kFailed) {
    EXPECT_EQ("oops", future.failure());
  }
}

TEST_P(FutureAssociateOutcomeTest, OuterPromiseMayBeDestroyedWhileFollowing) {
  const Outcome outcome = GetParam();
  std::optional<Promise<int>> inner(std::in_place);
  std::optional<Promise<int>> outer(std::in_place);
  Future<int> future = outer->future();
  std::vector<std::string> log;
  registerAll(future, &log, "");
  EXPECT_TRUE(outer->set(inner->future()));
  outer.reset();  // The future follows `inner` now, not the promise.
  EXPECT_FALSE(future.isAbandoned());
  EXPECT_TRUE(log.empty());
  complete(inner, outcome);
  EXPECT_EQ(outcomeName(outcome), describe(future));
  EXPECT_EQ(expectedLog(outcome, ""), log);
}

INSTANTIATE_TEST_SUITE_P(AllOutcomes, FutureAssociateOutcomeTest,
                         ::testing::Values(Outcome::kReady, Outcome::kFailed,
                                           Outcome::kDiscarded,
                                           Outcome::kAbandoned),
                         [](const auto& info) {
                           return outcomeName(info.param);
                         });

TEST(FutureAssociateTest, AssociatingWithAnAbandonedFutureAbandons) {
  Promise<int> promise;
  Future<int> future = promise.future();
  int abandoned = 0;
  future.onAbandoned([&] { ++abandoned; });
  EXPECT_TRUE(promise.associate(Future<int>()));
  EXPECT_TRUE(future.isAbandoned());
  EXPECT_TRUE(future.isPending());
  EXPECT_EQ(1, abandoned);
}

TEST(FutureAssociateTest, AssociateTwiceReturnsFalse) {
  Promise<int> first;
  Promise<int> second;
  Promise<int> outer;
  EXPECT_TRUE(outer.associate(first.future()));
  EXPECT_FALSE(outer.associate(second.future()));
  EXPECT_FALSE(outer.set(second.future()));
  // Only the first one counts.
  second.set(2);
  EXPECT_TRUE(outer.future().isPending());
  first.set(1);
  EXPECT_EQ(1, outer.future().get());
}

TEST(FutureAssociateTest, DiscardRequestTravelsToTheFollowedFuture) {
  Promise<int> inner;
  Promise<int> outer;
  int innerDiscards = 0;
  inner.future().onDiscard([&] { ++innerDiscards; });
  EXPECT_TRUE(outer.set(inner.future()));
  EXPECT_TRUE(outer.future().discard());
  EXPECT_TRUE(inner.future().hasDiscard());
  EXPECT_EQ(1, innerDiscards);
  inner.discard();
  EXPECT_TRUE(outer.future().isDiscarded());
}

// ---------------------------------------------------------------------------
// Conversions.

namespace {

Future<int> returnsValue() {
  return 7;
}
Future<int> returnsFailure() {
  return Failure("failed here");
}
Future<std::string> returnsLiteral() {
  return "literal";
}
Future<int> returnsTry(const Try<int>& t) {
  return t;
}

}  // namespace

TEST(FutureConversionTest, FromValue) {
  Future<int> future = 5;
  EXPECT_TRUE(future.isReady());
  EXPECT_EQ(5, future.get());
  EXPECT_EQ(7, returnsValue().get());

  std::string text = "moved";
  Future<std::string> moved = std::move(text);
  EXPECT_EQ("moved", moved.get());
}

TEST(FutureConversionTest, FromFailure) {
  Future<int> future = Failure("bad");
  EXPECT_TRUE(future.isFailed());
  EXPECT_EQ("bad", future.failure());
  EXPECT_EQ("failed here", returnsFailure().failure());

  Future<std::string> fromError = Failure(Error("an error"));
  EXPECT_EQ("an error", fromError.failure());

  Future<int> errno_ = ErrnoFailure(ENOENT, "open");
  EXPECT_TRUE(errno_.isFailed());
  EXPECT_EQ(0u, errno_.failure().find("open: "));
  EXPECT_NE(std::string::npos, errno_.failure().find("No such file"));
}

TEST(FutureConversionTest, FromTry) {
  Try<int> some = 9;
  Future<int> ready = some;
  EXPECT_TRUE(ready.isReady());
  EXPECT_EQ(9, ready.get());

  Try<int> error = Error("try failed");
  Future<int> failed = error;
  EXPECT_TRUE(failed.isFailed());
  EXPECT_EQ("try failed", failed.failure());

  EXPECT_EQ(3, returnsTry(3).get());
  EXPECT_EQ("nope", returnsTry(Error("nope")).failure());
}

TEST(FutureConversionTest, FromConvertibleValue) {
  Future<std::string> future = "chars";
  EXPECT_EQ("chars", future.get());
  EXPECT_EQ("literal", returnsLiteral().get());

  Future<int64_t> widened = 3;  // int -> int64_t
  EXPECT_EQ(int64_t{3}, widened.get());

  Future<std::optional<int>> optional = 4;
  ASSERT_TRUE(optional.get().has_value());
  EXPECT_EQ(4, *optional.get());
}

TEST(FutureConversionTest, ConvertedFuturesRunCallbacksAtOnce) {
  int ready = 0;
  int failed = 0;
  Future<int>(1).onReady([&](int v) { ready += v; });
  Future<int>(Failure("f")).onFailed([&](const std::string& m) {
    failed += m == "f" ? 1 : 100;
  });
  EXPECT_EQ(1, ready);
  EXPECT_EQ(1, failed);
}

// ---------------------------------------------------------------------------
// get(), failure(), operator->, operator*.

TEST(FutureAccessTest, GetOfReady) {
  Future<std::string> future = std::string("abc");
  EXPECT_EQ("abc", future.get());
  EXPECT_EQ("abc", *future);
  EXPECT_EQ(3u, future->size());
  // get() returns a reference to the one stored value.
  EXPECT_EQ(&future.get(), &*future);
  EXPECT_EQ(&future.get(), future.operator->());
  Future<std::string> copy = future;
  EXPECT_EQ(&future.get(), &copy.get());
}

TEST(FutureAccessTest, GetBlocksUntilSetOnAnotherThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread setter([&] { promise.set(11); });
  EXPECT_EQ(11, future.get());
  setter.join();
}

TEST(FutureAccessTest, FailureOfFailed) {
  Promise<int> promise;
  promise.fail("the reason");
  EXPECT_EQ("the reason", promise.future().failure());
}

class FutureDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(FutureDeathTest, GetOfFailedAborts) {
  Future<int> future = Failure("the failure");
  EXPECT_DEATH((void)future.get(), "FAILED.*the failure");
  Future<std::string> text = Failure("arrow");
  EXPECT_DEATH((void)text->size(), "FAILED.*arrow");
  EXPECT_DEATH((void)*future, "FAILED.*the failure");
}

TEST_F(FutureDeathTest, GetOfDiscardedAborts) {
  Promise<int> promise;
  promise.discard();
  Future<int> future = promise.future();
  EXPECT_DEATH((void)future.get(), "DISCARDED");
}

TEST_F(FutureDeathTest, GetOfAbandonedAborts) {
  Future<int> future;
  EXPECT_DEATH((void)future.get(), "abandoned");
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> abandoned = promise->future();
  promise.reset();
  EXPECT_DEATH((void)abandoned.get(), "abandoned");
}

TEST_F(FutureDeathTest, FailureOfNonFailedAborts) {
  Future<int> ready = 1;
  EXPECT_DEATH((void)ready.failure(), "not FAILED");
  Promise<int> pending;
  Future<int> future = pending.future();
  EXPECT_DEATH((void)future.failure(), "not FAILED");
}

TEST_F(FutureDeathTest, CheckMacros) {
  Future<int> ready = 1;
  Future<int> failed = Failure("broken");
  Promise<int> promise;
  Future<int> pending = promise.future();
  Promise<int> discarding;
  discarding.discard();
  Future<int> discarded = discarding.future();
  Future<int> abandoned;

  CHECK_READY(ready);
  CHECK_FAILED(failed);
  CHECK_PENDING(pending);
  CHECK_DISCARDED(discarded);
  CHECK_ABANDONED(abandoned);

  EXPECT_DEATH(CHECK_READY(failed) << "more",
               "CHECK_READY\\(failed\\): is FAILED: "
               "broken more");
  EXPECT_DEATH(CHECK_FAILED(ready), "is READY");
  EXPECT_DEATH(CHECK_READY(pending), "is PENDING");
  EXPECT_DEATH(CHECK_READY(discarded), "is DISCARDED");
  EXPECT_DEATH(CHECK_READY(abandoned),
               "CHECK_READY\\(abandoned\\): is PENDING");
}

// ---------------------------------------------------------------------------
// Copies and equality.

TEST(FutureCopyTest, CopiesShareTheResult) {
  Promise<int> promise;
  Future<int> future = promise.future();
  Future<int> copy = future;
  Future<int> assigned;
  EXPECT_TRUE(assigned.isAbandoned());
  assigned = future;
  EXPECT_FALSE(assigned.isAbandoned());

  int calls = 0;
  copy.onReady([&](int) { ++calls; });
  assigned.onReady([&](int) { ++calls; });
  promise.set(3);
  EXPECT_EQ(2, calls);
  EXPECT_EQ(3, future.get());
  EXPECT_EQ(3, copy.get());
  EXPECT_EQ(3, assigned.get());
}

TEST(FutureCopyTest, DiscardThroughACopy) {
  Promise<int> promise;
  Future<int> future = promise.future();
  Future<int> copy = future;
  EXPECT_TRUE(copy.discard());
  EXPECT_TRUE(future.hasDiscard());
}

TEST(FutureCopyTest, AssignReplacesTheResult) {
  Promise<int> promise;
  Future<int> future = promise.future();
  Future<int> original = future;
  // As in the guide: this future never completes, but stays usable.
  future = Promise<int>().future();
  EXPECT_TRUE(future.isPending());
  EXPECT_TRUE(future.isAbandoned());
  EXPECT_FALSE(future == original);
  promise.set(1);
  EXPECT_TRUE(original.isReady());
  EXPECT_TRUE(future.isPending());

  Future<int> moved = std::move(original);
  EXPECT_EQ(1, moved.get());
}

TEST(FutureCopyTest, Equality) {
  Promise<int> a;
  Promise<int> b;
  Future<int> fa = a.future();
  Future<int> fa2 = a.future();
  Future<int> fb = b.future();
  EXPECT_TRUE(fa == fa2);
  EXPECT_TRUE(fa == fa);
  EXPECT_FALSE(fa == fb);
  EXPECT_FALSE(fa != fa2);
  EXPECT_TRUE(fa != fb);
  // Equal values do not make equal futures: identity is the shared result.
  EXPECT_FALSE(Future<int>(1) == Future<int>(1));
  // A strict ordering, for use as map keys.
  EXPECT_FALSE(fa < fa2);
  EXPECT_TRUE((fa < fb) != (fb < fa));
}

// ---------------------------------------------------------------------------
// Callbacks on each outcome, registered before and after it.

class FutureCallbackOutcomeTest : public ::testing::TestWithParam<Outcome> {};

TEST_P(FutureCallbackOutcomeTest, RegisteredBeforeAndAfter) {
  const Outcome outcome = GetParam();
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> future = promise->future();
  std::vector<std::string> log;

  registerAll(future, &log, "before:");
  EXPECT_TRUE(log.empty());

  complete(promise, outcome);
  // Synchronously, each matching callback once, in registration order.
  EXPECT_EQ(expectedLog(outcome, "before:"), log);

  log.clear();
  registerAll(future, &log, "after:");
  EXPECT_EQ(expectedLog(outcome, "after:"), log);

  // Nothing runs a second time.
  log.clear();
  if (promise) {
    EXPECT_FALSE(promise->set(1));
    EXPECT_FALSE(promise->fail("again"));
    EXPECT_FALSE(promise->discard());
    EXPECT_FALSE(future.discard());
    promise.reset();
  }
  Future<int> copy = future;
  future = Future<int>();
  copy = Future<int>();
  EXPECT_TRUE(log.empty()) << ::testing::PrintToString(log);
}

TEST_P(FutureCallbackOutcomeTest, ThrowingCallbacksAreLoggedAndOthersRun) {
  const Outcome outcome = GetParam();
  LogCapture capture;
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> future = promise->future();
  std::vector<std::string> log;

  registerThrowers(future, "before:");
  registerAll(future, &log, "before:");
  registerThrowers(future, "before:");
  EXPECT_NO_THROW(complete(promise, outcome));
  EXPECT_EQ(expectedLog(outcome, "before:"), log);
  EXPECT_EQ(outcomeName(outcome), describe(future));

  log.clear();
  EXPECT_NO_THROW(registerThrowers(future, "after:"));
  registerAll(future, &log, "after:");
  EXPECT_EQ(expectedLog(outcome, "after:"), log);

  // Each thrower that ran was logged once per registration.
  std::vector<std::string> throwing;
  switch (outcome) {
    case Outcome::kReady:
      throwing = {"onReady"};
      break;
    case Outcome::kFailed:
      throwing = {"onFailed"};
      break;
    case Outcome::kDiscarded:
      throwing = {"onDiscarded"};
      break;
    case Outcome::kAbandoned:
      throwing = {"onAbandoned"};
      break;
  }
  for (const std::string& kind : throwing) {
    EXPECT_EQ(2, capture.errorsContaining("thrown by before:" + kind)) << kind;
    EXPECT_EQ(1, capture.errorsContaining("thrown by after:" + kind)) << kind;
  }
  // onAny's thrower throws an int.
  const int anyThrowers = outcome == Outcome::kAbandoned ? 0 : 3;
  EXPECT_EQ(anyThrowers,
            capture.errorsContaining("not derived from std::exception"));
  EXPECT_EQ(static_cast<size_t>(3 * throwing.size() + anyThrowers),
            capture.errorCount());
}

INSTANTIATE_TEST_SUITE_P(AllOutcomes, FutureCallbackOutcomeTest,
                         ::testing::Values(Outcome::kReady, Outcome::kFailed,
                                           Outcome::kDiscarded,
                                           Outcome::kAbandoned),
                         [](const auto& info) {
                           return outcomeName(info.param);
                         });

TEST(FutureCallbackTest, DiscardRequestRunsOnlyOnDiscard) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::vector<std::string> log;
  registerAll(future, &log, "before:");

  EXPECT_TRUE(future.discard());
  EXPECT_EQ(std::vector<std::string>{"before:onDiscard()"}, log);
  EXPECT_TRUE(future.isPending());
  EXPECT_TRUE(future.hasDiscard());

  log.clear();
  registerAll(future, &log, "after:");  // Already requested: runs at once.
  EXPECT_EQ(std::vector<std::string>{"after:onDiscard()"}, log);

  log.clear();
  EXPECT_FALSE(future.discard());  // No second request, no second run.
  EXPECT_TRUE(log.empty());

  // The producer honours it: the completion callbacks run, not onDiscard.
  EXPECT_TRUE(promise.discard());
  std::vector<std::string> expected =
      expectedLog(Outcome::kDiscarded, "before:");
  for (const std::string& entry : expectedLog(Outcome::kDiscarded, "after:")) {
    expected.push_back(entry);
  }
  EXPECT_EQ(expected, log);
}

TEST(FutureCallbackTest, ThrowingOnDiscardIsLoggedAndOthersRun) {
  LogCapture capture;
  std::vector<std::string> log;  // Outlives the promise and its callbacks.
  Promise<int> promise;
  Future<int> future = promise.future();
  registerThrowers(future, "before:");
  registerAll(future, &log, "before:");
  EXPECT_NO_THROW(EXPECT_TRUE(future.discard()));
  EXPECT_EQ(std::vector<std::string>{"before:onDiscard()"}, log);
  EXPECT_NO_THROW(registerThrowers(future, "after:"));
  EXPECT_EQ(1, capture.errorsContaining("thrown by before:onDiscard"));
  EXPECT_EQ(1, capture.errorsContaining("thrown by after:onDiscard"));
  EXPECT_EQ(2u, capture.errorCount());
}

TEST(FutureCallbackTest, DiscardRequestThenSetRunsReadyCallbacks) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::vector<std::string> log;
  registerAll(future, &log, "");
  EXPECT_TRUE(future.discard());
  log.clear();
  EXPECT_TRUE(promise.set(42));
  EXPECT_EQ(expectedLog(Outcome::kReady, ""), log);
  EXPECT_TRUE(future.hasDiscard());
}

TEST(FutureCallbackTest, DiscardRequestOnCompletedFutureRunsNothing) {
  for (Outcome outcome :
       {Outcome::kReady, Outcome::kFailed, Outcome::kDiscarded}) {
    SCOPED_TRACE(outcomeName(outcome));
    std::optional<Promise<int>> promise(std::in_place);
    Future<int> future = promise->future();
    int discards = 0;
    future.onDiscard([&] { ++discards; });
    complete(promise, outcome);
    EXPECT_FALSE(future.discard());
    EXPECT_FALSE(future.hasDiscard());
    future.onDiscard([&] { ++discards; });
    EXPECT_EQ(0, discards);
  }
}

TEST(FutureCallbackTest, AbandonedCallbacksRunOnceOnly) {
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> future = promise->future();
  int abandoned = 0;
  int other = 0;
  future.onAbandoned([&] { ++abandoned; });
  future.onAny([&] { ++other; });
  future.onReady([&] { ++other; });
  promise.reset();
  EXPECT_EQ(1, abandoned);
  future.onAbandoned([&] { ++abandoned; });
  EXPECT_EQ(2, abandoned);
  future = Future<int>();
  EXPECT_EQ(2, abandoned);
  EXPECT_EQ(0, other);
}

TEST(FutureCallbackTest, KindsInterleaveInRegistrationOrder) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::vector<int> order;
  future.onAny([&] { order.push_back(1); })
      .onReady([&] { order.push_back(2); })
      .onAny([&] { order.push_back(3); })
      .onReady([&](int) { order.push_back(4); })
      .onFailed([&] { order.push_back(-1); })
      .onAny([&](const Future<int>&) { order.push_back(5); });
  promise.set(0);
  EXPECT_EQ((std::vector<int>{1, 2, 3, 4, 5}), order);
}

TEST(FutureCallbackTest, ManyCallbacksRunInRegistrationOrder) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    future.onReady([&order, i] { order.push_back(i); });
  }
  promise.set(0);
  ASSERT_EQ(100u, order.size());
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(i, order[i]);
  }
}

TEST(FutureCallbackTest, RunOnTheCompletingThreadBeforeCompletionReturns) {
  for (Outcome outcome : {Outcome::kReady, Outcome::kFailed,
                          Outcome::kDiscarded, Outcome::kAbandoned}) {
    SCOPED_TRACE(outcomeName(outcome));
    std::optional<Promise<int>> promise(std::in_place);
    Future<int> future = promise->future();
    std::thread::id ranOn;
    std::atomic<bool> completionReturned{false};
    bool ranBeforeReturn = false;
    int runs = 0;
    auto record = [&] {
      ++runs;
      ranOn = std::this_thread::get_id();
      ranBeforeReturn = !completionReturned.load();
    };
    if (outcome == Outcome::kAbandoned) {
      future.onAbandoned(record);
    } else {
      future.onAny(record);
    }
    std::thread::id completer;
    std::thread thread([&] {
      completer = std::this_thread::get_id();
      complete(promise, outcome);
      completionReturned = true;
    });
    thread.join();
    EXPECT_EQ(1, runs);
    EXPECT_EQ(completer, ranOn);
    EXPECT_TRUE(ranBeforeReturn);
  }
}

TEST(FutureCallbackTest, OnDiscardRunsOnTheRequestingThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread::id ranOn;
  future.onDiscard([&] { ranOn = std::this_thread::get_id(); });
  std::thread::id requester;
  std::thread thread([&] {
    requester = std::this_thread::get_id();
    future.discard();
  });
  thread.join();
  EXPECT_EQ(requester, ranOn);
}

TEST(FutureCallbackTest, RegisteredAfterRunsOnTheRegisteringThread) {
  Future<int> future = 1;
  std::thread::id ranOn;
  future.onReady([&] { ranOn = std::this_thread::get_id(); });
  EXPECT_EQ(std::this_thread::get_id(), ranOn);
}

TEST(FutureCallbackTest, CallbackMayRegisterMoreCallbacks) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::vector<std::string> log;
  future.onReady([&] {
    log.push_back("outer");
    future.onReady([&](int v) { log.push_back("inner " + std::to_string(v)); });
  });
  future.onAny([&] { log.push_back("any"); });
  promise.set(2);
  EXPECT_EQ((std::vector<std::string>{"outer", "inner 2", "any"}), log);
}

TEST(FutureCallbackTest, CallbackMayDropTheLastReference) {
  auto promise = std::make_unique<Promise<int>>();
  auto future = std::make_unique<Future<int>>(promise->future());
  int runs = 0;
  future->onReady([&] {
    future.reset();
    ++runs;
  });
  future->onReady([&] { ++runs; });
  promise->set(1);
  promise.reset();
  EXPECT_EQ(2, runs);
}

TEST(FutureCallbackTest, CallbacksReceiveTheFuture) {
  Promise<int> promise;
  Future<int> future = promise.future();
  bool same = false;
  future.onAny([&](const Future<int>& f) { same = f == future; });
  promise.set(1);
  EXPECT_TRUE(same);
}

// ---------------------------------------------------------------------------
// Blocking await().

TEST(FutureAwaitTest, CompletedReturnsTrue) {
  for (Outcome outcome :
       {Outcome::kReady, Outcome::kFailed, Outcome::kDiscarded}) {
    SCOPED_TRACE(outcomeName(outcome));
    std::optional<Promise<int>> promise(std::in_place);
    Future<int> future = promise->future();
    complete(promise, outcome);
    EXPECT_TRUE(future.await(Seconds(15)));
    EXPECT_TRUE(future.await());
  }
}

TEST(FutureAwaitTest, PendingTimesOut) {
  Promise<int> promise;
  Future<int> future = promise.future();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(future.await(Milliseconds(10)));
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(10));
  EXPECT_TRUE(future.isPending());
  // The timed-out wait leaves nothing behind that breaks the future.
  EXPECT_TRUE(promise.set(1));
  EXPECT_TRUE(future.await(Seconds(15)));
}

TEST(FutureAwaitTest, ZeroTimeoutOnPending) {
  Promise<int> promise;
  EXPECT_FALSE(promise.future().await(Duration::zero()));
}

TEST(FutureAwaitTest, ReturnsWhenCompletedOnAnotherThread) {
  for (Outcome outcome :
       {Outcome::kReady, Outcome::kFailed, Outcome::kDiscarded}) {
    SCOPED_TRACE(outcomeName(outcome));
    std::optional<Promise<int>> promise(std::in_place);
    Future<int> future = promise->future();
    std::thread completer([&] { complete(promise, outcome); });
    EXPECT_TRUE(future.await(Seconds(15)));
    EXPECT_EQ(outcomeName(outcome), describe(future));
    completer.join();
  }
}

TEST(FutureAwaitTest, UnboundedAwaitReturnsWhenCompleted) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread setter([&] { promise.set(1); });
  EXPECT_TRUE(future.await());
  setter.join();
}

TEST(FutureAwaitTest, ReturnsWhenAbandoned) {
  // Already abandoned: returns at once (false: still pending), long before
  // the timeout.
  Future<int> future;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(future.await(Seconds(15)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // Abandoned while waiting.
  std::optional<Promise<int>> promise(std::in_place);
  Future<int> abandoned = promise->future();
  start = std::chrono::steady_clock::now();
  std::thread destroyer([&] { promise.reset(); });
  EXPECT_FALSE(abandoned.await(Seconds(15)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(abandoned.isAbandoned());
  destroyer.join();
}

TEST(FutureAwaitTest, ReturnsWhenFollowedFutureIsAbandoned) {
  std::optional<Promise<int>> inner(std::in_place);
  Promise<int> outer;
  outer.set(inner->future());
  Future<int> future = outer.future();
  const auto start = std::chrono::steady_clock::now();
  std::thread destroyer([&] { inner.reset(); });
  EXPECT_FALSE(future.await(Seconds(15)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(future.isAbandoned());
  destroyer.join();
}
