// loop(): asynchronous loops without stack growth, on a process or not.
#include <atomic>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include <process/after.hpp>
#include <process/clock.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/loop.hpp>
#include <process/process.hpp>
#include <process/queue.hpp>

using namespace process;

namespace {

class LoopProcess : public Process<LoopProcess> {};

// Spawns a process for the test and stops it at the end.
class LoopTestWithProcess : public ::testing::Test {
 protected:
  void SetUp() override { spawn(process); }
  void TearDown() override {
    terminate(process);
    wait(process);
  }

  LoopProcess process;
};

}  // namespace

TEST(LoopTest, Sync) {
  std::atomic<int> value{1};
  Future<Nothing> future = loop([&]() { return value.load(); },
                                [](int i) -> ControlFlow<Nothing> {
                                  if (i != 0) {
                                    return Continue();
                                  }
                                  return Break();
                                });
  EXPECT_TRUE(future.isPending());
  value.store(0);
  AWAIT_READY(future);
}

TEST(LoopTest, Async) {
  Queue<int> queue;
  Promise<int> promise1;
  Promise<std::string> promise2;
  Future<std::string> future =
      loop([&]() { return queue.get(); },
           [&](int i) {
             promise1.set(i);
             return promise2.future().then(
                 [](const std::string& s) -> ControlFlow<std::string> {
                   return Break(s);
                 });
           });
  EXPECT_TRUE(future.isPending());
  queue.put(1);
  AWAIT_EQ(1, promise1.future());
  EXPECT_TRUE(future.isPending());
  promise2.set(std::string("Hello world!"));
  AWAIT_EQ(std::string("Hello world!"), future);
}

TEST(LoopTest, DiscardIterate) {
  Promise<int> promise;
  promise.future().onDiscard([&]() { promise.discard(); });
  Future<Nothing> future =
      loop([&]() { return promise.future(); },
           [&](int) -> ControlFlow<Nothing> { return Break(); });
  EXPECT_TRUE(future.isPending());
  future.discard();
  AWAIT_DISCARDED(future);
  EXPECT_TRUE(promise.future().hasDiscard());
}

TEST(LoopTest, DiscardBody) {
  Promise<Nothing> promise;
  promise.future().onDiscard([&]() { promise.discard(); });
  Future<Nothing> future =
      loop([&]() { return 42; },
           [&](int) {
             return promise.future().then(
                 []() -> ControlFlow<Nothing> { return Break(); });
           });
  EXPECT_TRUE(future.isPending());
  future.discard();
  AWAIT_DISCARDED(future);
  EXPECT_TRUE(promise.future().hasDiscard());
}

// A million iterations of ready values would overflow the stack if each
// one recursed.
TEST(LoopTest, MillionReadyIterationsInPlace) {
  int i = 0;
  Future<int> future = loop(
      None(), [&]() { return Future<int>(i++); },
      [](int n) -> Future<ControlFlow<int>> {
        if (n == 1000000) {
          return ControlFlow<int>(Break(n));
        }
        return ControlFlow<int>(Continue());
      });
  // Without a pid the loop ran on this thread, to the end.
  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(1000000, future.get());
}

TEST_F(LoopTestWithProcess, MillionReadyIterationsOnAProcess) {
  int i = 0;
  Future<int> future = loop(
      process.self(), [&]() { return i++; },
      [](int n) -> ControlFlow<int> {
        if (n == 1000000) {
          return Break(n);
        }
        return Continue();
      });
  AWAIT_EXPECT_EQ(1000000, future);
}

TEST_F(LoopTestWithProcess, EveryStepRunsOnTheProcess) {
  Queue<int> queue;
  std::atomic<int> wrongPlace{0};
  ProcessBase* expected = &process;
  Future<int> sum = loop(
      process.self(),
      [&]() {
        if (currentProcess() != expected) {
          ++wrongPlace;
        }
        return queue.get();  // completed below, from the test's thread
      },
      [&, total = 0](int n) mutable -> ControlFlow<int> {
        if (currentProcess() != expected) {
          ++wrongPlace;
        }
        if (n < 0) {
          return Break(total);
        }
        total += n;
        return Continue();
      });
  for (int n = 1; n <= 10; ++n) {
    queue.put(n);
  }
  queue.put(-1);
  AWAIT_EXPECT_EQ(55, sum);
  EXPECT_EQ(0, wrongPlace.load());
}

TEST_F(LoopTestWithProcess, FirstStepIsDispatchedNotRunInline) {
  bool ran = false;
  Future<Nothing> future = loop(
      process.self(),
      [&]() {
        ran = true;
        return Nothing();
      },
      [](const Nothing&) -> ControlFlow<Nothing> { return Break(); });
  // The step runs on the process, never on the caller's thread.
  AWAIT_READY(future);
  EXPECT_TRUE(ran);
}

// A busy loop on a process yields to the process's other events.
TEST_F(LoopTestWithProcess, LongReadyLoopLetsOtherEventsIn) {
  bool flag = false;  // only touched on the process
  UPID pid = process.self();
  Future<int> iterations = loop(
      pid, [&, n = 0]() mutable { return ++n; },
      [&](int n) -> ControlFlow<int> {
        if (n == 1) {
          dispatch(pid, [&flag] { flag = true; });
        }
        if (flag || n == 1000000) {
          return Break(n);
        }
        return Continue();
      });
  AWAIT_ASSERT_READY(iterations);
  EXPECT_LT(iterations.get(), 1000000);
}

TEST_F(LoopTestWithProcess, DiscardStopsALoopOfReadyValues) {
  std::atomic<int> iterations{0};
  Future<Nothing> future = loop(
      process.self(), [&]() { return ++iterations; },
      [](int) -> ControlFlow<Nothing> { return Continue(); });
  while (iterations.load() == 0) {
    std::this_thread::yield();
  }
  future.discard();
  AWAIT_DISCARDED(future);
}

TEST(LoopTest, ProcessTerminatedWhileWaiting) {
  LoopProcess* process = new LoopProcess();
  UPID pid = spawn(process, true);
  Promise<int> promise;
  Future<Nothing> future = loop(
      pid, [&]() { return promise.future(); },
      [](int) -> ControlFlow<Nothing> { return Break(); });
  // Wait until the loop waits on the promise.
  Clock::pause();
  Clock::settle();
  Clock::resume();
  terminate(pid);
  wait(pid);
  promise.set(1);  // the step that would follow cannot run: discarded
  AWAIT_DISCARDED(future);
}

TEST(LoopTest, ProcessGoneBeforeStart) {
  LoopProcess* process = new LoopProcess();
  UPID pid = spawn(process, true);
  terminate(pid);
  wait(pid);
  Future<Nothing> future = loop(
      pid, []() { return 1; },
      [](int) -> ControlFlow<Nothing> { return Break(); });
  AWAIT_DISCARDED(future);
}

TEST(LoopTest, FailedIterateFailsTheLoop) {
  Future<Nothing> future = loop(
      None(), []() { return Future<int>(Failure("no more")); },
      [](int) -> ControlFlow<Nothing> { return Continue(); });
  AWAIT_EXPECT_FAILURE_EQ("no more", future);
}

TEST(LoopTest, FailedBodyFailsTheLoop) {
  Promise<ControlFlow<int>> promise;
  Future<int> future = loop(
      None(), []() { return 1; }, [&](int) { return promise.future(); });
  EXPECT_TRUE(future.isPending());
  promise.fail("broken");
  AWAIT_EXPECT_FAILURE_EQ("broken", future);
}

TEST(LoopTest, DiscardedBodyDiscardsTheLoop) {
  Promise<ControlFlow<int>> promise;
  Future<int> future = loop(
      None(), []() { return 1; }, [&](int) { return promise.future(); });
  promise.discard();
  AWAIT_DISCARDED(future);
}

TEST(LoopTest, ExceptionFailsTheLoop) {
  Future<Nothing> thrownByBody = loop(
      None(), []() { return 1; },
      [](int) -> ControlFlow<Nothing> { throw std::runtime_error("oops"); });
  AWAIT_EXPECT_FAILED(thrownByBody);
  EXPECT_NE(std::string::npos, thrownByBody.failure().find("oops"));

  Future<Nothing> thrownByIterate = loop(
      None(), []() -> int { throw std::runtime_error("iterate"); },
      [](int) -> ControlFlow<Nothing> { return Break(); });
  AWAIT_EXPECT_FAILED(thrownByIterate);
}

TEST(LoopTest, BreakOnlyBodyAndMoveOnlyIterations) {
  // The body may return the Break type itself.
  Future<std::string> future = loop(
      None(), []() { return std::string("once"); },
      [](const std::string& s) { return Break(s + "!"); });
  AWAIT_EXPECT_EQ(std::string("once!"), future);
}

TEST(LoopTest, ControlFlowValue) {
  ControlFlow<int> flow = Break(5);
  EXPECT_EQ(ControlFlow<int>::Statement::BREAK, flow.statement());
  EXPECT_EQ(5, flow.value());
  ControlFlow<int> next = Continue();
  EXPECT_EQ(ControlFlow<int>::Statement::CONTINUE, next.statement());
  ControlFlow<Nothing> done = Break();
  EXPECT_EQ(ControlFlow<Nothing>::Statement::BREAK, done.statement());
}

TEST(LoopTest, PausedClockDrivesATimedLoop) {
  Clock::pause();
  std::atomic<int> ticks{0};
  Future<int> future = loop([]() { return after(Seconds(1)); },
                            [&](const Nothing&) -> ControlFlow<int> {
                              if (++ticks == 3) {
                                return Break(ticks.load());
                              }
                              return Continue();
                            });
  for (int i = 1; i <= 3; ++i) {
    Clock::settle();  // the loop waits on its timer
    EXPECT_EQ(i - 1, ticks.load());
    EXPECT_TRUE(future.isPending());
    Clock::advance(Seconds(1));
  }
  AWAIT_EXPECT_EQ(3, future);
  Clock::resume();
}

TEST(LoopTest, SpawnedProcessEndsWithTheLoop) {
  Promise<int> promise;
  Future<int> future = loop([&]() { return promise.future(); },
                            [](int n) -> ControlFlow<int> { return Break(n); });
  promise.set(9);
  AWAIT_EXPECT_EQ(9, future);
}
