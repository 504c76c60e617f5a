// StateMachine: checked transitions and futures for entering a state.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/state_machine.hpp>

using namespace process;

namespace {

enum class State {
  INITIAL,
  STARTING,
  RUNNING,
  STOPPING,
  STOPPED,
  TERMINAL,
};

}  // namespace

// The side effect's result comes back inside a Try, whatever its type;
// a transition from the wrong state is an Error.
TEST(StateMachineTest, Transition) {
  StateMachine<State> state(State::INITIAL);

  Try<int> i =
      state.transition<State::INITIAL, State::STARTING>([] { return 42; });
  ASSERT_TRUE(i.isSome());
  EXPECT_EQ(42, *i);

  Try<Nothing> error = state.transition<State::INITIAL, State::STARTING>();
  EXPECT_TRUE(error.isError());

  Try<Try<int>> t = state.transition<State::STARTING, State::RUNNING>(
      []() -> Try<int> { return 42; });
  ASSERT_TRUE(t.isSome());
  ASSERT_TRUE(t->isSome());
  EXPECT_EQ(42, t->get());

  error = state.transition<State::STARTING, State::RUNNING>();
  EXPECT_TRUE(error.isError());

  t = state.transition<State::RUNNING, State::STOPPING>(
      []() -> Try<int> { return Error("Error"); });
  ASSERT_TRUE(t.isSome());
  ASSERT_TRUE(t->isError());
  EXPECT_EQ("Error", t->error());

  error = state.transition<State::RUNNING, State::STOPPING>();
  EXPECT_TRUE(error.isError());

  Promise<int> promise;
  Try<Future<int>> f = state.transition<State::STOPPING, State::STOPPED>(
      [&]() -> Future<int> { return promise.future(); });
  ASSERT_TRUE(f.isSome());
  EXPECT_TRUE(f->isPending());
  promise.set(42);
  AWAIT_EXPECT_EQ(42, f.get());

  error = state.transition<State::STOPPING, State::STOPPED>();
  EXPECT_TRUE(error.isError());

  f = state.transition<State::STOPPED, State::TERMINAL>(
      []() -> Future<int> { return Failure("Failure"); });
  ASSERT_TRUE(f.isSome());
  ASSERT_TRUE(f->isFailed());
  EXPECT_EQ("Failure", f->failure());
}

TEST(StateMachineTest, Is) {
  StateMachine<State> state(State::STARTING);
  EXPECT_TRUE(state.is<State::STARTING>());
  EXPECT_FALSE(state.is<State::RUNNING>());

  EXPECT_TRUE((state.transition<State::STARTING, State::RUNNING>().isSome()));
  EXPECT_TRUE(state.is<State::RUNNING>());
  EXPECT_FALSE(state.is<State::STARTING>());
}

TEST(StateMachineTest, When) {
  StateMachine<State> state(State::STARTING);
  AWAIT_READY(state.when<State::STARTING>());

  Future<Nothing> f = state.when<State::RUNNING>();
  EXPECT_TRUE(f.isPending());

  ASSERT_TRUE((state.transition<State::STARTING, State::RUNNING>().isSome()));
  AWAIT_READY(f);
}

TEST(StateMachineTest, RefusedTransitionChangesNothing) {
  StateMachine<State> state = State::RUNNING;
  Future<Nothing> stopped = state.when<State::STOPPED>();
  bool called = false;

  Try<int> refused = state.transition<State::STOPPING, State::STOPPED>(
      [&] {
        called = true;
        return 1;
      },
      "not stopping");

  ASSERT_TRUE(refused.isError());
  EXPECT_EQ("not stopping", refused.error());
  EXPECT_FALSE(called);
  EXPECT_TRUE(state.is<State::RUNNING>());
  EXPECT_TRUE(stopped.isPending());
}

TEST(StateMachineTest, DefaultErrorMessage) {
  StateMachine<State> state = State::INITIAL;
  Try<Nothing> refused = state.transition<State::RUNNING, State::STOPPING>();
  ASSERT_TRUE(refused.isError());
  EXPECT_EQ("Invalid current state", refused.error());

  const std::string message = "turnstile is locked";  // an lvalue is fine
  refused = state.transition<State::RUNNING, State::STOPPING>(message);
  ASSERT_TRUE(refused.isError());
  EXPECT_EQ(message, refused.error());
}

// As libprocess: the waiters are told before the side effect runs, and the
// effect sees the new state.
TEST(StateMachineTest, WaitersCompleteBeforeTheSideEffect) {
  StateMachine<State> state = State::STARTING;
  Future<Nothing> running = state.when<State::RUNNING>();
  std::vector<std::string> order;
  running.onReady([&](const Nothing&) { order.push_back("waiter"); });

  Try<Nothing> done = state.transition<State::STARTING, State::RUNNING>([&] {
    EXPECT_TRUE(state.is<State::RUNNING>());
    order.push_back("effect");
  });

  ASSERT_TRUE(done.isSome());  // a void effect gives a Try<Nothing>
  EXPECT_EQ((std::vector<std::string>{"waiter", "effect"}), order);
}

TEST(StateMachineTest, EveryWaiterOfTheStateCompletes) {
  StateMachine<State> state = State::INITIAL;
  Future<Nothing> first = state.when<State::RUNNING>();
  Future<Nothing> second = state.when<State::RUNNING>();
  Future<Nothing> stopped = state.when<State::STOPPED>();

  ASSERT_TRUE((state.transition<State::INITIAL, State::STARTING>().isSome()));
  EXPECT_TRUE(first.isPending());

  ASSERT_TRUE((state.transition<State::STARTING, State::RUNNING>().isSome()));
  AWAIT_READY(first);
  AWAIT_READY(second);
  EXPECT_TRUE(stopped.isPending());
}

// Ours: a waiter's callback may leave the state and wait for it again; the
// new waiter belongs to the next entry, not to this one.
TEST(StateMachineTest, WaiterCallbackMayUseTheMachine) {
  StateMachine<State> state = State::STARTING;
  Future<Nothing> again;
  state.when<State::RUNNING>().onReady([&](const Nothing&) {
    ASSERT_TRUE((state.transition<State::RUNNING, State::STARTING>().isSome()));
    again = state.when<State::RUNNING>();
  });

  ASSERT_TRUE((state.transition<State::STARTING, State::RUNNING>().isSome()));
  EXPECT_TRUE(state.is<State::STARTING>());
  ASSERT_TRUE(again.isPending());

  ASSERT_TRUE((state.transition<State::STARTING, State::RUNNING>().isSome()));
  AWAIT_READY(again);
}

// Ours: a discard request is honoured on entering the state.
TEST(StateMachineTest, DiscardedWaiterIsDiscardedOnEntry) {
  StateMachine<State> state = State::STARTING;
  Future<Nothing> givenUp = state.when<State::RUNNING>();
  Future<Nothing> kept = state.when<State::RUNNING>();
  givenUp.discard();
  EXPECT_TRUE(givenUp.isPending());  // a request, not yet acted on

  ASSERT_TRUE((state.transition<State::STARTING, State::RUNNING>().isSome()));
  AWAIT_DISCARDED(givenUp);
  AWAIT_READY(kept);
}

// Ours: waiters given up on do not pile up while the state is never entered.
TEST(StateMachineTest, DiscardedWaitersArePrunedByLaterWhen) {
  StateMachine<State> state = State::STARTING;
  Future<Nothing> givenUp = state.when<State::STOPPED>();
  givenUp.discard();

  Future<Nothing> next = state.when<State::STOPPED>();
  AWAIT_DISCARDED(givenUp);
  EXPECT_TRUE(next.isPending());
}

// As libprocess: waiters outliving the machine are abandoned.
TEST(StateMachineTest, WaitersAreAbandonedWithTheMachine) {
  Future<Nothing> running;
  {
    StateMachine<State> state = State::STARTING;
    running = state.when<State::RUNNING>();
  }
  AWAIT_ABANDONED(running);
}

namespace {

// libprocess's example: a transition's Try<Future<T>> is returned as a
// Future<T>, an Error becoming a failure.
class Turnstile {
 public:
  Future<Nothing> deposit() {
    return state_.transition<Lock::LOCKED, Lock::UNLOCKED>(
        []() -> Future<Nothing> { return Nothing(); },
        "Coin already deposited in turnstile");
  }

  Future<Nothing> push() {
    return state_.transition<Lock::UNLOCKED, Lock::LOCKED>(
        []() -> Future<Nothing> { return Nothing(); }, "Turnstile is locked");
  }

 private:
  enum class Lock { UNLOCKED, LOCKED };
  StateMachine<Lock> state_ = Lock::LOCKED;
};

}  // namespace

TEST(StateMachineTest, TurnstileExample) {
  Turnstile turnstile;
  AWAIT_EXPECT_FAILURE_EQ("Turnstile is locked", turnstile.push());
  AWAIT_EXPECT_READY(turnstile.deposit());
  AWAIT_EXPECT_FAILURE_EQ("Coin already deposited in turnstile",
                          turnstile.deposit());
  AWAIT_EXPECT_READY(turnstile.push());
}
