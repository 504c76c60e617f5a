// defer: callbacks that dispatch their work to a process (or to one of the
// library's executors) instead of running on the thread that completes a
// future. Covers the developer guide's examples.
#include <process/defer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/deferred.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/lambda.hpp>
#include <process/process.hpp>

#include "reaper.hpp"

using namespace process;

namespace {

// Where a callback ran.
struct Place {
  ProcessBase* process = nullptr;
  std::thread::id thread;
};

Place here() {
  return Place{currentProcess(), std::this_thread::get_id()};
}

}  // namespace

// The guide's example: the deferred lambda runs asynchronously on `process`;
// the plain then-lambda runs synchronously on the thread that sets the
// promise.
TEST(DeferTest, GuideExample) {
  ProcessBase process;
  spawn(process);
  Reaper reaper(process.self());

  auto deferredRan = std::make_shared<Promise<std::pair<int, Place>>>();
  Deferred<void(int)> deferred = defer(process, [deferredRan](int i) {
    // Invoked _asynchronously_ using `process` as the execution context.
    deferredRan->set(std::make_pair(i, here()));
  });

  Promise<int> promise;

  Place plain;
  int plainValue = 0;
  Future<Nothing> viaPlain = promise.future().then([&](int i) {
    // Invoked synchronously from the execution context of the thread that
    // completes the future!
    plainValue = i;
    plain = here();
  });
  static_assert(std::is_same_v<decltype(viaPlain), Future<Nothing>>);
  Future<Nothing> viaDeferred = promise.future().then(deferred);
  static_assert(std::is_same_v<decltype(promise.future().then(deferred)),
                               Future<Nothing>>);

  // Executes both callbacks synchronously, which _dispatches_ the deferred
  // lambda to run asynchronously in the execution context of `process` but
  // invokes the other lambda immediately.
  promise.set(42);

  // The plain callback has run by the time set() returns, here.
  EXPECT_TRUE(viaPlain.isReady());
  EXPECT_EQ(42, plainValue);
  EXPECT_EQ(nullptr, plain.process);
  EXPECT_EQ(std::this_thread::get_id(), plain.thread);

  Future<std::pair<int, Place>> ran = deferredRan->future();
  AWAIT_READY(ran);
  EXPECT_EQ(42, ran->first);
  EXPECT_EQ(&process, ran->second.process);
  EXPECT_NE(std::this_thread::get_id(), ran->second.thread);
  AWAIT_READY(viaDeferred);
}

// From Mesos's master.cpp:
//   contender->contend().onAny(defer(self(), &Master::contended, lambda::_1));
class Master : public Process<Master> {
 public:
  void contend(Future<int> contender) {
    contender.onAny(defer(self(), &Master::contended, lambda::_1));
  }

  void contended(const Future<int>& future) {
    ProcessBase* where = currentProcess();
    // Runs on the master: safe to touch state.
    ++calls;
    if (where != this) {
      done.fail("contended() ran off the master process");
    } else if (future.isReady()) {
      done.set("ready " + std::to_string(future.get()));
    } else if (future.isFailed()) {
      done.set("failed " + future.failure());
    } else if (future.isDiscarded()) {
      done.set("discarded");
    } else {
      done.set("pending");
    }
  }

  Future<std::string> result() { return done.future(); }
  int callCount() const { return calls; }

 private:
  Promise<std::string> done;
  int calls = 0;
};

TEST(DeferTest, MasterStyleOnAnyWithPlaceholder) {
  Master master;
  PID<Master> pid = spawn(master);
  Reaper reaper(pid);
  Future<std::string> result = dispatch(pid, &Master::result);

  Promise<int> contender;
  dispatch(pid, &Master::contend, contender.future());
  AWAIT_READY(dispatch(pid, &Master::callCount));  // contend() has run
  EXPECT_TRUE(result.isPending());

  contender.set(7);  // on this thread, outside the master
  AWAIT_EXPECT_EQ(std::string("ready 7"), result);
  AWAIT_EXPECT_EQ(1, dispatch(pid, &Master::callCount));
}

TEST(DeferTest, MasterStyleOnAnyReceivesAFailedFuture) {
  Master master;
  PID<Master> pid = spawn(master);
  Reaper reaper(pid);
  Future<std::string> result = dispatch(pid, &Master::result);

  Promise<int> contender;
  dispatch(pid, &Master::contend, contender.future());
  contender.fail("lost");
  AWAIT_EXPECT_EQ(std::string("failed lost"), result);
}

TEST(DeferTest, MasterStyleOnAnyOnACompletedFuture) {
  Master master;
  PID<Master> pid = spawn(master);
  Reaper reaper(pid);
  Future<std::string> result = dispatch(pid, &Master::result);
  // Already complete: onAny invokes the deferred at once, on the master, and
  // the method still runs later, as an event.
  dispatch(pid, &Master::contend, Future<int>(3));
  AWAIT_EXPECT_EQ(std::string("ready 3"), result);
}

class Combiner : public Process<Combiner> {
 public:
  std::string combine(const std::string& tag, int value) {
    ++calls;
    return tag + ":" + std::to_string(value) +
           (currentProcess() == this ? "@self" : "@elsewhere");
  }
  void record(int value) { values.push_back(value); }
  Future<int> doubleLater(int value) { return value * 2; }
  int scaled(int factor, int value) const { return factor * value; }

  std::vector<int> recorded() const { return values; }

  int calls = 0;
  std::vector<int> values;
};

TEST(DeferTest, MethodWithBoundArgumentAndPlaceholder) {
  Combiner combiner;
  PID<Combiner> pid = spawn(combiner);
  Reaper reaper(pid);

  Promise<int> promise;
  Future<std::string> combined = promise.future().then(
      defer(pid, &Combiner::combine, std::string("tag"), lambda::_1));
  static_assert(std::is_same_v<decltype(combined), Future<std::string>>);
  // Nothing is dispatched before the future completes.
  AWAIT_EXPECT_EQ(0, dispatch(pid, [&combiner] { return combiner.calls; }));
  promise.set(5);
  AWAIT_EXPECT_EQ(std::string("tag:5@self"), combined);

  // A bound argument that converts (const char* -> std::string), through
  // the process reference and pointer forms.
  Promise<int> other;
  Future<std::string> viaReference = other.future().then(
      defer(combiner, &Combiner::combine, "ref", lambda::_1));
  Future<std::string> viaPointer = other.future().then(
      defer(&combiner, &Combiner::combine, "ptr", lambda::_1));
  other.set(6);
  AWAIT_EXPECT_EQ(std::string("ref:6@self"), viaReference);
  AWAIT_EXPECT_EQ(std::string("ptr:6@self"), viaPointer);
}

TEST(DeferTest, ConstMethodAndFutureReturningMethod) {
  Combiner combiner;
  PID<Combiner> pid = spawn(combiner);
  Reaper reaper(pid);

  Promise<int> promise;
  Future<int> scaled =
      promise.future().then(defer(pid, &Combiner::scaled, 10, lambda::_1));
  Future<int> doubled =
      promise.future().then(defer(pid, &Combiner::doubleLater, lambda::_1));
  static_assert(std::is_same_v<decltype(doubled), Future<int>>);
  promise.set(4);
  AWAIT_EXPECT_EQ(40, scaled);
  AWAIT_EXPECT_EQ(8, doubled);
}

TEST(DeferTest, VoidMethodWithPlaceholderRunsOnTheProcess) {
  Combiner combiner;
  PID<Combiner> pid = spawn(combiner);
  Reaper reaper(pid);

  Promise<int> promise;
  promise.future().onReady(defer(pid, &Combiner::record, lambda::_1));
  promise.set(11);
  // The deferred dispatch was made inside set(), so it runs before this one.
  AWAIT_EXPECT_EQ(std::vector<int>{11}, dispatch(pid, &Combiner::recorded));
}

TEST(DeferTest, ThenWithDeferredLambdaReturningAValue) {
  ProcessBase process;
  spawn(process);
  Reaper reaper(process.self());

  Promise<int> promise;
  Future<std::pair<std::string, ProcessBase*>> result =
      promise.future().then(defer(process.self(), [](int i) {
        return std::make_pair(std::to_string(i), currentProcess());
      }));
  promise.set(12);
  AWAIT_READY(result);
  EXPECT_EQ("12", result->first);
  EXPECT_EQ(&process, result->second);
}

TEST(DeferTest, ThenWithDeferredLambdaReturningAFuture) {
  ProcessBase process;
  spawn(process);
  Reaper reaper(process.self());

  auto inner = std::make_shared<Promise<std::string>>();
  auto ranOn = std::make_shared<std::atomic<ProcessBase*>>(nullptr);
  Promise<int> promise;
  Future<std::string> result =
      promise.future().then(defer(process, [inner, ranOn](int i) {
        ranOn->store(currentProcess());
        return inner->future().then(
            [i](const std::string& s) { return s + std::to_string(i); });
      }));
  static_assert(std::is_same_v<decltype(result), Future<std::string>>);
  promise.set(1);
  // Not until the future the lambda returned completes.
  AWAIT_READY(dispatch(process, [] { return true; }));
  EXPECT_EQ(&process, ranOn->load());
  EXPECT_TRUE(result.isPending());
  inner->set("n");
  AWAIT_EXPECT_EQ(std::string("n1"), result);
}

TEST(DeferTest, ThenFromAProcessDefersBackToItself) {
  // The guide's storedCount example: the continuation touches the process's
  // state, so it is deferred to self().
  class Store : public Process<Store> {
   public:
    Future<int> input(Future<int> stored) {
      return stored.then(defer(self(), [this](int bytes) {
        storedCount += bytes;
        return currentProcess() == this ? storedCount : -1;
      }));
    }
    int storedCount = 0;
  };

  Store store;
  PID<Store> pid = spawn(store);
  Reaper reaper(pid);
  Promise<int> first;
  Promise<int> second;
  Future<int> a = dispatch(pid, &Store::input, first.future());
  Future<int> b = dispatch(pid, &Store::input, second.future());
  first.set(10);  // completes on this thread
  second.set(5);
  AWAIT_EXPECT_EQ(10, a);
  AWAIT_EXPECT_EQ(15, b);
}

TEST(DeferTest, TypeErasedDeferredCanBeInvokedRepeatedly) {
  ProcessBase process;
  spawn(process);
  Reaper reaper(process.self());
  Deferred<Future<int>(int)> twice =
      defer(process, [](int i) { return i * 2; });
  Future<int> one = twice(1);
  Future<int> two = twice(2);
  AWAIT_EXPECT_EQ(2, one);
  AWAIT_EXPECT_EQ(4, two);
}

// defer(f) without a pid: on one of the library's executors, never on the
// caller.
TEST(DeferTest, WithoutPidRunsOnAnExecutorProcess) {
  Promise<int> promise;
  Future<std::pair<int, Place>> result = promise.future().then(
      defer([](int i) { return std::make_pair(i + 1, here()); }));
  promise.set(1);
  AWAIT_READY(result);
  EXPECT_EQ(2, result->first);
  EXPECT_NE(nullptr, result->second.process);
  EXPECT_NE(std::this_thread::get_id(), result->second.thread);

  // Invoked directly.
  auto direct = defer([] { return currentProcess(); });
  Future<ProcessBase*> ran = direct();
  AWAIT_READY(ran);
  EXPECT_NE(nullptr, ran.get());
}

TEST(DeferTest, WithoutPidNeverRunsOnTheCallingProcess) {
  ProcessBase process;
  spawn(process);
  Reaper reaper(process.self());

  // Invoked on the process: a future completed there, and a direct call.
  auto promise = std::make_shared<Promise<int>>();
  Future<ProcessBase*> viaThen =
      promise->future().then(defer([](int) { return currentProcess(); }));
  AWAIT_READY(dispatch(process, [promise] { return promise->set(1); }));
  Future<ProcessBase*> direct = dispatch(
      process, [] { return defer([] { return currentProcess(); })(); });
  AWAIT_READY(viaThen);
  AWAIT_READY(direct);
  EXPECT_NE(nullptr, viaThen.get());
  EXPECT_NE(&process, viaThen.get());
  EXPECT_NE(nullptr, direct.get());
  EXPECT_NE(&process, direct.get());
}

// A step started from an executor does not land on that same executor.
TEST(DeferTest, WithoutPidFromAnExecutorGoesElsewhere) {
  auto inner = std::make_shared<std::vector<Future<ProcessBase*>>>();
  Future<ProcessBase*> caller = defer([inner] {
    for (int i = 0; i < 4; ++i) {
      inner->push_back(defer([] { return currentProcess(); })());
    }
    return currentProcess();
  })();
  AWAIT_READY(caller);
  ASSERT_NE(nullptr, caller.get());
  ASSERT_EQ(4u, inner->size());
  for (const Future<ProcessBase*>& future : *inner) {
    AWAIT_READY(future);
    EXPECT_NE(caller.get(), future.get())
        << "defer(f) called on an executor ran f on that same executor";
  }
}

TEST(DeferTest, ChainedThenWithDeferWithoutPid) {
  Promise<int> promise;
  Future<std::pair<ProcessBase*, ProcessBase*>> result =
      promise.future()
          .then(defer([](int) { return currentProcess(); }))
          .then(defer([](ProcessBase* previous) {
            return std::make_pair(previous, currentProcess());
          }));
  promise.set(0);
  AWAIT_READY(result);
  EXPECT_NE(nullptr, result->first);
  EXPECT_NE(nullptr, result->second);
  EXPECT_NE(result->first, result->second)
      << "the second step ran on the executor that invoked it";
}

// Deferring to a process that is gone: the work is dropped and the result
// of then() is DISCARDED, so nobody waits forever.
TEST(DeferTest, ToADeadProcessDiscardsTheResult) {
  UPID pid;
  {
    ProcessBase process;
    pid = spawn(process);
    terminate(process);
    ASSERT_TRUE(wait(process));
  }
  Promise<int> promise;
  auto ran = std::make_shared<std::atomic<bool>>(false);
  Future<int> result = promise.future().then(defer(pid, [ran](int i) {
    ran->store(true);
    return i;
  }));
  promise.set(1);
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_FALSE(ran->load());
}

TEST(DeferTest, ToAProcessThatDiesBeforeTheFutureCompletes) {
  Combiner combiner;
  PID<Combiner> pid = spawn(combiner);
  Promise<int> promise;
  Future<std::string> result = promise.future().then(
      defer(pid, &Combiner::combine, std::string("late"), lambda::_1));
  terminate(pid);
  ASSERT_TRUE(wait(pid));
  promise.set(1);
  AWAIT_EXPECT_DISCARDED(result);
  EXPECT_EQ(0, combiner.calls);
}
