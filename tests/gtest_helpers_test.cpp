// The AWAIT_* test macros: they pass on the right state (also when another
// thread completes the future while they wait), fail on a wrong state or on
// timeout, and wait in real time even while the Clock is paused.
#include <process/gtest.hpp>

#include <gtest/gtest-spi.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include <process/clock.hpp>
#include <process/future.hpp>

using namespace process;

namespace {

// Futures in each state. EXPECT_FATAL_FAILURE's statement cannot use local
// variables, so these are functions.
Future<int> ready(int value = 1) {
  return value;
}
Future<int> failed(const std::string& why = "boom") {
  return Failure(why);
}
Future<int> discarded() {
  Promise<int> promise;
  promise.discard();
  return promise.future();
}
Future<int> abandoned() {
  Promise<int> promise;
  return promise.future();
}
// Pending for the whole program (its promise is never completed nor
// destroyed before exit).
Future<int> pending() {
  static Promise<int>* promise = new Promise<int>();
  return promise->future();
}

// Runs `f` on another thread a little later. The delay only makes it likely
// that the test is already waiting; the tests pass whichever comes first.
template <typename F>
std::thread later(F&& f) {
  return std::thread([f = std::forward<F>(f)]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::move(f)();
  });
}

std::chrono::milliseconds elapsedSince(
    std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
}

bool reached = false;
int evaluations = 0;

Future<int> counted(Future<int> future) {
  ++evaluations;
  return future;
}

// Resumes the clock even when a test stops early.
class AwaitTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (Clock::paused()) {
      Clock::resume();
    }
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// AWAIT_READY and friends.

TEST_F(AwaitTest, ReadyPassesOnReady) {
  AWAIT_READY(ready());
  AWAIT_ASSERT_READY(ready());
  AWAIT_EXPECT_READY(ready());
  AWAIT_READY_FOR(ready(), Seconds(1));
  AWAIT_ASSERT_READY_FOR(ready(), Milliseconds(20));
  AWAIT_EXPECT_READY_FOR(ready(), Milliseconds(20));
}

TEST_F(AwaitTest, ReadyWaitsForAnotherThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.set(7); });
  AWAIT_READY(future);
  EXPECT_EQ(7, future.get());
  thread.join();
}

TEST_F(AwaitTest, ReadyFailsOnAWrongState) {
  EXPECT_FATAL_FAILURE(AWAIT_READY(failed()), ").failure(): boom");
  EXPECT_FATAL_FAILURE(AWAIT_READY(discarded()), " was discarded");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_READY(failed("why")), ").failure(): why");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY(failed()), ").failure(): boom");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY(discarded()), " was discarded");
}

TEST_F(AwaitTest, ReadyFailsAtOnceOnAnAbandonedFuture) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FATAL_FAILURE(AWAIT_READY(abandoned()), "is ABANDONED");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY(abandoned()), "is ABANDONED");
  // Not after the 15 s default timeout: an abandoned future never completes.
  EXPECT_LT(elapsedSince(start), std::chrono::seconds(10));
}

TEST_F(AwaitTest, ReadyFailsOnTimeout) {
  EXPECT_FATAL_FAILURE(AWAIT_READY_FOR(pending(), Milliseconds(20)),
                       "Failed to wait 20ms for");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_READY_FOR(pending(), Milliseconds(20)),
                       "Failed to wait");
  Future<int> future = pending();
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY_FOR(future, Milliseconds(20)),
                          "Failed to wait 20ms for future");
}

TEST_F(AwaitTest, TimeoutWaitsForTheTimeout) {
  Future<int> future = pending();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY_FOR(future, Milliseconds(50)),
                          "Failed to wait");
  const auto elapsed = elapsedSince(start);
  EXPECT_GE(elapsed, std::chrono::milliseconds(50));
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST_F(AwaitTest, FailureNamesTheExpression) {
  Future<int> myFuture = failed();
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY(myFuture), "myFuture");
}

TEST_F(AwaitTest, AssertStopsTheTestExpectDoesNot) {
  reached = false;
  EXPECT_FATAL_FAILURE(
      {
        AWAIT_READY(failed());
        reached = true;
      },
      ").failure(): boom");
  EXPECT_FALSE(reached);

  EXPECT_NONFATAL_FAILURE(
      {
        AWAIT_EXPECT_READY(failed());
        reached = true;
      },
      ").failure(): boom");
  EXPECT_TRUE(reached);
}

TEST_F(AwaitTest, FutureExpressionIsEvaluatedOnce) {
  evaluations = 0;
  AWAIT_READY(counted(ready()));
  EXPECT_EQ(1, evaluations);
  AWAIT_EXPECT_EQ(1, counted(ready()));
  EXPECT_EQ(2, evaluations);
  AWAIT_EXPECT_FAILURE_EQ("boom", counted(failed()));
  EXPECT_EQ(3, evaluations);
}

// ---------------------------------------------------------------------------
// AWAIT_FAILED.

TEST_F(AwaitTest, FailedPassesOnFailed) {
  AWAIT_FAILED(failed());
  AWAIT_ASSERT_FAILED(failed());
  AWAIT_EXPECT_FAILED(failed());
  AWAIT_ASSERT_FAILED_FOR(failed(), Milliseconds(20));
  AWAIT_EXPECT_FAILED_FOR(failed(), Milliseconds(20));
}

TEST_F(AwaitTest, FailedWaitsForAnotherThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.fail("later"); });
  AWAIT_FAILED(future);
  EXPECT_EQ("later", future.failure());
  thread.join();
}

TEST_F(AwaitTest, FailedFailsOnAWrongState) {
  EXPECT_FATAL_FAILURE(AWAIT_FAILED(ready()), " is ready (1)");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_FAILED(discarded()), " was discarded");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_FAILED(ready()), " is ready (1)");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_FAILED_FOR(pending(), Milliseconds(20)),
                       "Failed to wait 20ms for");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_FAILED_FOR(pending(), Milliseconds(20)),
                          "Failed to wait");
}

// ---------------------------------------------------------------------------
// AWAIT_DISCARDED.

TEST_F(AwaitTest, DiscardedPassesOnDiscarded) {
  AWAIT_DISCARDED(discarded());
  AWAIT_ASSERT_DISCARDED(discarded());
  AWAIT_EXPECT_DISCARDED(discarded());
  AWAIT_ASSERT_DISCARDED_FOR(discarded(), Milliseconds(20));
  AWAIT_EXPECT_DISCARDED_FOR(discarded(), Milliseconds(20));
}

TEST_F(AwaitTest, DiscardedWaitsForAnotherThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.discard(); });
  AWAIT_DISCARDED(future);
  thread.join();
}

TEST_F(AwaitTest, DiscardedFailsOnAWrongState) {
  EXPECT_FATAL_FAILURE(AWAIT_DISCARDED(ready()), " is ready (1)");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_DISCARDED(failed()), ").failure(): boom");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_DISCARDED(failed()),
                          ").failure(): boom");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_DISCARDED_FOR(pending(), Milliseconds(20)),
                       "Failed to wait");
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_DISCARDED_FOR(pending(), Milliseconds(20)),
      "Failed to wait");
}

TEST_F(AwaitTest, DiscardedFailsOnADiscardRequestAlone) {
  // A discard request leaves the future pending until its producer acts.
  Promise<int> promise;
  Future<int> future = promise.future();
  future.discard();
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_DISCARDED_FOR(future, Milliseconds(20)),
                          "Failed to wait");
}

// ---------------------------------------------------------------------------
// AWAIT_ABANDONED.

TEST_F(AwaitTest, AbandonedPassesOnAbandoned) {
  AWAIT_ABANDONED(abandoned());
  AWAIT_ABANDONED(Future<int>());
  AWAIT_ASSERT_ABANDONED(abandoned());
  AWAIT_EXPECT_ABANDONED(abandoned());
  AWAIT_ASSERT_ABANDONED_FOR(abandoned(), Milliseconds(20));
  AWAIT_EXPECT_ABANDONED_FOR(abandoned(), Milliseconds(20));
}

TEST_F(AwaitTest, AbandonedWaitsForAnotherThread) {
  auto promise = std::make_unique<Promise<int>>();
  Future<int> future = promise->future();
  std::thread thread =
      later([promise = std::move(promise)]() mutable { promise.reset(); });
  const auto start = std::chrono::steady_clock::now();
  AWAIT_ABANDONED(future);
  EXPECT_TRUE(future.isAbandoned());
  // Released by the abandonment, not by the 15 s timeout.
  EXPECT_LT(elapsedSince(start), std::chrono::seconds(10));
  thread.join();
}

TEST_F(AwaitTest, AbandonedFailsOnAWrongState) {
  EXPECT_FATAL_FAILURE(AWAIT_ABANDONED(ready()), " is ready (");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_ABANDONED(failed()), ").failure(): boom");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_ABANDONED(discarded()),
                          " was discarded");
  // Pending but not abandoned: a timeout.
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_ABANDONED_FOR(pending(), Milliseconds(20)),
                       "Failed to wait");
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_ABANDONED_FOR(pending(), Milliseconds(20)),
      "Failed to wait");
}

// ---------------------------------------------------------------------------
// AWAIT_EXPECT_EQ / AWAIT_ASSERT_EQ.

TEST_F(AwaitTest, EqPassesOnAnEqualValue) {
  AWAIT_EXPECT_EQ(42, ready(42));
  AWAIT_ASSERT_EQ(42, ready(42));
  AWAIT_EQ(42, ready(42));
  AWAIT_EXPECT_EQ_FOR(42, ready(42), Milliseconds(20));
  AWAIT_ASSERT_EQ_FOR(42, ready(42), Milliseconds(20));

  Future<std::string> text = std::string("text");
  AWAIT_EXPECT_EQ("text", text);
  AWAIT_EXPECT_EQ(std::string("text"), text);
}

TEST_F(AwaitTest, EqWaitsForAnotherThread) {
  Promise<std::string> promise;
  Future<std::string> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.set("later"); });
  AWAIT_ASSERT_EQ(std::string("later"), future);
  thread.join();
}

TEST_F(AwaitTest, EqFailsOnADifferentValue) {
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_EQ(42, ready(41)), "Actual: 41");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_EQ(42, ready(41)), "Which is: 42");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_EQ(42, ready(41)), "Actual: 41");
  EXPECT_FATAL_FAILURE(AWAIT_EQ(42, ready(41)), "Actual: 41");
  Future<std::string> text = std::string("other");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_EQ("text", text), "\"other\"");
}

TEST_F(AwaitTest, EqFailsOnAWrongState) {
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_EQ(1, failed()), ").failure(): boom");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_EQ(1, discarded()), " was discarded");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_EQ(1, abandoned()), "is ABANDONED");
}

TEST_F(AwaitTest, EqFailsOnTimeout) {
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_EQ_FOR(1, pending(), Milliseconds(20)),
                          "Failed to wait 20ms for");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_EQ_FOR(1, pending(), Milliseconds(20)),
                       "Failed to wait 20ms for");
}

// ---------------------------------------------------------------------------
// AWAIT_EXPECT_TRUE / FALSE.

TEST_F(AwaitTest, TrueAndFalse) {
  Future<bool> yes = true;
  Future<bool> no = false;
  AWAIT_EXPECT_TRUE(yes);
  AWAIT_ASSERT_TRUE(yes);
  AWAIT_TRUE(yes);
  AWAIT_EXPECT_FALSE(no);
  AWAIT_ASSERT_FALSE(no);
  AWAIT_FALSE(no);

  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_TRUE(no), "Actual: false");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_FALSE(yes), "Actual: true");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_TRUE(Future<bool>(false)), "Actual: false");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_FALSE(Future<bool>(true)), "Actual: true");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_TRUE(Future<bool>(Failure("no"))),
                          ").failure(): no");
}

TEST_F(AwaitTest, TrueWaitsForAnotherThread) {
  Promise<bool> promise;
  Future<bool> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.set(true); });
  AWAIT_EXPECT_TRUE(future);
  thread.join();
}

// ---------------------------------------------------------------------------
// AWAIT_EXPECT_FAILURE_EQ.

TEST_F(AwaitTest, FailureEq) {
  AWAIT_EXPECT_FAILURE_EQ("boom", failed("boom"));
  AWAIT_ASSERT_FAILURE_EQ("boom", failed("boom"));
  AWAIT_EXPECT_FAILURE_EQ(std::string("boom"), failed("boom"));

  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_FAILURE_EQ("bang", failed("boom")),
                          "Actual: \"boom\"");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_FAILURE_EQ("bang", failed("boom")),
                       "Actual: \"boom\"");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_FAILURE_EQ("boom", ready()),
                          " is ready (1)");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_FAILURE_EQ("boom", discarded()),
                          " was discarded");
}

TEST_F(AwaitTest, FailureEqWaitsForAnotherThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.fail("eventually"); });
  AWAIT_EXPECT_FAILURE_EQ("eventually", future);
  thread.join();
}

// ---------------------------------------------------------------------------
// AWAIT: any state but pending.

TEST_F(AwaitTest, AwaitPassesOnAnyCompletion) {
  AWAIT(ready());
  AWAIT(failed());
  AWAIT(discarded());
  AWAIT_FOR(ready(), Milliseconds(20));
  AWAIT_FOR(failed(), Milliseconds(20));
  AWAIT_FOR(discarded(), Milliseconds(20));
}

TEST_F(AwaitTest, AwaitWaitsForAnotherThread) {
  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.fail("done"); });
  AWAIT(future);
  EXPECT_TRUE(future.isFailed());
  thread.join();
}

TEST_F(AwaitTest, AwaitFailsOnTimeout) {
  EXPECT_FATAL_FAILURE(AWAIT_FOR(pending(), Milliseconds(20)),
                       "Failed to wait 20ms for");
  EXPECT_FATAL_FAILURE(AWAIT_FOR(abandoned(), Milliseconds(20)),
                       "Failed to wait");
}

// ---------------------------------------------------------------------------
// While the Clock is paused, the macros still wait in real time.

TEST_F(AwaitTest, PassWhileTheClockIsPaused) {
  Clock::pause();
  ASSERT_TRUE(Clock::paused());

  Promise<int> promise;
  Future<int> future = promise.future();
  std::thread thread =
      later([promise = std::move(promise)] { promise.set(3); });
  AWAIT_READY(future);
  AWAIT_EXPECT_EQ(3, future);
  thread.join();

  Promise<int> failing;
  Future<int> failedLater = failing.future();
  std::thread failer =
      later([failing = std::move(failing)] { failing.fail("paused"); });
  AWAIT_EXPECT_FAILURE_EQ("paused", failedLater);
  failer.join();

  Clock::resume();
  EXPECT_FALSE(Clock::paused());
}

TEST_F(AwaitTest, TimeOutInRealTimeWhileTheClockIsPaused) {
  Clock::pause();
  const Time frozen = Clock::now();
  const auto start = std::chrono::steady_clock::now();

  Future<int> future = pending();
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY_FOR(future, Milliseconds(50)),
                          "Failed to wait 50ms for");
  EXPECT_FATAL_FAILURE(AWAIT_FOR(pending(), Milliseconds(20)),
                       "Failed to wait 20ms for");
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_EQ_FOR(1, pending(), Milliseconds(20)),
                       "Failed to wait 20ms for");

  const auto elapsed = elapsedSince(start);
  EXPECT_GE(elapsed, std::chrono::milliseconds(90));
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  // The paused clock did not move while the macros waited.
  EXPECT_EQ(frozen, Clock::now());

  Clock::resume();
  EXPECT_FALSE(Clock::paused());
}

TEST_F(AwaitTest, WrongStateWhileTheClockIsPaused) {
  Clock::pause();
  EXPECT_FATAL_FAILURE(AWAIT_READY(failed()), ").failure(): boom");
  EXPECT_FATAL_FAILURE(AWAIT_ABANDONED(ready()), " is ready (");
  AWAIT_ABANDONED(abandoned());
  AWAIT_DISCARDED(discarded());
  Clock::resume();
}
