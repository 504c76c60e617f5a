// Coroutines: a process method returning Future<T> that co_awaits futures
// resumes on its own process after each co_await; results, failures,
// exceptions, discards and termination reach the coroutine's future.
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/coroutine.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

using namespace process;

namespace {

// Another process to dispatch to.
class Store : public Process<Store> {
 public:
  int get(int key) {
    onItself_ = onItself_ && currentProcess() == this;
    return key * 10;
  }
  bool onItself() const { return onItself_; }

 private:
  bool onItself_ = true;
};

// Futures that another thread completes, one after the other, in order.
class Completer {
 public:
  explicit Completer(int count) {
    for (int i = 0; i < count; ++i) {
      promises_.push_back(std::make_unique<Promise<int>>());
    }
  }
  ~Completer() { join(); }

  std::vector<Future<int>> futures() const {
    std::vector<Future<int>> futures;
    for (const auto& promise : promises_) {
      futures.push_back(promise->future());
    }
    return futures;
  }

  // Completes promise i with value i + 1, from a new thread.
  void start() {
    thread_ = std::thread([this] {
      for (size_t i = 0; i < promises_.size(); ++i) {
        promises_[i]->set(static_cast<int>(i) + 1);
      }
    });
  }
  void join() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  std::vector<std::unique_ptr<Promise<int>>> promises_;
  std::thread thread_;
};

class Worker : public Process<Worker> {
 public:
  explicit Worker(PID<Store> store = PID<Store>()) : store_(store) {}

  // Dispatches to another process twice, and once to itself.
  Future<int> fetchTwice(int key) {
    check();
    const int a = co_await dispatch(store_, &Store::get, key);
    check();
    ++state_;
    const int b = co_await dispatch(store_, &Store::get, key + 1);
    check();
    ++state_;
    const int c = co_await dispatch(self(), &Worker::state);
    check();
    co_return a + b + c;
  }

  // Sums futures that other threads complete, touching state after each.
  Future<int> sum(std::vector<Future<int>> futures) {
    int total = 0;
    for (const Future<int>& future : futures) {
      total += co_await future;
      check();
      ++state_;
    }
    co_return total;
  }

  // co_await of a future that is already READY goes straight on.
  Future<int> awaitReady() {
    const int value = co_await Future<int>(7);
    check();
    co_return value;
  }

  Future<int> forward(int key) {
    check();
    co_return dispatch(store_, &Store::get, key);
  }

  Future<int> forwardFuture(Future<int> future) { co_return future; }

  Future<int> returnFailure() { co_return Failure("refused"); }

  Future<Nothing> touch() {
    co_await dispatch(store_, &Store::get, 1);
    check();
    ++state_;
    co_return;
  }

  Future<Nothing> touchWithoutAwait() {
    ++state_;
    co_return;
  }

  Future<int> throwAfterAwait(Future<int> future) {
    co_await future;
    check();
    throw std::runtime_error("boom after await");
  }

  Future<int> throwAtOnce() {
    if (state_ >= 0) {
      throw std::runtime_error("boom at once");
    }
    co_return 0;
  }

  // What co_await of a failed future throws, caught.
  Future<std::string> catchFailure(Future<int> future) {
    std::string caught = "nothing thrown";
    try {
      co_await future;
    } catch (const FutureFailed& e) {
      caught = std::string("FutureFailed: ") + e.what();
    }
    check();
    co_return caught;
  }

  Future<std::string> catchAbandoned(Future<int> future) {
    std::string caught = "nothing thrown";
    try {
      co_await future;
    } catch (const FutureAbandoned&) {
      caught = "FutureAbandoned";
    }
    check();
    co_return caught;
  }

  Future<std::string> catchDiscarded(Future<int> future) {
    std::string caught = "nothing thrown";
    try {
      co_await future;
    } catch (const FutureDiscarded&) {
      caught = "FutureDiscarded";
    }
    check();
    co_return caught;
  }

  // Awaits without catching anything.
  Future<int> await(Future<int> future) {
    awaiting_.set(Nothing());
    const int value = co_await future;
    check();
    ++state_;
    resumed_ = true;
    co_return value;
  }

  // Awaits `first`, then `second`.
  Future<int> awaitBoth(Future<int> first, Future<int> second) {
    const int a = co_await first;
    check();
    awaiting_.set(Nothing());
    const int b = co_await second;
    check();
    co_return a + b;
  }

  int state() const { return state_; }
  bool onItself() const { return onItself_; }
  bool resumed() const { return resumed_; }
  // Set just before the coroutine's (last) co_await.
  Future<Nothing> awaiting() const { return awaiting_.future(); }

  // Read once the process has terminated and been waited for.
  bool resumedAfterTermination() const { return resumed_; }

 private:
  void check() { onItself_ = onItself_ && currentProcess() == this; }

  PID<Store> store_;
  int state_ = 0;
  bool onItself_ = true;
  bool resumed_ = false;
  Promise<Nothing> awaiting_;
};

// Spawns a Store and a Worker on the default context, and terminates and
// waits for them at the end of the test (also after a failed ASSERT).
class CoroutineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(spawn(store));
    worker = std::make_unique<Worker>(store.self());
    ASSERT_TRUE(spawn(*worker));
  }
  void TearDown() override {
    for (const UPID& pid : {UPID(worker->self()), UPID(store.self())}) {
      terminate(pid);
    }
    EXPECT_TRUE(wait(worker->self(), Seconds(15)));
    EXPECT_TRUE(wait(store.self(), Seconds(15)));
  }

  // Whether every step of the worker's coroutines ran on the worker.
  void expectOnItself() {
    AWAIT_EXPECT_TRUE(dispatch(*worker, &Worker::onItself));
  }

  Store store;
  std::unique_ptr<Worker> worker;
};

TEST_F(CoroutineTest, AwaitsDispatchesAndResumesOnItsProcess) {
  Future<int> result = dispatch(*worker, &Worker::fetchTwice, 1);
  // 10 + 20 + state 2.
  AWAIT_EXPECT_EQ(32, result);
  AWAIT_EXPECT_EQ(2, dispatch(*worker, &Worker::state));
  AWAIT_EXPECT_TRUE(dispatch(store, &Store::onItself));
  expectOnItself();
}

TEST_F(CoroutineTest, AwaitsFuturesCompletedByOtherThreads) {
  constexpr int kCount = 100;
  Completer completer(kCount);
  Future<int> result = dispatch(*worker, &Worker::sum, completer.futures());

  // Meanwhile this thread changes the same state through dispatches: with
  // the coroutine resumed on its process there is no race (TSan checks).
  completer.start();
  for (int i = 0; i < kCount; ++i) {
    dispatch(*worker,
             [&worker = *worker] { return worker.touchWithoutAwait(); });
  }
  completer.join();

  AWAIT_EXPECT_EQ(kCount * (kCount + 1) / 2, result);
  AWAIT_EXPECT_EQ(2 * kCount, dispatch(*worker, &Worker::state));
  expectOnItself();
}

TEST_F(CoroutineTest, AwaitOfReadyFutureContinuesAtOnce) {
  AWAIT_EXPECT_EQ(7, dispatch(*worker, &Worker::awaitReady));
  expectOnItself();
}

TEST_F(CoroutineTest, CoReturnOfAFuture) {
  AWAIT_EXPECT_EQ(50, dispatch(*worker, &Worker::forward, 5));

  Promise<int> later;
  Future<int> result =
      dispatch(*worker, &Worker::forwardFuture, later.future());
  AWAIT_READY(dispatch(*worker, [] { return Nothing(); }));
  EXPECT_TRUE(result.isPending());
  std::thread([&later] { later.set(99); }).join();
  AWAIT_EXPECT_EQ(99, result);

  Promise<int> failing;
  Future<int> failed =
      dispatch(*worker, &Worker::forwardFuture, failing.future());
  failing.fail("no luck");
  AWAIT_EXPECT_FAILURE_EQ("no luck", failed);
}

TEST_F(CoroutineTest, CoReturnOfAFailure) {
  AWAIT_EXPECT_FAILURE_EQ("refused", dispatch(*worker, &Worker::returnFailure));
}

TEST_F(CoroutineTest, NothingCoroutineWithPlainCoReturn) {
  AWAIT_READY(dispatch(*worker, &Worker::touch));
  AWAIT_READY(dispatch(*worker, &Worker::touchWithoutAwait));
  AWAIT_EXPECT_EQ(2, dispatch(*worker, &Worker::state));
  expectOnItself();
}

TEST_F(CoroutineTest, ExceptionFailsTheFuture) {
  Promise<int> promise;
  Future<int> result =
      dispatch(*worker, &Worker::throwAfterAwait, promise.future());
  std::thread([&promise] { promise.set(1); }).join();
  AWAIT_EXPECT_FAILURE_EQ("boom after await", result);

  AWAIT_EXPECT_FAILURE_EQ("boom at once",
                          dispatch(*worker, &Worker::throwAtOnce));
  expectOnItself();
}

TEST_F(CoroutineTest, FailedAwaitThrowsFutureFailed) {
  Promise<int> promise;
  Future<std::string> caught =
      dispatch(*worker, &Worker::catchFailure, promise.future());
  std::thread([&promise] { promise.fail("disk on fire"); }).join();
  AWAIT_EXPECT_EQ(std::string("FutureFailed: disk on fire"), caught);

  // Already failed when awaited.
  AWAIT_EXPECT_EQ(std::string("FutureFailed: at once"),
                  dispatch(*worker, &Worker::catchFailure,
                           Future<int>(Failure("at once"))));
  expectOnItself();
}

TEST_F(CoroutineTest, UncaughtFailureFailsTheCoroutineWithTheSameMessage) {
  Promise<int> promise;
  Future<int> result = dispatch(*worker, &Worker::await, promise.future());
  AWAIT_READY(worker->awaiting());
  promise.fail("disk on fire");
  AWAIT_EXPECT_FAILURE_EQ("disk on fire", result);
  AWAIT_EXPECT_FALSE(dispatch(*worker, &Worker::resumed));
}

TEST_F(CoroutineTest, DiscardedAwaitDiscardsTheCoroutine) {
  Promise<int> promise;
  Future<int> result = dispatch(*worker, &Worker::await, promise.future());
  AWAIT_READY(worker->awaiting());
  std::thread([&promise] { promise.discard(); }).join();
  AWAIT_DISCARDED(result);
  AWAIT_EXPECT_FALSE(dispatch(*worker, &Worker::resumed));

  // FutureDiscarded can be caught, too.
  Promise<int> other;
  Future<std::string> caught =
      dispatch(*worker, &Worker::catchDiscarded, other.future());
  other.discard();
  AWAIT_EXPECT_EQ(std::string("FutureDiscarded"), caught);
}

TEST_F(CoroutineTest, AbandonedAwaitThrowsFutureAbandoned) {
  auto promise = std::make_unique<Promise<int>>();
  Future<std::string> caught =
      dispatch(*worker, &Worker::catchAbandoned, promise->future());
  AWAIT_READY(dispatch(*worker, [] { return Nothing(); }));
  promise.reset();
  AWAIT_EXPECT_EQ(std::string("FutureAbandoned"), caught);

  // Uncaught, it fails the coroutine's future.
  auto another = std::make_unique<Promise<int>>();
  Future<int> result = dispatch(*worker, &Worker::await, another->future());
  AWAIT_READY(worker->awaiting());
  another.reset();
  AWAIT_FAILED(result);
}

TEST_F(CoroutineTest, DiscardReachesTheAwaitedFuture) {
  Promise<int> promise;
  Future<int> awaited = promise.future();
  Promise<Nothing> discardRequested;
  awaited.onDiscard([&discardRequested] { discardRequested.set(Nothing()); });

  Future<int> result = dispatch(*worker, &Worker::await, awaited);
  AWAIT_READY(worker->awaiting());
  EXPECT_FALSE(awaited.hasDiscard());

  result.discard();
  AWAIT_READY(discardRequested.future());
  EXPECT_TRUE(awaited.hasDiscard());

  // The producer honours it; the coroutine's future is discarded.
  promise.discard();
  AWAIT_DISCARDED(result);
}

TEST_F(CoroutineTest, DiscardReachesTheFutureAwaitedNow) {
  Promise<int> first;
  Promise<int> second;
  Future<int> result =
      dispatch(*worker, &Worker::awaitBoth, first.future(), second.future());
  first.set(1);
  AWAIT_READY(worker->awaiting());  // Now at the second co_await.

  result.discard();
  // Each future's onDiscard callbacks run when the request arrives.
  Promise<Nothing> requested;
  second.future().onDiscard([&requested] { requested.set(Nothing()); });
  AWAIT_READY(requested.future());
  EXPECT_TRUE(second.future().hasDiscard());
  EXPECT_FALSE(first.future().hasDiscard());

  second.set(2);  // Ignoring the request: the coroutine goes on.
  AWAIT_EXPECT_EQ(3, result);
}

TEST_F(CoroutineTest, TerminatingTheProcessDiscardsAWaitingCoroutine) {
  Promise<int> promise;
  Future<int> result = dispatch(*worker, &Worker::await, promise.future());
  AWAIT_READY(worker->awaiting());

  terminate(*worker);
  ASSERT_TRUE(wait(*worker, Seconds(15)));
  // The awaited future completes after the process is gone: the coroutine is
  // destroyed without running on, and its future discarded.
  std::thread([&promise] { promise.set(5); }).join();
  AWAIT_DISCARDED(result);
  EXPECT_FALSE(worker->resumedAfterTermination());
}

TEST_F(CoroutineTest, TerminatingTheProcessDiscardsACoroutineAwaitingForever) {
  auto promise = std::make_unique<Promise<int>>();
  Future<int> result = dispatch(*worker, &Worker::await, promise->future());
  AWAIT_READY(worker->awaiting());

  terminate(*worker);
  ASSERT_TRUE(wait(*worker, Seconds(15)));
  // Documented in coroutine.hpp: "If the process terminates while the
  // coroutine waits, the coroutine is destroyed and its future discarded",
  // even if what it awaits never completes.
  AWAIT_EXPECT_DISCARDED_FOR(result, Seconds(2));
  EXPECT_FALSE(worker->resumedAfterTermination());
  // Let the frame go in any case (no leak under ASan).
  promise.reset();
  AWAIT_EXPECT_DISCARDED(result);
}

// A managed process whose coroutine is suspended when it terminates: the
// frame's locals touch the process as they are destroyed, so the frame must
// go before the process is deleted (a use after free under ASan otherwise).
class Holder : public Process<Holder> {
 public:
  explicit Holder(std::atomic<int>* seen) : seen_(seen) {}
  ~Holder() override { alive_ = false; }

  Future<int> hold(Future<int> future) {
    // Its destructor reads the process's state, as a lock guard or a scope
    // exit writing to a member would.
    struct Touch {
      Holder* holder;
      ~Touch() { holder->seen_->store(holder->alive_ ? 1 : 2); }
    } touch{this};
    awaiting_.set(Nothing());
    co_return co_await future;
  }

  Future<Nothing> awaiting() { return awaiting_.future(); }

 private:
  std::atomic<int>* seen_;
  bool alive_ = true;
  Promise<Nothing> awaiting_;
};

TEST(CoroutineTermination, AManagedProcessOutlivesItsSuspendedCoroutines) {
  std::atomic<int> seen{0};  // 1: the frame went first; 2: after the process
  auto* holder = new Holder(&seen);
  Future<Nothing> awaiting = holder->awaiting();
  PID<Holder> pid = spawn(holder, true);
  Promise<int> never;
  Future<int> result = dispatch(pid, &Holder::hold, never.future());
  AWAIT_READY(awaiting);

  terminate(pid);
  ASSERT_TRUE(wait(pid, Seconds(15)));
  EXPECT_EQ(1, seen.load()) << "the frame was destroyed after the process";
  AWAIT_DISCARDED(result);
}

// A coroutine outside any process resumes on the thread that completes what
// it awaits.
Future<std::thread::id> resumeThread(Future<int> future) {
  co_await future;
  if (currentProcess() != nullptr) {
    throw std::runtime_error("resumed on a process");
  }
  co_return std::this_thread::get_id();
}

TEST(Coroutine, OutsideAnyProcessResumesOnTheCompletingThread) {
  Promise<int> promise;
  Future<std::thread::id> resumedOn = resumeThread(promise.future());
  EXPECT_TRUE(resumedOn.isPending());

  std::thread::id completer;
  std::thread thread([&] {
    completer = std::this_thread::get_id();
    promise.set(1);
  });
  thread.join();
  AWAIT_READY(resumedOn);
  EXPECT_EQ(completer, resumedOn.get());
}

Future<int> awaitOutside(Future<int> future) {
  const int value = co_await future;
  co_return value + 1;
}

TEST(Coroutine, OutsideAnyProcessDiscardReachesTheAwaitedFuture) {
  Promise<int> promise;
  Future<int> result = awaitOutside(promise.future());
  result.discard();
  EXPECT_TRUE(promise.future().hasDiscard());
  promise.discard();
  AWAIT_DISCARDED(result);
}

TEST(Coroutine, OutsideAnyProcessFailureAndValue) {
  Promise<int> failing;
  Future<int> failed = awaitOutside(failing.future());
  failing.fail("outside");
  AWAIT_EXPECT_FAILURE_EQ("outside", failed);

  Promise<int> succeeding;
  Future<int> result = awaitOutside(succeeding.future());
  succeeding.set(41);
  AWAIT_EXPECT_EQ(42, result);
}

}  // namespace
