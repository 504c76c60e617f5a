// delay: a dispatch that waits for the Clock. Every test pauses the clock and
// moves it by hand, so nothing here waits in real time; Clock::settle()
// waits for the processes to go idle.
#include <process/delay.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>
#include <process/timer.hpp>

#include "reaper.hpp"

using namespace process;

namespace {

class DelayTest : public ::testing::Test {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override { Clock::resume(); }
};

class Target : public Process<Target> {
 public:
  void hit(const std::string& name) {
    hits.push_back(name);
    count.fetch_add(1);
    if (currentProcess() != this) {
      offProcess.fetch_add(1);
    }
  }
  void tick() { count.fetch_add(1); }
  int hitCount() const { return static_cast<int>(hits.size()); }
  std::vector<std::string> names() const { return hits; }

  std::vector<std::string> hits;  // on the process only
  std::atomic<int> count{0};
  std::atomic<int> offProcess{0};
};

}  // namespace

TEST_F(DelayTest, RunsOnlyOnceTheTimeHasPassed) {
  Target target;
  PID<Target> pid = spawn(target);
  Reaper reaper(pid);

  delay(Seconds(5), pid, &Target::hit, std::string("five"));
  Clock::settle();
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Target::hitCount));

  Clock::advance(Seconds(4));
  Clock::settle();
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Target::hitCount));

  Clock::advance(Milliseconds(999));
  Clock::settle();
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Target::hitCount));

  Clock::advance(Milliseconds(1));
  // The timer's dispatch was made before advance() returned.
  AWAIT_EXPECT_EQ(1, dispatch(pid, &Target::hitCount));
  AWAIT_EXPECT_EQ(std::vector<std::string>{"five"},
                  dispatch(pid, &Target::names));
  EXPECT_EQ(0, target.offProcess.load());

  // Only once.
  Clock::advance(Seconds(60));
  Clock::settle();
  AWAIT_EXPECT_EQ(1, dispatch(pid, &Target::hitCount));
}

TEST_F(DelayTest, ToProcessReferenceAndLambda) {
  Target target;
  spawn(target);
  Reaper reaper(target.self());

  delay(Seconds(1), target, &Target::hit, "by reference");
  auto where = std::make_shared<std::atomic<ProcessBase*>>(nullptr);
  delay(Seconds(2), target.self(), [where] { where->store(currentProcess()); });

  Clock::advance(Seconds(1));
  Clock::settle();
  AWAIT_EXPECT_EQ(std::vector<std::string>{"by reference"},
                  dispatch(target, &Target::names));
  EXPECT_EQ(nullptr, where->load());

  Clock::advance(Seconds(1));
  AWAIT_READY(dispatch(target, [] { return true; }));  // behind the lambda
  EXPECT_EQ(&target, where->load());
}

TEST_F(DelayTest, TimerTimeoutIsWhenItIsDue) {
  Target target;
  PID<Target> pid = spawn(target);
  Reaper reaper(pid);
  const Time start = Clock::now();
  Timer timer = delay(Seconds(3), pid, &Target::tick);
  EXPECT_EQ(start + Seconds(3), timer.timeout());
  EXPECT_TRUE(timer.cancel());
}

TEST_F(DelayTest, ClockCancelStopsIt) {
  Target target;
  PID<Target> pid = spawn(target);
  Reaper reaper(pid);

  Timer timer = delay(Seconds(5), pid, &Target::hit, std::string("never"));
  Clock::advance(Seconds(2));
  EXPECT_TRUE(Clock::cancel(timer));
  EXPECT_FALSE(Clock::cancel(timer));  // already cancelled
  EXPECT_FALSE(timer.cancel());
  Clock::advance(Seconds(10));
  Clock::settle();
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Target::hitCount));
}

TEST_F(DelayTest, TimerCancelStopsItAndLeavesOthers) {
  Target target;
  PID<Target> pid = spawn(target);
  Reaper reaper(pid);

  Timer cancelled = delay(Seconds(5), pid, &Target::hit, std::string("no"));
  Timer kept = delay(Seconds(5), pid, &Target::hit, std::string("yes"));
  EXPECT_FALSE(cancelled == kept);
  EXPECT_TRUE(cancelled.cancel());
  Clock::advance(Seconds(5));
  AWAIT_EXPECT_EQ(std::vector<std::string>{"yes"},
                  dispatch(pid, &Target::names));
  // Too late to cancel one that ran.
  EXPECT_FALSE(kept.cancel());
  EXPECT_FALSE(Clock::cancel(kept));
}

TEST_F(DelayTest, FireInTimeOrder) {
  Target target;
  PID<Target> pid = spawn(target);
  Reaper reaper(pid);

  delay(Seconds(3), pid, &Target::hit, std::string("c"));
  delay(Seconds(1), pid, &Target::hit, std::string("a"));
  delay(Seconds(2), pid, &Target::hit, std::string("b"));
  delay(Seconds(4), pid, &Target::hit, std::string("d"));
  Clock::advance(Seconds(3));  // one advance past three of them
  AWAIT_EXPECT_EQ((std::vector<std::string>{"a", "b", "c"}),
                  dispatch(pid, &Target::names));
  Clock::advance(Seconds(1));
  AWAIT_EXPECT_EQ((std::vector<std::string>{"a", "b", "c", "d"}),
                  dispatch(pid, &Target::names));
}

TEST_F(DelayTest, ToATerminatedProcessIsDropped) {
  auto count = std::make_shared<std::atomic<int>>(0);
  {
    Target target;
    PID<Target> pid = spawn(target);
    delay(Seconds(1), pid, &Target::tick);
    delay(Seconds(1), pid, [count] { count->fetch_add(1); });
    terminate(pid);
    ASSERT_TRUE(wait(pid));
  }
  // The target is destroyed; the timers fire into nothing.
  Clock::advance(Seconds(1));
  Clock::settle();
  EXPECT_EQ(0, count->load());
}

// The developer guide's example: a five-second delay, tested without waiting
// five seconds.
class DelayedProcess : public Process<DelayedProcess> {
 public:
  void action(const std::string& name) {
    greeted = "hello, " + name;
    promise.set(Nothing());
  }

  Promise<Nothing> promise;
  std::string greeted;
};

TEST_F(DelayTest, GuideDelayedProcess) {
  const auto start = std::chrono::steady_clock::now();

  DelayedProcess process;
  spawn(process);
  Reaper reaper(process.self());

  delay(Seconds(5), process.self(), &DelayedProcess::action, "Neil");
  Clock::advance(Seconds(5));
  AWAIT_READY(process.promise.future());

  terminate(process);
  wait(process);
  EXPECT_EQ("hello, Neil", process.greeted);

  // Real time: nowhere near five seconds.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// A chain: each hop dispatches the next to the other process.
class Hop : public Process<Hop> {
 public:
  void setPeer(PID<Hop> peer) { peer_ = std::move(peer); }

  void hop(std::shared_ptr<std::atomic<int>> hops, int remaining) {
    hops->fetch_add(1);
    if (remaining > 0) {
      dispatch(peer_, &Hop::hop, hops, remaining - 1);
    }
  }

 private:
  PID<Hop> peer_;
};

TEST_F(DelayTest, SettleWaitsForAChainOfDispatches) {
  Hop a;
  Hop b;
  PID<Hop> pa = spawn(a);
  PID<Hop> pb = spawn(b);
  Reaper reaperA(pa);
  Reaper reaperB(pb);
  dispatch(pa, &Hop::setPeer, pb);
  dispatch(pb, &Hop::setPeer, pa);

  auto hops = std::make_shared<std::atomic<int>>(0);
  constexpr int kHops = 2000;
  dispatch(pa, &Hop::hop, hops, kHops - 1);
  Clock::settle();
  // No waiting: settle() returned after the last hop.
  EXPECT_EQ(kHops, hops->load());
}

TEST_F(DelayTest, SettleWaitsForAChainStartedByATimer) {
  Hop a;
  Hop b;
  PID<Hop> pa = spawn(a);
  PID<Hop> pb = spawn(b);
  Reaper reaperA(pa);
  Reaper reaperB(pb);
  dispatch(pa, &Hop::setPeer, pb);
  dispatch(pb, &Hop::setPeer, pa);

  auto hops = std::make_shared<std::atomic<int>>(0);
  delay(Seconds(10), pa, &Hop::hop, hops, 499);
  Clock::advance(Seconds(9));
  Clock::settle();
  EXPECT_EQ(0, hops->load());
  Clock::advance(Seconds(1));
  Clock::settle();
  EXPECT_EQ(500, hops->load());
}

// A delayed event that delays another: the second needs its own advance.
class Repeater : public Process<Repeater> {
 public:
  void fire(int remaining) {
    ++fired;
    if (remaining > 0) {
      delay(Seconds(1), self(), &Repeater::fire, remaining - 1);
    }
  }
  int firedCount() const { return fired; }

  int fired = 0;
};

TEST_F(DelayTest, DelayFromInsideAProcess) {
  Repeater repeater;
  PID<Repeater> pid = spawn(repeater);
  Reaper reaper(pid);
  dispatch(pid, &Repeater::fire, 3);
  // Once fire() has run, it has armed the next timer.
  AWAIT_EXPECT_EQ(1, dispatch(pid, &Repeater::firedCount));
  for (int expected = 2; expected <= 4; ++expected) {
    Clock::advance(Seconds(1));
    AWAIT_EXPECT_EQ(expected, dispatch(pid, &Repeater::firedCount));
  }
  Clock::advance(Seconds(5));
  Clock::settle();
  AWAIT_EXPECT_EQ(4, dispatch(pid, &Repeater::firedCount));
}
