// StateMachine<State>: the state of an actor, changed only by named
// transitions that check where it is coming from (libprocess's). A transition
// from the wrong state is an Error and does nothing; a good one moves the
// state, completes the futures waiting for the new state (when<S>()), then
// runs its side effect and returns the effect's result inside a Try.
//
// clang-format off
//   enum class State { LOCKED, UNLOCKED };
//   StateMachine<State> state = State::LOCKED;
//
//   Future<Nothing> deposit() {
//     return state.transition<State::LOCKED, State::UNLOCKED>(
//         []() -> Future<Nothing> { return openGate(); },
//         "Coin already deposited in turnstile");  // Try<Future<Nothing>>
//   }
//   Try<Nothing> pushed = state.transition<State::UNLOCKED, State::LOCKED>();
//   state.is<State::LOCKED>();                       // true
//   Future<Nothing> unlocked = state.when<State::UNLOCKED>();  // pending
// clang-format on
//
// If a transition needs any work, synchronous or not, give that work a state
// of its own (RUNNING -> STOPPING, then STOPPING -> STOPPED when it is done),
// so nothing else can start from the old state meanwhile.
//
// Not thread-safe: keep it inside one process, as libprocess intends.
//
// Ours (beyond libprocess): callbacks of the futures completed by a
// transition may use the machine (call when() or transition() again);
// a side effect returning void gives a Try<Nothing>; `message` takes any
// string; a discard request on a when() future is honoured: it becomes
// DISCARDED (libprocess: READY once the state is entered) the next time the
// machine enters that state or is asked when() for it.
#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <process/future.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/try.hpp>

namespace process {

template <typename State>
class StateMachine {
  // What a side effect's result is returned as (void as Nothing).
  template <typename F>
  using EffectResult =
      std::conditional_t<std::is_void_v<std::invoke_result_t<F&>>, Nothing,
                         std::decay_t<std::invoke_result_t<F&>>>;

 public:
  // Implicit, for `StateMachine<State> state = State::INITIAL;`.
  StateMachine(State initial)  // NOLINT(google-explicit-constructor)
      : state_(initial) {}

  // Moves from `from` to `to`, completes the futures waiting for `to`, then
  // returns f()'s result; an Error with `message` (or "Invalid current
  // state") if the state is not `from`, and then f is not called.
  template <State from, State to, typename F>
  requires std::invocable<F&>
  auto transition(F&& f, Option<std::string> message = None())
      -> Try<EffectResult<F>> {
    if (state_ != from) {
      return Error(std::move(message).getOrElse("Invalid current state"));
    }
    state_ = to;
    notify(to);
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      f();
      return Nothing();
    } else {
      return f();
    }
  }

  template <State from, State to>
  Try<Nothing> transition(Option<std::string> message = None()) {
    return transition<from, to>([] {}, std::move(message));
  }

  template <State s>
  bool is() const {
    return state_ == s;
  }

  // READY now if the state is `s`, else once a transition enters it.
  template <State s>
  Future<Nothing> when() {
    if (state_ == s) {
      return Nothing();
    }
    std::vector<Promise<Nothing>>& promises = waitersFor(s);
    // Without this, waiters given up on (when().after(...)) would pile up.
    std::erase_if(promises, discardIfRequested);
    promises.emplace_back();
    return promises.back().future();
  }

 private:
  // Honours a discard request: true (and the future DISCARDED) if there was
  // one.
  static bool discardIfRequested(const Promise<Nothing>& promise) {
    if (!promise.future().hasDiscard()) {
      return false;
    }
    promise.discard();
    return true;
  }

  std::vector<Promise<Nothing>>* findWaiters(State s) {
    for (auto& [state, promises] : waiters_) {
      if (state == s) {
        return &promises;
      }
    }
    return nullptr;
  }

  std::vector<Promise<Nothing>>& waitersFor(State s) {
    std::vector<Promise<Nothing>>* promises = findWaiters(s);
    return promises != nullptr
               ? *promises
               : waiters_.emplace_back(s, std::vector<Promise<Nothing>>{})
                     .second;
  }

  void notify(State s) {
    std::vector<Promise<Nothing>>* waiting = findWaiters(s);
    if (waiting == nullptr || waiting->empty()) {
      return;
    }
    // Taken out first: a callback run by set() may add waiters again.
    std::vector<Promise<Nothing>> promises;
    promises.swap(*waiting);
    for (Promise<Nothing>& promise : promises) {
      if (!discardIfRequested(promise)) {
        promise.set(Nothing());
      }
    }
  }

  State state_;
  // A few states at most: a flat list beats a hash map, and State needs
  // only ==.
  std::vector<std::pair<State, std::vector<Promise<Nothing>>>> waiters_;
};

}  // namespace process
