// Executor: execute() and defer() run functions on the executor's own
// process, one at a time.
#include <process/executor.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/count_down_latch.hpp>
#include <process/deferred.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

#include "gate.hpp"

using namespace process;

namespace {

// Where a piece of work ran.
UPID runningOn() {
  ProcessBase* process = currentProcess();
  return process == nullptr ? UPID() : process->self();
}

}  // namespace

// libprocess's ProcessTest.Executor_Defer.
TEST(ExecutorTest, Defer) {
  Executor executor;

  CountDownLatch event1Called;
  std::atomic<int> event1Value{0};
  Deferred<void(int)> event1 = executor.defer([&](int i) {
    event1Value = i;
    event1Called.decrement();
  });
  event1(42);
  AWAIT_READY(event1Called.triggered());
  EXPECT_EQ(42, event1Value.load());

  CountDownLatch event2Called;
  std::string event2Value;
  Deferred<void(const std::string&)> event2 =
      executor.defer([&](const std::string& s) {
        event2Value = s;
        event2Called.decrement();
      });
  event2("event2");
  AWAIT_READY(event2Called.triggered());
  EXPECT_EQ("event2", event2Value);
}

// libprocess's ProcessTest.Executor_Execute.
TEST(ExecutorTest, Execute) {
  Executor executor;

  // A void lambda.
  CountDownLatch f1Result;
  auto f1 = [&f1Result] { f1Result.decrement(); };
  Future<Nothing> f1Called = executor.execute(f1);
  AWAIT_READY(f1Called);
  AWAIT_READY(f1Result.triggered());

  // A void mutable lambda, bound.
  CountDownLatch f2Result;
  int f2State = 0;
  auto f2 = [&f2Result, f2State](int) mutable -> void {
    f2State++;
    f2Result.decrement();
  };
  Future<Nothing> f2Called = executor.execute(std::bind(f2, 42));
  AWAIT_READY(f2Called);
  AWAIT_READY(f2Result.triggered());

  // A non-void lambda.
  std::string f3Result = "f3";
  auto f3 = [&f3Result] { return f3Result; };
  Future<std::string> f3Called = executor.execute(f3);
  AWAIT_EXPECT_EQ(f3Result, f3Called);

  // A mutable bind returning a future.
  const std::string f4Result = "f4";
  int f4State = 0;
  auto f4 = [&f4Result, f4State](int) mutable -> Future<std::string> {
    f4State++;
    return f4Result;
  };
  Future<std::string> f4Called = executor.execute(std::bind(f4, 42));
  AWAIT_EXPECT_EQ(f4Result, f4Called);
}

TEST(ExecutorTest, ExecuteFollowsAReturnedFuture) {
  Executor executor;
  Promise<int> promise;
  Future<int> result = executor.execute([&] { return promise.future(); });
  Future<Nothing> ran = executor.execute([] {});
  AWAIT_READY(ran);
  EXPECT_TRUE(result.isPending());
  promise.set(7);
  AWAIT_EXPECT_EQ(7, result);
}

TEST(ExecutorTest, ExecuteCopiesAReferenceResult) {
  Executor executor;
  auto text = std::make_unique<std::string>("kept");
  const std::string& reference = *text;
  Future<std::string> copy =
      executor.execute([&]() -> const std::string& { return reference; });
  AWAIT_READY(copy);
  text.reset();
  EXPECT_EQ("kept", copy.get());
}

// Ours: a move-only callable may be executed.
TEST(ExecutorTest, ExecuteTakesMoveOnlyCallables) {
  Executor executor;
  auto value = std::make_unique<int>(5);
  Future<int> result =
      executor.execute([value = std::move(value)] { return *value * 2; });
  AWAIT_EXPECT_EQ(10, result);
}

TEST(ExecutorTest, ExecuteFailsOnAnException) {
  Executor executor;
  Future<int> result =
      executor.execute([]() -> int { throw std::runtime_error("no"); });
  AWAIT_FAILED(result);
}

// execute() and defer() run on the executor's process: one process, not the
// caller's, the same for both; two executors have two.
TEST(ExecutorTest, RunsOnItsOwnProcess) {
  Executor executor;
  Executor other;

  Future<UPID> executed = executor.execute(runningOn);
  AWAIT_READY(executed);
  EXPECT_NE(UPID(), executed.get());

  Promise<UPID> deferred;
  executor.defer([&] { deferred.set(runningOn()); })();
  AWAIT_EXPECT_EQ(executed.get(), deferred.future());

  Future<UPID> elsewhere = other.execute(runningOn);
  AWAIT_READY(elsewhere);
  EXPECT_NE(executed.get(), elsewhere.get());
}

TEST(ExecutorTest, DeferAsAFutureCallback) {
  Executor executor;
  Promise<int> promise;
  Future<int> doubled = promise.future().then(
      executor.defer([](int value) { return value * 2; }));
  Future<UPID> where;
  Future<Nothing> observed = promise.future().then(
      executor.defer([&](int) { where = Future<UPID>(runningOn()); }));
  promise.set(21);
  AWAIT_EXPECT_EQ(42, doubled);
  AWAIT_READY(observed);
  Future<UPID> executorPid = executor.execute(runningOn);
  AWAIT_EXPECT_EQ(executorPid.get(), where);
}

// Work given from many threads runs one piece at a time (the unguarded
// counter would race otherwise: TSan checks it), and work from one thread in
// the order given.
TEST(ExecutorTest, RunsSerially) {
  Executor executor;
  int counter = 0;  // touched only on the executor's process
  std::vector<std::vector<int>> seen(4);
  std::vector<Future<Nothing>> done[4];

  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto work = [&, t, i] {
          ++counter;
          seen[t].push_back(i);
        };
        if (i % 2 == 0) {
          done[t].push_back(executor.execute(work));
        } else {
          Promise<Nothing> ran;
          Future<Nothing> future = ran.future();
          executor.defer([work, ran = std::move(ran)]() mutable {
            work();
            ran.set(Nothing());
          })();
          done[t].push_back(future);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (auto& futures : done) {
    for (const Future<Nothing>& future : futures) {
      AWAIT_READY(future);
    }
  }
  Future<int> total = executor.execute([&] { return counter; });
  AWAIT_EXPECT_EQ(800, total);
  for (const std::vector<int>& order : seen) {
    ASSERT_EQ(200u, order.size());
    for (int i = 0; i < 200; ++i) {
      EXPECT_EQ(i, order[i]);
    }
  }
}

// stop(): what is running finishes; what is queued never runs, and its
// future is DISCARDED; so is later work.
TEST(ExecutorTest, StopDropsQueuedWork) {
  Executor executor;
  Gate started;
  Gate release;
  std::atomic<bool> queuedRan{false};

  Future<int> running = executor.execute([&] {
    started.open();
    release.wait();
    return 1;
  });
  ASSERT_TRUE(started.wait());
  Future<Nothing> queued = executor.execute([&] { queuedRan = true; });

  executor.stop();
  release.open();

  AWAIT_EXPECT_EQ(1, running);
  AWAIT_DISCARDED(queued);

  AWAIT_DISCARDED(executor.execute([&] { queuedRan = true; }));
  std::atomic<bool> deferredRan{false};
  executor.defer([&] { deferredRan = true; })();
  Clock::settle();
  EXPECT_FALSE(queuedRan.load());
  EXPECT_FALSE(deferredRan.load());
}

// The destructor returns once running work is done and the process is gone;
// work still queued then is DISCARDED. (Whether the terminate overtakes the
// queued work depends on when the destroying thread gets to it.)
TEST(ExecutorTest, DestructionTerminatesItsProcess) {
  auto executor = std::make_unique<Executor>();
  Gate started;
  Gate release;
  std::atomic<bool> finished{false};

  Future<Nothing> running = executor->execute([&] {
    started.open();
    release.wait();
    finished = true;
  });
  ASSERT_TRUE(started.wait());
  Future<Nothing> queued = executor->execute([] {});

  std::atomic<bool> finishedWhenDestroyed{false};
  std::thread destroyer([&] {
    executor.reset();
    finishedWhenDestroyed = finished.load();
  });
  release.open();
  destroyer.join();

  EXPECT_TRUE(finishedWhenDestroyed.load());
  AWAIT_READY(running);
  // Settled either way, never left pending.
  EXPECT_TRUE(queued.isReady() || queued.isDiscarded()) << queued;
}
