// The scheduler as a state machine, driven directly: a fake poller with no
// sockets (its wait() blocks until interrupt() or an event the test
// delivers, and counts), opaque process tokens (the scheduler never looks
// into a ProcessBase), and a listener that hears every WorkerState move and
// checks it against the table, in release builds too. Covers parking,
// waking, stealing, the slot patience, the hand-over of the socket watch, a
// blocked handler running other work, and stopping.
#include <time.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/scheduler.hpp"

using namespace std::chrono_literals;
using process::ProcessBase;
using process::detail::Poller;
using process::detail::Scheduler;
using process::detail::WorkerState;
using process::detail::WorkerStateListener;
namespace worker_state = process::detail::worker_state;

namespace {

// Bounds every wait for something that should happen soon.
constexpr auto kLong = 10s;

double processCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) +
         static_cast<double>(now.tv_nsec) / 1e9;
}

// A Poller with no sockets. wait() blocks until interrupt(), its timeout,
// or an event deliver()ed by the test, which it runs on the waiting thread
// as the network would run a read.
class FakePoller : public Poller {
 public:
  void poll() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++polls_;
  }

  uint64_t interruptions() const override {
    std::lock_guard<std::mutex> guard(mutex_);
    return interrupts_;
  }

  WaitResult wait(std::chrono::microseconds timeout, uint64_t seen) override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (blocked_) {
      return WaitResult::kWatched;
    }
    ++waits_;
    waiters_.push_back(std::this_thread::get_id());
    if (interrupts_ == seen) {
      blocked_ = true;
      changed_.notify_all();
      auto woken = [&] { return interrupts_ != seen || !events_.empty(); };
      if (timeout.count() > 0) {
        changed_.wait_for(lock, timeout, woken);
      } else {
        changed_.wait(lock, woken);
      }
      blocked_ = false;
    }
    std::vector<std::function<void()>> events;
    events.swap(events_);
    changed_.notify_all();
    lock.unlock();
    for (auto& event : events) {
      event();
    }
    return WaitResult::kWaited;
  }

  bool watched() const override {
    std::lock_guard<std::mutex> guard(mutex_);
    return blocked_;
  }

  void interrupt() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++interrupts_;
    changed_.notify_all();
  }

  // Runs `event` on the next thread to leave wait(), as a read would.
  void deliver(std::function<void()> event) {
    std::lock_guard<std::mutex> guard(mutex_);
    events_.push_back(std::move(event));
    changed_.notify_all();
  }

  // Waits until some thread other than `other` has called wait().
  bool awaitWaitBy(std::thread::id notThis) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kLong, [&] {
      for (auto id : waiters_) {
        if (id != notThis) {
          return true;
        }
      }
      return false;
    });
  }

  int polls() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return polls_;
  }
  int waits() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return waits_;
  }
  int interrupts() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return static_cast<int>(interrupts_);
  }
  void clearWaiters() {
    std::lock_guard<std::mutex> guard(mutex_);
    waiters_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool blocked_ = false;
  std::vector<std::function<void()>> events_;
  std::vector<std::thread::id> waiters_;
  int polls_ = 0;
  int waits_ = 0;
  uint64_t interrupts_ = 0;
};

// Hears every move, checks it against the table, and lets the test wait
// for states.
class StateLog : public WorkerStateListener {
 public:
  explicit StateLog(int workers)
      : states_(static_cast<size_t>(workers), WorkerState::kRunning) {}

  void moved(int worker, WorkerState from, WorkerState to) override {
    std::lock_guard<std::mutex> guard(mutex_);
    EXPECT_EQ(states_[worker], from) << "worker " << worker;
    EXPECT_TRUE(worker_state::allowed(from, to))
        << "worker " << worker << ": " << toString(from) << " -> "
        << toString(to);
    states_[worker] = to;
    ++moves_;
    ++reached_[{worker, to}];
    changed_.notify_all();
  }

  // Waits until `done(states)` holds.
  bool await(const std::function<bool(const std::vector<WorkerState>&)>& done,
             std::chrono::milliseconds timeout = kLong) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(states_); });
  }
  // Waits until `worker` has been in `state` at least once.
  bool awaitReached(int worker, WorkerState state) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kLong, [&] {
      return reached_[{worker, state}] > 0;
    });
  }
  // Waits for any move after the `seen`-th; false if none in `timeout`.
  bool awaitMoveAfter(int seen, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return moves_ > seen; });
  }
  int moves() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return moves_;
  }
  int reached(int worker, WorkerState state) {
    std::lock_guard<std::mutex> guard(mutex_);
    return reached_[{worker, state}];
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<WorkerState> states_;
  std::map<std::pair<int, WorkerState>, int> reached_;
  int moves_ = 0;
};

int count(const std::vector<WorkerState>& states, WorkerState state) {
  int n = 0;
  for (WorkerState s : states) {
    n += s == state ? 1 : 0;
  }
  return n;
}

// One worker watches the poller, the other sleeps trusting it.
bool pollingAndSleeping(const std::vector<WorkerState>& states) {
  return count(states, WorkerState::kPolling) == 1 &&
         count(states, WorkerState::kSleeping) == 1;
}

bool allStopped(const std::vector<WorkerState>& states) {
  return count(states, WorkerState::kStopped) ==
         static_cast<int>(states.size());
}

// A one-shot signal with a bounded wait.
class Gate {
 public:
  void open() {
    std::lock_guard<std::mutex> guard(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool await() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kLong, [&] { return open_; });
  }
  bool isOpen() {
    std::lock_guard<std::mutex> guard(mutex_);
    return open_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

// What the scheduler runs: opaque tokens (addresses in an array, never
// dereferenced), each with an optional action; it records who ran what.
class Tokens {
 public:
  struct Run {
    std::thread::id thread;
    bool finished = false;
  };

  Tokens() { active = this; }
  ~Tokens() { active = nullptr; }
  Tokens(const Tokens&) = delete;
  Tokens& operator=(const Tokens&) = delete;

  ProcessBase* operator[](size_t i) {
    return reinterpret_cast<ProcessBase*>(&storage_.at(i));
  }
  void onRun(size_t i, std::function<void()> action) {
    std::lock_guard<std::mutex> guard(mutex_);
    actions_[(*this)[i]] = std::move(action);
  }

  static void run(ProcessBase* token) { active->runToken(token); }

  bool awaitRun(size_t i) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kLong,
                             [&] { return runs_.count((*this)[i]) > 0; });
  }
  bool awaitFinished(size_t i) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kLong, [&] {
      auto it = runs_.find((*this)[i]);
      return it != runs_.end() && it->second.finished;
    });
  }
  bool ran(size_t i) {
    std::lock_guard<std::mutex> guard(mutex_);
    return runs_.count((*this)[i]) > 0;
  }
  std::thread::id threadOf(size_t i) {
    std::lock_guard<std::mutex> guard(mutex_);
    return runs_.at((*this)[i]).thread;
  }

 private:
  void runToken(ProcessBase* token) {
    std::function<void()> action;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      runs_[token] = Run{std::this_thread::get_id(), false};
      changed_.notify_all();
      auto it = actions_.find(token);
      if (it != actions_.end()) {
        action = it->second;
      }
    }
    if (action) {
      action();
    }
    std::lock_guard<std::mutex> guard(mutex_);
    runs_[token].finished = true;
    changed_.notify_all();
  }

  static inline Tokens* active = nullptr;
  std::array<char, 16> storage_{};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<ProcessBase*, std::function<void()>> actions_;
  std::map<ProcessBase*, Run> runs_;
};

// stop() on another thread, so that a hang fails the test instead.
bool stopsInTime(Scheduler& scheduler) {
  auto stopped = std::async(std::launch::async, [&] { scheduler.stop(); });
  return stopped.wait_for(kLong) == std::future_status::ready;
}

}  // namespace

TEST(SchedulerStateTest, TheTableForbidsSkippingSteps) {
  using S = WorkerState;
  // Only another thread wakes a worker, and only a parked one.
  EXPECT_FALSE(worker_state::allowed(S::kRunning, S::kNotified));
  EXPECT_TRUE(worker_state::allowed(S::kSleeping, S::kNotified));
  // A sleeper starts watching only when asked to check.
  EXPECT_FALSE(worker_state::allowed(S::kSleeping, S::kWatching));
  EXPECT_TRUE(worker_state::allowed(S::kWatchCheck, S::kWatching));
  // Only a wait in the poller leaves a debt of the watch.
  EXPECT_FALSE(worker_state::allowed(S::kSleeping, S::kOwesWatch));
  EXPECT_TRUE(worker_state::allowed(S::kPolling, S::kOwesWatch));
  // Stopped is final; a parked worker stops only through being woken.
  for (int i = 0; i < process::detail::kWorkerStates; ++i) {
    EXPECT_FALSE(worker_state::allowed(S::kStopped, static_cast<S>(i)));
  }
  EXPECT_FALSE(worker_state::allowed(S::kPolling, S::kStopped));
}

TEST(SchedulerStateTest, IdleWorkersParkAndUseNoCpu) {
  FakePoller poller;
  StateLog log(2);
  Tokens tokens;
  Scheduler scheduler(2, &Tokens::run, &poller, &log);
  ASSERT_TRUE(log.await(pollingAndSleeping));

  const int moves = log.moves();
  const int polls = poller.polls();
  const double before = processCpuSeconds();
  // Nothing may happen: no move, no polling, no CPU.
  EXPECT_FALSE(log.awaitMoveAfter(moves, 200ms));
  const double used = processCpuSeconds() - before;
  EXPECT_EQ(polls, poller.polls());
  EXPECT_EQ(1, poller.waits());
  EXPECT_LT(used, 0.03) << "parked workers used " << used << "s of CPU";
  EXPECT_TRUE(scheduler.idle());
}

TEST(SchedulerStateTest, SubmitFromOutsideWakesAParkedWorker) {
  FakePoller poller;
  StateLog log(2);
  Tokens tokens;
  Scheduler scheduler(2, &Tokens::run, &poller, &log);
  ASSERT_TRUE(log.await(pollingAndSleeping));

  scheduler.submit(tokens[0]);
  ASSERT_TRUE(tokens.awaitFinished(0));
  EXPECT_NE(std::this_thread::get_id(), tokens.threadOf(0));
  // One submit, one worker woken.
  EXPECT_EQ(1, log.reached(0, WorkerState::kNotified) +
                   log.reached(1, WorkerState::kNotified));
  EXPECT_TRUE(log.await(pollingAndSleeping));
  EXPECT_TRUE(scheduler.idle());
}

TEST(SchedulerStateTest, WithoutAPollerParkedWorkersSleep) {
  StateLog log(2);
  Tokens tokens;
  Scheduler scheduler(2, &Tokens::run, nullptr, &log);
  ASSERT_TRUE(log.await([](const std::vector<WorkerState>& states) {
    return count(states, WorkerState::kSleeping) == 2;
  }));
  scheduler.submit(tokens[0]);
  ASSERT_TRUE(tokens.awaitFinished(0));
}

TEST(SchedulerStateTest, AnIdleWorkerStealsFromABusyOnesLocalQueue) {
  FakePoller poller;
  StateLog log(2);
  Tokens tokens;
  Gate release;
  bool blocked = false;
  // Token 0, on some worker: token 1 into its slot, then token 2, which
  // pushes token 1 to its local queue; then it stays busy.
  Scheduler* self = nullptr;
  tokens.onRun(0, [&] {
    self->submit(tokens[1]);
    self->submit(tokens[2]);
    blocked = release.await();
  });
  Scheduler scheduler(2, &Tokens::run, &poller, &log);
  self = &scheduler;
  ASSERT_TRUE(log.await(pollingAndSleeping));

  scheduler.submit(tokens[0]);
  ASSERT_TRUE(tokens.awaitRun(0));
  ASSERT_TRUE(tokens.awaitFinished(1));
  EXPECT_FALSE(release.isOpen());
  EXPECT_NE(tokens.threadOf(0), tokens.threadOf(1));
  release.open();
  ASSERT_TRUE(tokens.awaitFinished(0));
  EXPECT_TRUE(blocked);
  ASSERT_TRUE(tokens.awaitFinished(2));
}

TEST(SchedulerStateTest, AProcessInABusySlotIsTakenAfterThePatience) {
  StateLog log(2);
  Tokens tokens;
  Gate placed;
  Gate release;
  Scheduler* self = nullptr;
  // Token 1 waits in the slot of the worker that runs token 0 and does not
  // finish its turn. The other worker, busy with token 2 meanwhile, parks
  // once it is there: patiently, since a process waits in a slot. (A
  // worker already asleep is not woken for it: the patience applies to
  // workers that park while it waits.)
  tokens.onRun(0, [&] {
    self->submit(tokens[1]);
    placed.open();
    release.await();
  });
  tokens.onRun(2, [&] { placed.await(); });
  Scheduler scheduler(2, &Tokens::run, nullptr, &log);
  self = &scheduler;
  ASSERT_TRUE(log.await([](const std::vector<WorkerState>& states) {
    return count(states, WorkerState::kSleeping) == 2;
  }));

  scheduler.submit(tokens[0]);
  scheduler.submit(tokens[2]);
  ASSERT_TRUE(tokens.awaitFinished(2));
  ASSERT_TRUE(tokens.awaitFinished(1));
  EXPECT_FALSE(release.isOpen());
  EXPECT_NE(tokens.threadOf(0), tokens.threadOf(1));
  EXPECT_EQ(tokens.threadOf(2), tokens.threadOf(1));
  EXPECT_GE(log.reached(0, WorkerState::kPatient) +
                log.reached(1, WorkerState::kPatient),
            1);
  release.open();
  ASSERT_TRUE(tokens.awaitFinished(0));
}

TEST(SchedulerStateTest, AWorkerLeavingThePollerForALongTurnHandsOnTheWatch) {
  FakePoller poller;
  StateLog log(2);
  Tokens tokens;
  Gate release;
  tokens.onRun(0, [&] { release.await(); });
  Scheduler scheduler(2, &Tokens::run, &poller, &log);
  ASSERT_TRUE(log.await(pollingAndSleeping));
  const int sleeper = scheduler.state(0) == WorkerState::kSleeping ? 0 : 1;

  // What the poller's waiter reads makes token 0 runnable on its own
  // worker, which then stays in that turn.
  poller.clearWaiters();
  poller.deliver([&] { scheduler.submit(tokens[0]); });
  ASSERT_TRUE(tokens.awaitRun(0));
  const std::thread::id busy = tokens.threadOf(0);

  // The sleeper is asked to check, finds the worker stuck, and blocks in
  // the poller itself while token 0 still runs.
  EXPECT_TRUE(log.awaitReached(sleeper, WorkerState::kWatchCheck));
  EXPECT_TRUE(log.awaitReached(sleeper, WorkerState::kWatching));
  ASSERT_TRUE(poller.awaitWaitBy(busy));
  EXPECT_FALSE(release.isOpen());
  EXPECT_TRUE(log.await([&](const std::vector<WorkerState>& states) {
    return states[sleeper] == WorkerState::kPolling;
  }));
  release.open();
  ASSERT_TRUE(tokens.awaitFinished(0));
  EXPECT_TRUE(log.await(pollingAndSleeping));
}

TEST(SchedulerStateTest, ABlockedHandlerRunsOtherQueuedWorkInline) {
  FakePoller poller;
  Tokens tokens;
  Scheduler* self = nullptr;
  bool first = false;
  bool second = true;
  bool finishedInside = false;
  tokens.onRun(0, [&] {
    self->submit(tokens[1]);  // into this worker's slot
    first = self->runOneInline();
    finishedInside = tokens.ran(1);
    second = self->runOneInline();  // nothing left
  });
  Scheduler scheduler(1, &Tokens::run, &poller);
  self = &scheduler;
  EXPECT_FALSE(scheduler.runOneInline()) << "not on a worker";

  scheduler.submit(tokens[0]);
  ASSERT_TRUE(tokens.awaitFinished(0));
  EXPECT_TRUE(first);
  EXPECT_TRUE(finishedInside);
  EXPECT_FALSE(second);
  EXPECT_EQ(tokens.threadOf(0), tokens.threadOf(1));
  // Having found nothing queued, it looked at the network.
  EXPECT_GE(poller.polls(), 1);
}

TEST(SchedulerStateTest, StopWakesSleepingWorkers) {
  StateLog log(2);
  Tokens tokens;
  Scheduler scheduler(2, &Tokens::run, nullptr, &log);
  ASSERT_TRUE(log.await([](const std::vector<WorkerState>& states) {
    return count(states, WorkerState::kSleeping) == 2;
  }));
  ASSERT_TRUE(stopsInTime(scheduler));
  EXPECT_TRUE(log.await(allStopped));
}

TEST(SchedulerStateTest, StopInterruptsAWorkerInThePoller) {
  FakePoller poller;
  StateLog log(2);
  Tokens tokens;
  Scheduler scheduler(2, &Tokens::run, &poller, &log);
  ASSERT_TRUE(log.await(pollingAndSleeping));
  ASSERT_TRUE(stopsInTime(scheduler));
  EXPECT_TRUE(log.await(allStopped));
  EXPECT_EQ(1, poller.interrupts());
}

TEST(SchedulerStateTest, StopLeavesQueuedWorkUnrun) {
  FakePoller poller;
  StateLog log(1);
  Tokens tokens;
  Gate release;
  Scheduler* self = nullptr;
  tokens.onRun(0, [&] {
    self->submit(tokens[1]);  // slot
    self->submit(tokens[2]);  // slot; token 1 to the local queue
    release.await();
  });
  Scheduler scheduler(1, &Tokens::run, &poller, &log);
  self = &scheduler;
  scheduler.submit(tokens[0]);
  scheduler.submit(tokens[3]);  // the global queue
  ASSERT_TRUE(tokens.awaitRun(0));

  auto stopped = std::async(std::launch::async, [&] { scheduler.stop(); });
  // stop() raises its flag first thing; only then may the worker go on.
  const auto deadline = std::chrono::steady_clock::now() + kLong;
  while (!scheduler.stopping() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(scheduler.stopping());
  release.open();
  ASSERT_EQ(std::future_status::ready, stopped.wait_for(kLong));
  EXPECT_TRUE(log.await(allStopped));
  EXPECT_FALSE(tokens.ran(1));
  EXPECT_FALSE(tokens.ran(2));
  EXPECT_FALSE(tokens.ran(3));
  EXPECT_FALSE(scheduler.idle()) << "three processes still queued";
}
