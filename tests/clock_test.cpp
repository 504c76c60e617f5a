// Clock: pausing, advancing and resuming time; timers; after().
#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include <process/after.hpp>
#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/time.hpp>
#include <process/timer.hpp>

using namespace process;

namespace {

// Every test that pauses the clock leaves it running again.
class ClockTest : public ::testing::Test {
 protected:
  void TearDown() override { Clock::resume(); }
};

using TimerTest = ClockTest;
using AfterTest = ClockTest;

// Set by a thunk, observed by the test (from any thread).
struct Flag {
  std::shared_ptr<Promise<Nothing>> promise =
      std::make_shared<Promise<Nothing>>();
  Future<Nothing> future = promise->future();

  auto thunk() const {
    return [promise = promise] { promise->set(Nothing()); };
  }
  bool fired() const { return future.isReady(); }
};

// The order in which thunks ran (they may run on the timer thread).
class Log {
 public:
  auto thunk(int id) {
    return [this, id] {
      std::lock_guard<std::mutex> guard(mutex_);
      entries_.push_back(id);
    };
  }
  std::vector<int> entries() {
    std::lock_guard<std::mutex> guard(mutex_);
    return entries_;
  }

 private:
  std::mutex mutex_;
  std::vector<int> entries_;
};

// A bounded real-time wait that nothing ends early.
void waitRealTime(const Duration& duration) {
  Promise<Nothing> never;
  EXPECT_FALSE(never.future().await(duration));
}

}  // namespace

// ---------------------------------------------------------------------------
// Time

TEST_F(ClockTest, RunningClockMoves) {
  ASSERT_FALSE(Clock::paused());
  const Time start = Clock::now();
  Time later = Clock::now();
  for (int i = 0; i < 1000000 && later <= start; ++i) {
    later = Clock::now();
  }
  EXPECT_GT(later, start);
}

TEST_F(ClockTest, PausedTimeDoesNotMove) {
  Clock::pause();
  EXPECT_TRUE(Clock::paused());
  const Time start = Clock::now();
  waitRealTime(Milliseconds(30));
  EXPECT_EQ(start, Clock::now());
  EXPECT_TRUE(Clock::paused());
}

TEST_F(ClockTest, PauseWhilePausedKeepsTime) {
  Clock::pause();
  const Time start = Clock::now();
  Clock::advance(Seconds(1));
  Clock::pause();
  EXPECT_TRUE(Clock::paused());
  EXPECT_EQ(start + Seconds(1), Clock::now());
}

TEST_F(ClockTest, AdvanceMovesByExactlyTheAmount) {
  Clock::pause();
  const Time start = Clock::now();

  Clock::advance(Seconds(5));
  EXPECT_EQ(start + Seconds(5), Clock::now());

  Clock::advance(Milliseconds(1));
  EXPECT_EQ(start + Seconds(5) + Milliseconds(1), Clock::now());

  Clock::advance(Nanoseconds(1));
  EXPECT_EQ(start + Seconds(5) + Milliseconds(1) + Nanoseconds(1),
            Clock::now());
  EXPECT_EQ(Seconds(5) + Milliseconds(1) + Nanoseconds(1),
            Clock::now() - start);

  Clock::advance(Duration::zero());
  EXPECT_EQ(start + Seconds(5) + Milliseconds(1) + Nanoseconds(1),
            Clock::now());
}

TEST_F(ClockTest, UpdateMovesForwardOnly) {
  Clock::pause();
  const Time start = Clock::now();

  Clock::update(start - Seconds(10));
  EXPECT_EQ(start, Clock::now());

  Clock::update(start + Seconds(10));
  EXPECT_EQ(start + Seconds(10), Clock::now());

  Clock::update(start + Seconds(5));
  EXPECT_EQ(start + Seconds(10), Clock::now());

  Clock::update(start + Seconds(10));
  EXPECT_EQ(start + Seconds(10), Clock::now());
}

TEST_F(ClockTest, ForcedUpdateMovesBackwards) {
  Clock::pause();
  const Time start = Clock::now();

  Clock::update(start - Seconds(10), Clock::SAFE);
  EXPECT_EQ(start, Clock::now());

  Clock::update(start - Seconds(10), Clock::FORCE);
  EXPECT_EQ(start - Seconds(10), Clock::now());
}

// libprocess's per-process forms act on the one clock.
TEST_F(ClockTest, ProcessFormsShareTheClock) {
  Clock::pause();
  const Time start = Clock::now();
  ProcessBase* none = nullptr;
  EXPECT_EQ(start, Clock::now(none));

  Clock::advance(none, Seconds(3));
  EXPECT_EQ(start + Seconds(3), Clock::now());

  Clock::update(none, start + Seconds(7));
  EXPECT_EQ(start + Seconds(7), Clock::now(none));

  Clock::order(none, none);
  Clock::settle();
  EXPECT_TRUE(Clock::settled());
}

TEST_F(ClockTest, UpdateFiresDueTimers) {
  Clock::pause();
  const Time start = Clock::now();
  Flag flag;
  Timer timer = Clock::timer(Seconds(5), flag.thunk());
  EXPECT_EQ(start + Seconds(5), timer.timeout());

  Clock::update(start + Seconds(4));
  EXPECT_FALSE(flag.fired());

  Clock::update(start + Seconds(5));
  EXPECT_TRUE(flag.fired());
}

TEST_F(ClockTest, ResumeKeepsTheShift) {
  Clock::pause();
  const Time start = Clock::now();
  Clock::advance(Hours(1));
  Clock::advance(Minutes(30));
  Clock::resume();
  EXPECT_FALSE(Clock::paused());

  const Time now = Clock::now();
  EXPECT_GE(now, start + Hours(1) + Minutes(30));
  // Shifted by what was added, not more.
  EXPECT_LT(now, start + Hours(1) + Minutes(31));

  // And the running clock carries on from there.
  Time later = Clock::now();
  for (int i = 0; i < 1000000 && later <= now; ++i) {
    later = Clock::now();
  }
  EXPECT_GT(later, now);
}

TEST_F(ClockTest, AdvanceWhenNotPausedIsIgnored) {
  ASSERT_FALSE(Clock::paused());
  const Time start = Clock::now();
  Clock::advance(Hours(1));
  EXPECT_FALSE(Clock::paused());
  EXPECT_LT(Clock::now(), start + Minutes(1));

  Clock::update(start + Hours(2));
  EXPECT_FALSE(Clock::paused());
  EXPECT_LT(Clock::now(), start + Minutes(1));
}

TEST_F(ClockTest, AdvanceWhenNotPausedFiresNothing) {
  ASSERT_FALSE(Clock::paused());
  const size_t before = Clock::pendingTimers();
  Flag flag;
  Timer timer = Clock::timer(Hours(1), flag.thunk());
  Clock::advance(Hours(2));
  EXPECT_FALSE(flag.future.await(Milliseconds(50)));
  EXPECT_EQ(before + 1, Clock::pendingTimers());
  EXPECT_TRUE(timer.cancel());
  EXPECT_EQ(before, Clock::pendingTimers());
}

// ---------------------------------------------------------------------------
// Timers

TEST_F(TimerTest, TimeoutIsNowPlusDuration) {
  Clock::pause();
  const Time start = Clock::now();
  Timer timer = Clock::timer(Seconds(3), [] {});
  EXPECT_EQ(start + Seconds(3), timer.timeout());
  EXPECT_TRUE(Clock::cancel(timer));
}

// A timer at a deadline is due then, however the clock moved before it was
// asked for: asked after an advance, it is not pushed later.
TEST_F(TimerTest, DeadlineTimerIsDueAtItsDeadline) {
  Clock::pause();
  const Time deadline = Clock::now() + Seconds(3);
  Clock::advance(Seconds(1));
  Flag flag;
  Timer timer = Clock::timer(deadline, flag.thunk());
  EXPECT_EQ(deadline, timer.timeout());
  Clock::advance(Seconds(1));
  EXPECT_FALSE(flag.fired());
  Clock::advance(Seconds(1));
  EXPECT_TRUE(flag.fired());
}

TEST_F(TimerTest, DeadlineTimerInThePastFiresOnTheNextAdvance) {
  Clock::pause();
  const Time past = Clock::now();
  Clock::advance(Seconds(1));
  Flag flag;
  Clock::timer(past, flag.thunk());
  Clock::advance(Duration::zero());
  EXPECT_TRUE(flag.fired());
}

TEST_F(TimerTest, PausedTimersDoNotFireByThemselves) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Flag flag;
  Clock::timer(Milliseconds(10), flag.thunk());
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  // Well past the timer's duration in real time: it must not fire.
  EXPECT_FALSE(flag.future.await(Milliseconds(50)));
  EXPECT_FALSE(flag.fired());
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  // advance() runs it before it returns.
  Clock::advance(Milliseconds(10));
  EXPECT_TRUE(flag.fired());
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, TimerScheduledWhileRunningObeysPause) {
  ASSERT_FALSE(Clock::paused());
  Flag flag;
  Timer timer = Clock::timer(Milliseconds(200), flag.thunk());
  Clock::pause();
  // Due in real time by now, but the clock is paused.
  EXPECT_FALSE(flag.future.await(Milliseconds(300)));
  Clock::advance(Milliseconds(200));
  EXPECT_TRUE(flag.fired());
  EXPECT_FALSE(timer.cancel());
}

TEST_F(TimerTest, AdvanceFiresDueTimersInTimeOrder) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Log log;
  Clock::timer(Seconds(3), log.thunk(3));
  Clock::timer(Seconds(1), log.thunk(1));
  Clock::timer(Milliseconds(2500), log.thunk(25));
  Clock::timer(Seconds(2), log.thunk(2));
  EXPECT_EQ(before + 4, Clock::pendingTimers());

  Clock::advance(Seconds(10));
  EXPECT_EQ(std::vector<int>({1, 2, 25, 3}), log.entries());
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, SameDeadlineFiresInSchedulingOrder) {
  Clock::pause();
  Log log;
  for (int i = 0; i < 5; ++i) {
    Clock::timer(Seconds(1), log.thunk(i));
  }
  Clock::advance(Seconds(1));
  EXPECT_EQ(std::vector<int>({0, 1, 2, 3, 4}), log.entries());
}

TEST_F(TimerTest, ThunkRunsNoEarlierThanItsTimeout) {
  Clock::pause();
  std::mutex mutex;
  std::optional<Time> ranAt;
  Timer timer = Clock::timer(Seconds(2), [&] {
    std::lock_guard<std::mutex> guard(mutex);
    ranAt = Clock::now();
  });
  Clock::advance(Seconds(5));
  std::lock_guard<std::mutex> guard(mutex);
  ASSERT_TRUE(ranAt.has_value());
  EXPECT_GE(*ranAt, timer.timeout());
}

TEST_F(TimerTest, PartialAdvanceFiresOnlyDueTimers) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Log log;
  Clock::timer(Seconds(3), log.thunk(3));
  Clock::timer(Seconds(1), log.thunk(1));
  Clock::timer(Seconds(2), log.thunk(2));

  Clock::advance(Milliseconds(1500));
  EXPECT_EQ(std::vector<int>({1}), log.entries());
  EXPECT_EQ(before + 2, Clock::pendingTimers());

  // Exactly at its deadline: due.
  Clock::advance(Milliseconds(500));
  EXPECT_EQ(std::vector<int>({1, 2}), log.entries());
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  Clock::advance(Milliseconds(999));
  EXPECT_EQ(std::vector<int>({1, 2}), log.entries());
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  Clock::advance(Milliseconds(1));
  EXPECT_EQ(std::vector<int>({1, 2, 3}), log.entries());
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, ThunkSchedulingADueTimerGetsItFiredInTheSameAdvance) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Log log;
  Clock::timer(Seconds(1), [&log] {
    log.thunk(1)();
    Clock::timer(Duration::zero(), log.thunk(2));
  });
  Clock::timer(Seconds(2), log.thunk(3));

  Clock::advance(Seconds(5));
  std::vector<int> entries = log.entries();
  ASSERT_EQ(3u, entries.size());
  EXPECT_EQ(1, entries[0]);
  EXPECT_NE(entries.end(), std::find(entries.begin(), entries.end(), 2));
  EXPECT_NE(entries.end(), std::find(entries.begin(), entries.end(), 3));
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, ThunkSchedulingALaterTimerLeavesItPending) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Flag inner;
  std::mutex mutex;
  std::optional<Timer> innerTimer;
  Clock::timer(Seconds(1), [&] {
    Timer timer = Clock::timer(Hours(1), inner.thunk());
    std::lock_guard<std::mutex> guard(mutex);
    innerTimer = timer;
  });

  Clock::advance(Seconds(5));
  EXPECT_FALSE(inner.fired());
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  std::lock_guard<std::mutex> guard(mutex);
  ASSERT_TRUE(innerTimer.has_value());
  EXPECT_TRUE(innerTimer->cancel());
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, ThunkCancellingADueTimerIsHonoured) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Flag victim;
  Timer victimTimer = Clock::timer(Seconds(2), victim.thunk());
  std::atomic<bool> cancelled{false};
  Clock::timer(Seconds(1),
               [&cancelled, victimTimer] { cancelled = victimTimer.cancel(); });

  Clock::advance(Seconds(5));
  EXPECT_TRUE(cancelled.load());
  EXPECT_FALSE(victim.fired());
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, CancelledTimerNeverFires) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Flag cancelledFlag;
  Flag keptFlag;
  Timer cancelled = Clock::timer(Seconds(1), cancelledFlag.thunk());
  Timer kept = Clock::timer(Seconds(1), keptFlag.thunk());
  EXPECT_EQ(before + 2, Clock::pendingTimers());

  EXPECT_TRUE(Clock::cancel(cancelled));
  EXPECT_FALSE(Clock::cancel(cancelled));
  EXPECT_FALSE(cancelled.cancel());
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  Clock::advance(Seconds(2));
  EXPECT_TRUE(keptFlag.fired());
  EXPECT_FALSE(cancelledFlag.fired());
  EXPECT_FALSE(cancelledFlag.future.await(Milliseconds(50)));
  EXPECT_EQ(before, Clock::pendingTimers());

  // A timer that ran can no longer be cancelled.
  EXPECT_FALSE(kept.cancel());
}

TEST_F(TimerTest, TimerCancelMethod) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Flag flag;
  Timer timer = Clock::timer(Seconds(1), flag.thunk());
  EXPECT_TRUE(timer.cancel());
  EXPECT_FALSE(timer.cancel());
  EXPECT_FALSE(Clock::cancel(timer));
  EXPECT_EQ(before, Clock::pendingTimers());
  Clock::advance(Seconds(2));
  EXPECT_FALSE(flag.fired());
}

TEST_F(TimerTest, DefaultTimerCannotBeCancelled) {
  Timer timer;
  EXPECT_FALSE(timer.cancel());
  EXPECT_FALSE(Clock::cancel(timer));
}

TEST_F(TimerTest, ZeroDurationTimerFiresWhilePaused) {
  Clock::pause();
  const Time start = Clock::now();
  const size_t before = Clock::pendingTimers();
  Flag flag;
  Clock::timer(Duration::zero(), flag.thunk());
  // Nobody advances the clock: the timer thread fires what is already due.
  AWAIT_READY(flag.future);
  EXPECT_EQ(start, Clock::now());
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(TimerTest, RealTimerFiresWhileRunning) {
  ASSERT_FALSE(Clock::paused());
  const size_t before = Clock::pendingTimers();
  auto ranAt = std::make_shared<Promise<Time>>();
  Timer timer =
      Clock::timer(Milliseconds(20), [ranAt] { ranAt->set(Clock::now()); });
  AWAIT_READY(ranAt->future());
  EXPECT_GE(ranAt->future().get(), timer.timeout());
  EXPECT_EQ(before, Clock::pendingTimers());
  EXPECT_FALSE(timer.cancel());
}

TEST_F(TimerTest, ResumeLetsPendingTimersFireInRealTime) {
  Clock::pause();
  Flag flag;
  Clock::timer(Milliseconds(20), flag.thunk());
  EXPECT_FALSE(flag.future.await(Milliseconds(50)));
  Clock::resume();
  AWAIT_READY(flag.future);
}

// ---------------------------------------------------------------------------
// after(d)

TEST_F(AfterTest, ReadyAfterAdvance) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Future<Nothing> future = after(Seconds(10));
  EXPECT_EQ(before + 1, Clock::pendingTimers());
  EXPECT_FALSE(future.await(Milliseconds(50)));

  Clock::advance(Seconds(9));
  EXPECT_TRUE(future.isPending());

  Clock::advance(Seconds(1));
  AWAIT_READY(future);
  EXPECT_EQ(before, Clock::pendingTimers());
}

TEST_F(AfterTest, ReadyInRealTime) {
  ASSERT_FALSE(Clock::paused());
  const Time start = Clock::now();
  Future<Nothing> future = after(Milliseconds(20));
  AWAIT_READY(future);
  EXPECT_GE(Clock::now(), start + Milliseconds(20));
}

TEST_F(AfterTest, DiscardCancelsTheTimer) {
  Clock::pause();
  const size_t before = Clock::pendingTimers();
  Future<Nothing> future = after(Seconds(10));
  EXPECT_EQ(before + 1, Clock::pendingTimers());

  EXPECT_TRUE(future.discard());
  AWAIT_DISCARDED(future);
  EXPECT_EQ(before, Clock::pendingTimers());

  Clock::advance(Seconds(20));
  EXPECT_TRUE(future.isDiscarded());
}

TEST_F(AfterTest, DiscardAfterFiringChangesNothing) {
  Clock::pause();
  Future<Nothing> future = after(Seconds(1));
  Clock::advance(Seconds(1));
  AWAIT_READY(future);
  EXPECT_FALSE(future.discard());
  EXPECT_TRUE(future.isReady());
}
