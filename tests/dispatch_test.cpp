// dispatch: every form (PID<T>, Process<T>&, Process<T>*; methods returning
// void, R and Future<R>; const methods; 0 to 6 arguments; move-only
// arguments; lambdas), what happens when the process is gone or the method
// throws, and ordering, also under concurrent senders.
#include <process/dispatch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>

#include "gate.hpp"
#include "reaper.hpp"

using namespace process;

namespace {

struct Point {
  int x = 0;
  int y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

class Calls : public Process<Calls> {
 public:
  // void
  void touch() { ++touched; }
  void set(int value) { stored = value; }

  // R
  int zero() { return 0; }
  int one(int a) { return a + 1; }
  std::string two(int a, const std::string& b) { return std::to_string(a) + b; }
  double three(double a, char b, bool c) { return c ? a + b : a - b; }
  std::string four(const std::string& a, std::string b, long c, Point d) {
    return a + b + std::to_string(c) + std::to_string(d.x + d.y);
  }
  std::vector<int> five(int a, const std::vector<int>& b, unsigned c,
                        const char* d, short e) {
    std::vector<int> out = b;
    out.push_back(a);
    out.push_back(static_cast<int>(c));
    out.push_back(static_cast<int>(std::string(d).size()));
    out.push_back(e);
    return out;
  }
  std::string six(int a, std::string b, const double& c, char d, bool e,
                  const Point& f) {
    return std::to_string(a) + b + std::to_string(static_cast<int>(c)) + d +
           (e ? "T" : "F") + std::to_string(f.x) + std::to_string(f.y);
  }

  // Future<R>
  Future<int> later() { return promise.future(); }
  Future<std::string> now(const std::string& s) { return s + "!"; }
  Future<int> fails() { return Failure("refused"); }

  // const
  int value() const { return stored; }
  std::string describe(const std::string& prefix) const {
    return prefix + std::to_string(stored);
  }
  void constVoid() const { ++constCalls; }

  // move-only
  int take(std::unique_ptr<int> p) { return p ? *p : -1; }
  int takeRvalue(std::unique_ptr<int>&& p) {
    std::unique_ptr<int> mine = std::move(p);
    return mine ? *mine : -1;
  }
  std::unique_ptr<int> give(int value) { return std::make_unique<int>(value); }

  // Throws.
  int thrower(const std::string& message) { throw std::runtime_error(message); }
  void voidThrower() { throw std::runtime_error("void thrower"); }
  Future<int> futureThrower() { throw std::logic_error("future thrower"); }

  // Blocks until the gate opens.
  bool block(std::shared_ptr<Gate> gate,
             std::shared_ptr<Promise<Nothing>> started) {
    started->set(Nothing());
    return gate->wait();
  }

  // Sees the argument as it is when the event runs.
  std::string echo(const std::string& s) { return s; }

  ProcessBase* where() { return currentProcess(); }

  int touched = 0;
  int stored = 0;
  mutable int constCalls = 0;
  Promise<int> promise;
};

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override { pid = spawn(process); }
  void TearDown() override {
    terminate(process);
    wait(process);
  }

  Calls process;
  PID<Calls> pid;
};

}  // namespace

// ---------------------------------------------------------------------------
// Targets

TEST_F(DispatchTest, ToPid) {
  AWAIT_EXPECT_EQ(2, dispatch(pid, &Calls::one, 1));
  AWAIT_EXPECT_EQ(&process, dispatch(pid, &Calls::where));
}

TEST_F(DispatchTest, ToProcessReference) {
  Calls& target = process;
  AWAIT_EXPECT_EQ(3, dispatch(target, &Calls::one, 2));
  const Calls& constTarget = process;
  AWAIT_EXPECT_EQ(4, dispatch(constTarget, &Calls::one, 3));
  AWAIT_EXPECT_EQ(&process, dispatch(target, &Calls::where));
}

TEST_F(DispatchTest, ToProcessPointer) {
  Calls* target = &process;
  AWAIT_EXPECT_EQ(5, dispatch(target, &Calls::one, 4));
  const Calls* constTarget = &process;
  AWAIT_EXPECT_EQ(6, dispatch(constTarget, &Calls::one, 5));
  AWAIT_EXPECT_EQ(&process, dispatch(target, &Calls::where));
}

TEST_F(DispatchTest, ToParsedPid) {
  PID<Calls> parsed(UPID(stringify(pid)));
  ASSERT_TRUE(parsed);
  AWAIT_EXPECT_EQ(8, dispatch(parsed, &Calls::one, 7));
}

// ---------------------------------------------------------------------------
// Result types

TEST_F(DispatchTest, VoidMethodReturnsVoid) {
  static_assert(std::is_void_v<decltype(dispatch(pid, &Calls::touch))>);
  static_assert(std::is_void_v<decltype(dispatch(process, &Calls::set, 1))>);
  static_assert(std::is_void_v<decltype(dispatch(&process, &Calls::set, 1))>);
  dispatch(pid, &Calls::touch);
  dispatch(process, &Calls::touch);
  dispatch(&process, &Calls::set, 41);
  // Later dispatches see their effects.
  AWAIT_EXPECT_EQ(2, dispatch(pid, [this] { return process.touched; }));
  AWAIT_EXPECT_EQ(41, dispatch(pid, &Calls::value));
}

TEST_F(DispatchTest, ValueMethodReturnsFuture) {
  static_assert(
      std::is_same_v<decltype(dispatch(pid, &Calls::zero)), Future<int>>);
  static_assert(std::is_same_v<decltype(dispatch(pid, &Calls::two, 1, "")),
                               Future<std::string>>);
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Calls::zero));
}

TEST_F(DispatchTest, FutureMethodReturnsTheSameFutureType) {
  static_assert(
      std::is_same_v<decltype(dispatch(pid, &Calls::later)), Future<int>>);
  static_assert(std::is_same_v<decltype(dispatch(pid, &Calls::now, "")),
                               Future<std::string>>);

  AWAIT_EXPECT_EQ(std::string("hi!"), dispatch(pid, &Calls::now, "hi"));

  // The dispatch's future follows the method's: pending until the promise
  // behind it completes, after the event has run.
  Future<int> later = dispatch(pid, &Calls::later);
  AWAIT_READY(dispatch(pid, &Calls::zero));  // `later` has run
  EXPECT_TRUE(later.isPending());
  AWAIT_READY(dispatch(pid, [this] { return process.promise.set(17); }));
  AWAIT_EXPECT_EQ(17, later);

  AWAIT_EXPECT_FAILURE_EQ("refused", dispatch(pid, &Calls::fails));
}

TEST_F(DispatchTest, ConstMethods) {
  dispatch(pid, &Calls::set, 9);
  static_assert(
      std::is_same_v<decltype(dispatch(pid, &Calls::value)), Future<int>>);
  AWAIT_EXPECT_EQ(9, dispatch(pid, &Calls::value));
  AWAIT_EXPECT_EQ(9, dispatch(process, &Calls::value));
  AWAIT_EXPECT_EQ(9, dispatch(&process, &Calls::value));
  AWAIT_EXPECT_EQ(std::string("n=9"),
                  dispatch(pid, &Calls::describe, std::string("n=")));
  static_assert(std::is_void_v<decltype(dispatch(pid, &Calls::constVoid))>);
  dispatch(pid, &Calls::constVoid);
  AWAIT_EXPECT_EQ(1, dispatch(pid, [this] { return process.constCalls; }));
}

// ---------------------------------------------------------------------------
// Arguments

TEST_F(DispatchTest, ZeroToSixArguments) {
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Calls::zero));
  AWAIT_EXPECT_EQ(11, dispatch(pid, &Calls::one, 10));
  AWAIT_EXPECT_EQ(std::string("3abc"), dispatch(pid, &Calls::two, 3, "abc"));
  AWAIT_EXPECT_EQ(1.5 + 'a', dispatch(pid, &Calls::three, 1.5, 'a', true));
  AWAIT_EXPECT_EQ(1.5 - 'a', dispatch(pid, &Calls::three, 1.5, 'a', false));

  const std::string a = "a";
  AWAIT_EXPECT_EQ(
      std::string("ab77"),
      dispatch(pid, &Calls::four, a, std::string("b"), 7L, Point{3, 4}));

  const std::vector<int> b = {9, 8};
  AWAIT_EXPECT_EQ((std::vector<int>{9, 8, 1, 2, 3, 4}),
                  dispatch(pid, &Calls::five, 1, b, 2u, "xyz", short(4)));

  const Point f{5, 6};
  AWAIT_EXPECT_EQ(std::string("1two3dT56"),
                  dispatch(pid, &Calls::six, 1, "two", 3.0, 'd', true, f));
}

TEST_F(DispatchTest, ArgumentsConvertToParameterTypes) {
  // int -> double, const char* -> std::string, long -> int.
  AWAIT_EXPECT_EQ(2.0 + 'b', dispatch(pid, &Calls::three, 2, 'b', 1));
  AWAIT_EXPECT_EQ(std::string("5x"), dispatch(pid, &Calls::two, 5L, "x"));
}

// Arguments are copied into the event when dispatch is called: changing
// (or destroying) the caller's variable afterwards does not reach the event.
TEST_F(DispatchTest, ArgumentsAreCopiedAtDispatch) {
  auto gate = std::make_shared<Gate>();
  auto started = std::make_shared<Promise<Nothing>>();
  Future<bool> blocked = dispatch(pid, &Calls::block, gate, started);
  AWAIT_READY(started->future());

  std::string text = "before";
  Future<std::string> echoed = dispatch(pid, &Calls::echo, text);
  text = "after";
  Future<std::string> temporary;
  {
    std::string scoped = "scoped";
    temporary = dispatch(pid, &Calls::echo, scoped);
  }
  gate->open();
  AWAIT_EXPECT_EQ(true, blocked);
  AWAIT_EXPECT_EQ(std::string("before"), echoed);
  AWAIT_EXPECT_EQ(std::string("scoped"), temporary);
}

TEST_F(DispatchTest, MoveOnlyArguments) {
  AWAIT_EXPECT_EQ(5, dispatch(pid, &Calls::take, std::make_unique<int>(5)));
  auto p = std::make_unique<int>(6);
  AWAIT_EXPECT_EQ(6, dispatch(pid, &Calls::take, std::move(p)));
  EXPECT_EQ(nullptr, p);
  AWAIT_EXPECT_EQ(7,
                  dispatch(pid, &Calls::takeRvalue, std::make_unique<int>(7)));

  // A move-only result.
  Future<std::unique_ptr<int>> given = dispatch(pid, &Calls::give, 8);
  AWAIT_READY(given);
  ASSERT_NE(nullptr, given.get());
  EXPECT_EQ(8, *given.get());

  // A move-only lambda.
  auto q = std::make_unique<int>(9);
  AWAIT_EXPECT_EQ(9, dispatch(pid, [q = std::move(q)] { return *q; }));
}

// ---------------------------------------------------------------------------
// Lambdas

TEST_F(DispatchTest, LambdaReturningVoid) {
  auto ran = std::make_shared<std::atomic<ProcessBase*>>(nullptr);
  static_assert(std::is_void_v<decltype(dispatch(pid, [] {}))>);
  dispatch(pid, [ran] { ran->store(currentProcess()); });
  dispatch(process, [ran] { ran->store(nullptr); });
  dispatch(&process, [ran] { ran->store(currentProcess()); });
  AWAIT_READY(dispatch(pid, [] { return true; }));
  EXPECT_EQ(&process, ran->load());
}

TEST_F(DispatchTest, LambdaReturningValue) {
  static_assert(
      std::is_same_v<decltype(dispatch(pid, [] { return 1; })), Future<int>>);
  AWAIT_EXPECT_EQ(std::string("x"),
                  dispatch(pid, [] { return std::string("x"); }));
  AWAIT_EXPECT_EQ(&process, dispatch(process, [] { return currentProcess(); }));
  AWAIT_EXPECT_EQ(&process,
                  dispatch(&process, [] { return currentProcess(); }));
  // A lambda touching the process's state, safely, on the process.
  AWAIT_EXPECT_EQ(1, dispatch(pid, [this] { return ++process.touched; }));
}

TEST_F(DispatchTest, LambdaReturningFuture) {
  static_assert(
      std::is_same_v<decltype(dispatch(pid, [] { return Future<int>(1); })),
                     Future<int>>);
  AWAIT_EXPECT_EQ(1, dispatch(pid, [] { return Future<int>(1); }));
  auto promise = std::make_shared<Promise<int>>();
  Future<int> future = dispatch(pid, [promise] { return promise->future(); });
  AWAIT_READY(dispatch(pid, [] { return true; }));
  EXPECT_TRUE(future.isPending());
  promise->set(3);
  AWAIT_EXPECT_EQ(3, future);
  AWAIT_EXPECT_FAILURE_EQ(
      "no", dispatch(pid, [] { return Future<int>(Failure("no")); }));
}

// ---------------------------------------------------------------------------
// Gone processes and exceptions

TEST(DispatchGoneTest, ToATerminatedProcessIsDiscarded) {
  Calls process;
  PID<Calls> pid = spawn(process);
  terminate(pid);
  ASSERT_TRUE(wait(pid));

  AWAIT_EXPECT_DISCARDED(dispatch(pid, &Calls::zero));
  AWAIT_EXPECT_DISCARDED(dispatch(pid, &Calls::later));
  AWAIT_EXPECT_DISCARDED(dispatch(pid, &Calls::value));
  AWAIT_EXPECT_DISCARDED(dispatch(pid, [] { return 1; }));
  AWAIT_EXPECT_DISCARDED(dispatch(pid, [] { return Future<int>(1); }));
  AWAIT_EXPECT_DISCARDED(
      dispatch(PID<Calls>(UPID(stringify(pid))), &Calls::zero));
  // Void dispatches are dropped without a trace.
  dispatch(pid, &Calls::touch);
  dispatch(pid, [] {});
}

TEST(DispatchGoneTest, ToANeverSpawnedProcessIsDiscarded) {
  AWAIT_EXPECT_DISCARDED(dispatch(UPID(), [] { return 1; }));
  AWAIT_EXPECT_DISCARDED(
      dispatch(UPID("nobody@127.0.0.1:1"), [] { return 1; }));
  AWAIT_EXPECT_DISCARDED(dispatch(PID<Calls>(), &Calls::zero));
}

TEST_F(DispatchTest, ThrowingMethodFailsItsFuture) {
  AWAIT_EXPECT_FAILURE_EQ("boom", dispatch(pid, &Calls::thrower, "boom"));
  AWAIT_EXPECT_FAILURE_EQ("future thrower",
                          dispatch(pid, &Calls::futureThrower));
  AWAIT_EXPECT_FAILURE_EQ("lambda", dispatch(pid, []() -> int {
                            throw std::runtime_error("lambda");
                          }));
  AWAIT_EXPECT_FAILED(dispatch(pid, []() -> int { throw 42; }));
  // The process goes on.
  AWAIT_EXPECT_EQ(1, dispatch(pid, &Calls::one, 0));
}

TEST_F(DispatchTest, ThrowingVoidMethodDoesNotStopTheProcess) {
  dispatch(pid, &Calls::voidThrower);
  dispatch(pid, [] { throw std::runtime_error("void lambda"); });
  dispatch(pid, &Calls::touch);
  AWAIT_EXPECT_EQ(1, dispatch(pid, [this] { return process.touched; }));
}

// ---------------------------------------------------------------------------
// Order

TEST_F(DispatchTest, OrderFromOneThreadIsKept) {
  auto seen = std::make_shared<std::vector<int>>();
  constexpr int kEvents = 500;
  for (int i = 0; i < kEvents; ++i) {
    // Mix the forms: they share one mailbox.
    if (i % 3 == 0) {
      dispatch(pid, [seen, i] { seen->push_back(i); });
    } else if (i % 3 == 1) {
      dispatch(pid, [seen, i] {
        seen->push_back(i);
        return i;
      });
    } else {
      dispatch(pid, &Calls::set, i);
      dispatch(pid, [this, seen] { seen->push_back(process.stored); });
    }
  }
  AWAIT_READY(dispatch(pid, [] { return true; }));
  ASSERT_EQ(static_cast<size_t>(kEvents), seen->size());
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_EQ(i, (*seen)[i]);
  }
}

TEST_F(DispatchTest, ConcurrentSendersLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  // Per sender, the last sequence number seen on the process.
  auto last = std::make_shared<std::vector<int>>(kThreads, -1);
  auto outOfOrder = std::make_shared<int>(0);
  std::atomic<bool> go{false};
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      while (!go.load()) {
        std::this_thread::yield();
      }
      for (int i = 0; i < kPerThread; ++i) {
        if (i % 2 == 0) {
          dispatch(pid, &Calls::touch);
        } else {
          dispatch(pid, [this] { ++process.touched; });
        }
        dispatch(pid, [last, outOfOrder, t, i] {
          if ((*last)[t] != i - 1) {
            ++*outOfOrder;
          }
          (*last)[t] = i;
        });
      }
    });
  }
  go.store(true);
  for (std::thread& sender : senders) {
    sender.join();
  }
  AWAIT_EXPECT_EQ(kThreads * kPerThread,
                  dispatch(pid, [this] { return process.touched; }));
  AWAIT_EXPECT_EQ(0, dispatch(pid, [outOfOrder] { return *outOfOrder; }));
  AWAIT_EXPECT_EQ(std::vector<int>(kThreads, kPerThread - 1),
                  dispatch(pid, [last] { return *last; }));
}

// Processes dispatching to each other: a ping-pong of futures.
class Ponger : public Process<Ponger> {
 public:
  int pong(int n) { return n + 1; }
};

class Pinger : public Process<Pinger> {
 public:
  explicit Pinger(PID<Ponger> ponger) : ponger_(std::move(ponger)) {}

  Future<int> ping(int rounds, int n) {
    if (rounds == 0) {
      return n;
    }
    return dispatch(ponger_, &Ponger::pong, n)
        .then([self = self(), rounds](int m) {
          return dispatch(self, &Pinger::ping, rounds - 1, m);
        });
  }

 private:
  PID<Ponger> ponger_;
};

TEST(DispatchBetweenProcessesTest, PingPong) {
  Ponger ponger;
  spawn(ponger);
  Reaper ponged(ponger.self());
  Pinger pinger(ponger.self());
  spawn(pinger);
  Reaper pinged(pinger.self());
  AWAIT_EXPECT_EQ(100, dispatch(pinger, &Pinger::ping, 100, 0));
}

// A method of a base class, dispatched through the derived process's PID.
class Base : public Process<Base> {
 public:
  int base() { return 5; }
};

class Derived : public Base {
 public:
  int derived() { return 6; }
};

TEST(DispatchBaseTest, BaseClassMethodThroughDerivedPid) {
  Derived process;
  PID<Derived> pid = spawn(process);
  Reaper reaper(pid);
  AWAIT_EXPECT_EQ(5, dispatch(pid, &Base::base));
  AWAIT_EXPECT_EQ(6, dispatch(pid, &Derived::derived));
  AWAIT_EXPECT_EQ(5, dispatch(PID<Base>(pid), &Base::base));
}
