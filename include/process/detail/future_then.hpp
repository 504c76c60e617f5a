// Future's callbacks (onReady & co.) and composition (then, recover, after).
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <process/clock.hpp>
#include <process/detail/future_data.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process {

namespace detail {

// A discard request on `result` travels on to `source` (held weakly, so that
// the two do not keep each other alive).
template <typename R, typename T>
void forwardDiscard(const Future<R>& result, const Future<T>& source) {
  result.onDiscard([source = WeakFuture<T>(source)] {
    Option<Future<T>> future = source.get();
    if (future.isSome()) {
      future->discard();
    }
  });
}

// A discard request on `result` travels on to each of `inputs` (a vector or
// set of futures) that still exists.
template <typename R, typename Inputs>
void forwardDiscards(const Future<R>& result, const Inputs& inputs) {
  using T = typename Inputs::value_type::value_type;
  std::vector<WeakFuture<T>> weak;
  weak.reserve(inputs.size());
  for (const Future<T>& input : inputs) {
    weak.emplace_back(input);
  }
  result.onDiscard([weak = std::move(weak)] {
    for (const WeakFuture<T>& input : weak) {
      Option<Future<T>> future = input.get();
      if (future.isSome()) {
        future->discard();
      }
    }
  });
}

}  // namespace detail

template <typename T>
template <typename F>
const Future<T>& Future<T>::onReady(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                if (future.isReady()) {
                  detail::invokeMaybeWith(std::move(f), future.get());
                }
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onFailed(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                if (future.isFailed()) {
                  detail::invokeMaybeWith(std::move(f), future.failure());
                }
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onDiscarded(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                if (future.isDiscarded()) {
                  std::invoke(std::move(f));
                }
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onAny(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                detail::invokeMaybeWith(std::move(f), future);
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onDiscard(F&& f) const {
  addCallback(
      detail::kDiscardRequested,
      [f = std::forward<F>(f)](detail::FutureEvent, const Future&) mutable {
        std::invoke(std::move(f));
      });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onAbandoned(F&& f) const {
  addCallback(
      detail::kAbandoned,
      [f = std::forward<F>(f)](detail::FutureEvent, const Future&) mutable {
        std::invoke(std::move(f));
      });
  return *this;
}

template <typename T>
template <typename F>
auto Future<T>::then(F&& f) const -> Future<typename detail::UnwrapFuture<
    detail::InvokeMaybeWithResult<F, const T&>>::type> {
  using X = typename detail::UnwrapFuture<
      detail::InvokeMaybeWithResult<F, const T&>>::type;

  // Already complete: no promise, no callback node.
  if (!isPending()) {
    if (isReady() && !hasDiscard()) {
      return detail::futureOf<X>(std::forward<F>(f), get());
    }
    if (isFailed()) {
      return Future<X>(Failure(failure()));
    }
    Promise<X> promise;
    promise.discard();
    return promise.future();
  }

  Promise<X> promise;
  Future<X> result = promise.future();
  detail::forwardDiscard(result, *this);
  // When the source is abandoned this node is freed unrun, and with it the
  // promise, which abandons the result.
  addCallback(detail::kCompleted | detail::kAbandoned,
              [promise = std::move(promise), f = std::forward<F>(f)](
                  detail::FutureEvent event, const Future& future) mutable {
                if (event != detail::kCompleted) {
                  return;
                }
                if (future.isFailed()) {
                  promise.fail(future.failure());
                } else if (future.isDiscarded() || future.hasDiscard()) {
                  promise.discard();
                } else {
                  detail::completeWith(promise, std::move(f), future.get());
                }
              });
  return result;
}

template <typename T>
template <typename F>
Future<T> Future<T>::repair(F&& f) const {
  Promise<T> promise;
  Future<T> result = promise.future();
  detail::forwardDiscard(result, *this);
  addCallback(detail::kCompleted | detail::kAbandoned,
              [promise = std::move(promise), f = std::forward<F>(f)](
                  detail::FutureEvent event, const Future& future) mutable {
                if (event != detail::kCompleted) {
                  return;
                }
                if (future.isFailed()) {
                  detail::completeWith(promise, std::move(f), future);
                } else {
                  promise.associate(future);
                }
              });
  return result;
}

template <typename T>
template <typename F>
Future<T> Future<T>::recover(F&& f) const {
  Promise<T> promise;
  Future<T> result = promise.future();
  detail::forwardDiscard(result, *this);
  addCallback(detail::kCompleted | detail::kAbandoned,
              [promise = std::move(promise), f = std::forward<F>(f)](
                  detail::FutureEvent event, const Future& future) mutable {
                if (event == detail::kCompleted && future.isReady()) {
                  promise.associate(future);
                  return;
                }
                // FAILED, DISCARDED or abandoned: let f decide, and let what it
                // returns run undisturbed by the discard that got us here.
                promise.future().clearDiscardRequest();
                detail::completeWith(promise, std::move(f), future);
              });
  return result;
}

template <typename T>
template <typename F>
Future<T> Future<T>::after(const Duration& duration, F&& f) const {
  // Whichever comes first, the timer or the completion, decides.
  struct Race {
    std::atomic<bool> decided{false};
    Promise<T> promise;
    Timer timer;
    bool decide() { return !decided.exchange(true); }
  };
  auto race = std::make_shared<Race>();
  Future<T> result = race->promise.future();
  detail::forwardDiscard(result, *this);
  race->timer = Clock::timer(
      duration, [race, source = *this, f = std::forward<F>(f)]() mutable {
        if (race->decide()) {
          detail::completeWith(race->promise, std::move(f), source);
        }
      });
  onAny([race](const Future& future) {
    if (race->decide()) {
      Clock::cancel(race->timer);
      race->promise.associate(future);
    }
  });
  return result;
}

namespace detail {

template <typename X, typename F, typename Arg>
Future<X> futureOf(F&& f, Arg&& arg) {
  using R = InvokeMaybeWithResult<F, Arg>;
  try {
    if constexpr (std::is_void_v<R>) {
      invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg));
      return Future<X>(Nothing());
    } else if constexpr (IsFuture<R>::value) {
      return invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg));
    } else {
      return Future<X>(
          X(invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg))));
    }
  } catch (...) {
    return Future<X>(Failure(describeException(std::current_exception())));
  }
}

template <typename X, typename F, typename Arg>
void completeWith(Promise<X>& promise, F&& f, Arg&& arg) {
  using R = InvokeMaybeWithResult<F, Arg>;
  try {
    if constexpr (std::is_void_v<R>) {
      invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg));
      promise.set(Nothing());
    } else if constexpr (IsFuture<R>::value) {
      promise.associate(
          invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg)));
    } else {
      promise.set(
          X(invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg))));
    }
  } catch (...) {
    promise.fail(describeException(std::current_exception()));
  }
}

}  // namespace detail
}  // namespace process
