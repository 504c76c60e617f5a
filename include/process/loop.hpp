// loop: an asynchronous loop that does not grow the stack. `iterate` gives
// the next item (a T or a Future<T>), `body` looks at it and says whether to
// go on (a ControlFlow<V>, or a Future of one); the loop's Future<V> is what
// the body's Break(v) carries:
//
// clang-format off
//   Future<size_t> total = loop(
//       self(),                                   // each step runs here
//       [=]() { return queue.get(); },            // Future<std::string>
//       [=](const std::string& item) -> ControlFlow<size_t> {
//         if (item.empty()) {
//           return Break(bytes);
//         }
//         bytes += item.size();
//         return Continue();
//       });
// clang-format on
//
// Think of it as `do { flow = body(iterate()); } while (flow is Continue)`,
// written with futures. As long as iterate and body return ready values the
// loop runs them in place, iteration after iteration, in one frame; when one
// returns a pending future the loop waits for it and resumes where it
// completes (with a pid: as an event on that process). A failed or discarded
// future ends the loop the same way.
//
// loop(pid, iterate, body) runs every step on the process `pid` names, so
// iterate and body may use that process's state. loop(None(), …) runs the
// first steps on the caller's thread and later ones wherever the awaited
// future completes. loop(iterate, body) spawns a process of its own for the
// loop (and terminates it when the loop ends), as libprocess does.
//
// Discarding the loop's future stops it: the request goes on to the future
// the loop waits on, and no further step runs once it is seen (the loop's
// future becomes DISCARDED).
//
// Ours (beyond libprocess):
// - If the process `pid` terminates, the loop's future becomes DISCARDED at
//   its next step (libprocess leaves it pending forever). A loop waiting on
//   a future that never completes still waits for it.
// - With a pid, a long run of ready iterations hands the process back every
//   1,024 iterations (it goes on in a new event), so other events, and a
//   terminate, are not held back by a busy loop.
// - A discard request stops even a loop of ready values, before its next
//   iterate (libprocess only passes it to a pending future).
// - An exception thrown by iterate or body fails the loop's future.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include <glog/logging.h>

#include <process/detail/deliver.hpp>
#include <process/detail/event.hpp>
#include <process/future.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

namespace process {

// What a loop's body says: go on (CONTINUE) or stop with a value (BREAK).
// Bodies return the sugar below, Continue() or Break(value), which converts
// to any ControlFlow<T>.
template <typename T>
class ControlFlow {
 public:
  using ValueType = T;

  enum class Statement { CONTINUE, BREAK };

  class Continue {
   public:
    Continue() = default;

    template <typename U>
    operator ControlFlow<U>() const {  // NOLINT(google-explicit-constructor)
      return ControlFlow<U>(ControlFlow<U>::Statement::CONTINUE, None());
    }
  };

  class Break {
   public:
    // A body that only ever breaks may return this type itself.
    using ValueType = T;

    Break(T value)  // NOLINT(google-explicit-constructor)
        : value_(std::move(value)) {}

    template <typename U>
    operator ControlFlow<U>() const& {  // NOLINT(google-explicit-constructor)
      return ControlFlow<U>(ControlFlow<U>::Statement::BREAK,
                            Option<U>(U(value_)));
    }

    template <typename U>
    operator ControlFlow<U>() && {  // NOLINT(google-explicit-constructor)
      return ControlFlow<U>(ControlFlow<U>::Statement::BREAK,
                            Option<U>(U(std::move(value_))));
    }

   private:
    T value_;
  };

  ControlFlow(Statement statement, Option<T> value)
      : statement_(statement), value_(std::move(value)) {}

  Statement statement() const { return statement_; }

  // The value a BREAK carries; aborts with a message on a CONTINUE.
  T& value() & { return checked(); }
  const T& value() const& { return checked(); }
  T&& value() && { return std::move(checked()); }
  const T&& value() const&& { return std::move(checked()); }

 private:
  T& checked() {
    CHECK(value_.isSome()) << "ControlFlow::value() of a CONTINUE";
    return value_.get();
  }
  const T& checked() const {
    CHECK(value_.isSome()) << "ControlFlow::value() of a CONTINUE";
    return value_.get();
  }

  Statement statement_;
  Option<T> value_;
};

// Continue(): converts to the ControlFlow<T> a body returns.
struct Continue {
  Continue() = default;

  template <typename T>
  operator ControlFlow<T>() const {  // NOLINT(google-explicit-constructor)
    return typename ControlFlow<T>::Continue();
  }
};

// Break(value): stops the loop; the loop's future gets `value`.
template <typename T>
typename ControlFlow<std::decay_t<T>>::Break Break(T&& value) {
  return typename ControlFlow<std::decay_t<T>>::Break(std::forward<T>(value));
}

// Break(): stops a loop whose future is a Future<Nothing>.
inline ControlFlow<Nothing>::Break Break() {
  return ControlFlow<Nothing>::Break(Nothing());
}

namespace detail {

// What a step returns, as a future: a value, a future, or nothing.
template <typename X, typename F, typename... Args>
Future<X> loopStep(F& f, Args&&... args) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, Args&&...>>) {
    std::invoke(f, std::forward<Args>(args)...);
    return Nothing();
  } else {
    return Future<X>(std::invoke(f, std::forward<Args>(args)...));
  }
}

template <typename Iterate, typename Body, typename T, typename R>
class Loop : public std::enable_shared_from_this<Loop<Iterate, Body, T, R>> {
 public:
  using Flow = ControlFlow<R>;

  template <typename I, typename B>
  Loop(Option<UPID> pid, I&& iterate, B&& body)
      : pid_(std::move(pid)),
        iterate_(std::forward<I>(iterate)),
        body_(std::forward<B>(body)) {}

  Future<R> start() {
    Future<R> result = promise_.future();
    result.onDiscard([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        self->discardAwaited();
      }
    });
    if (pid_.isSome()) {
      // Even the first step runs on the process, never on the caller.
      schedule([](Loop& self) { self.iterateAndRun(); });
    } else {
      iterateAndRun();
    }
    return result;
  }

 private:
  // Ready iterations one event may run before the loop yields the process.
  static constexpr size_t kIterationsPerEvent = 1024;

  // Runs `step(*this)` as an event on the process; if the process is gone,
  // the loop ends DISCARDED.
  template <typename Step>
  void schedule(Step step) {
    auto self = this->shared_from_this();
    auto run = [self, step](ProcessBase&) mutable { step(*self); };
    auto drop = [self] { self->promise_.discard(); };
    deliver(pid_.get(), new CallOrDropEvent<decltype(run), decltype(drop)>(
                            std::move(run), std::move(drop)));
  }

  void iterateAndRun() {
    Future<T> next;
    if (call(next, iterate_)) {
      run(std::move(next));
    }
  }

  // f() into `out`; false (and the loop failed) if it threw.
  template <typename X, typename F, typename... Args>
  bool call(Future<X>& out, F& f, Args&&... args) {
    try {
      out = loopStep<X>(f, std::forward<Args>(args)...);
      return true;
    } catch (...) {
      promise_.fail(describeException(std::current_exception()));
      return false;
    }
  }

  // Iterates in place while the futures are ready; waits on the first one
  // that is not.
  void run(Future<T> next) {
    setAwaited(nullptr);
    for (size_t iterations = 1;; ++iterations) {
      if (!next.isReady()) {
        // A discard request goes on to it (and it may still complete).
        await(next, [](Loop& self, const Future<T>& item) { self.run(item); });
        return;
      }
      Future<Flow> flow;
      if (!call(flow, body_, next.get())) {
        return;
      }
      if (!flow.isReady()) {
        await(flow, [](Loop& self, const Future<Flow>& ready) {
          self.proceed(ready.get());
        });
        return;
      }
      if (flow.get().statement() == Flow::Statement::BREAK) {
        promise_.set(flow.get().value());
        return;
      }
      // A loop of ready values would never see the request otherwise.
      if (promise_.future().hasDiscard()) {
        promise_.discard();
        return;
      }
      if (pid_.isSome() && iterations >= kIterationsPerEvent) {
        schedule([](Loop& self) { self.iterateAndRun(); });
        return;
      }
      if (!call(next, iterate_)) {
        return;
      }
    }
  }

  void proceed(const Flow& flow) {
    if (flow.statement() == Flow::Statement::BREAK) {
      promise_.set(flow.value());
    } else {
      iterateAndRun();
    }
  }

  // Resumes with onReady(*this, future) once `future` is READY (on the
  // process, with a pid); a failure or discard ends the loop likewise.
  template <typename X, typename OnReady>
  void await(const Future<X>& future, OnReady onReady) {
    // Published before the callback is registered: that callback may run at
    // once and move the loop on to a newer future.
    setAwaited([weak = WeakFuture<X>(future)] {
      Option<Future<X>> awaited = weak.get();
      if (awaited.isSome()) {
        awaited->discard();
      }
    });
    // A discard requested before the line above found the old future (or
    // none): pass it on ourselves.
    if (promise_.future().hasDiscard()) {
      future.discard();
    }
    auto self = this->shared_from_this();
    future.onAny([self, onReady](const Future<X>& completed) {
      if (completed.isFailed()) {
        self->promise_.fail(completed.failure());
      } else if (completed.isDiscarded()) {
        self->promise_.discard();
      } else if (self->pid_.isNone()) {
        onReady(*self, completed);
      } else {
        self->schedule(
            [onReady, completed](Loop& state) { onReady(state, completed); });
      }
    });
  }

  void setAwaited(std::function<void()> discard) {
    std::lock_guard<std::mutex> guard(mutex_);
    discardAwaited_ = std::move(discard);
  }

  void discardAwaited() {
    std::function<void()> discard;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      discard = discardAwaited_;
    }
    // Outside the lock: discarding may complete the future, whose callback
    // moves the loop on and sets a new one.
    if (discard) {
      discard();
    }
  }

  const Option<UPID> pid_;
  Iterate iterate_;
  Body body_;
  Promise<R> promise_;

  std::mutex mutex_;
  // Requests a discard of the future the loop waits on (none while it runs).
  std::function<void()> discardAwaited_;
};

template <typename F>
using LoopResult = std::invoke_result_t<std::decay_t<F>&>;

}  // namespace detail

template <typename Iterate, typename Body,
          typename T =
              typename detail::UnwrapFuture<detail::LoopResult<Iterate>>::type,
          typename CF = typename detail::UnwrapFuture<
              std::invoke_result_t<std::decay_t<Body>&, const T&>>::type,
          typename V = typename CF::ValueType>
Future<V> loop(const Option<UPID>& pid, Iterate&& iterate, Body&& body) {
  using Loop = detail::Loop<std::decay_t<Iterate>, std::decay_t<Body>, T, V>;
  auto state = std::make_shared<Loop>(pid, std::forward<Iterate>(iterate),
                                      std::forward<Body>(body));
  return state->start();
}

template <typename Iterate, typename Body,
          typename T =
              typename detail::UnwrapFuture<detail::LoopResult<Iterate>>::type,
          typename CF = typename detail::UnwrapFuture<
              std::invoke_result_t<std::decay_t<Body>&, const T&>>::type,
          typename V = typename CF::ValueType>
Future<V> loop(Iterate&& iterate, Body&& body) {
  UPID process = spawn(new ProcessBase(), true);
  auto stop = [process] { terminate(process); };
  Future<V> result = loop<Iterate, Body, T, CF, V>(
      process, std::forward<Iterate>(iterate), std::forward<Body>(body));
  // Abandoned too: the loop's state went with a future that can never
  // complete, and the process must not outlive it.
  result.onAny(stop).onAbandoned(stop);
  return result;
}

}  // namespace process
