// Future's type traits and the forward declarations its combinators share.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include <process/detail/future_data.hpp>
#include <process/nothing.hpp>
#include <process/try.hpp>

namespace process {

template <typename T>
class Future;
template <typename T>
class Promise;

namespace detail {

template <typename R>
struct UnwrapFuture {
  using type = R;
};
template <typename X>
struct UnwrapFuture<Future<X>> {
  using type = X;
};
template <>
struct UnwrapFuture<void> {
  using type = Nothing;
};

template <typename T>
struct IsFuture : std::false_type {};
template <typename X>
struct IsFuture<Future<X>> : std::true_type {};

template <typename T>
struct IsTry : std::false_type {};
template <typename X, typename E>
struct IsTry<Try<X, E>> : std::true_type {};

// Calls f with `arg` if it takes it, otherwise with nothing.
template <typename F, typename Arg>
decltype(auto) invokeMaybeWith(F&& f, Arg&& arg) {
  if constexpr (std::is_invocable_v<F, Arg>) {
    return std::invoke(std::forward<F>(f), std::forward<Arg>(arg));
  } else {
    static_assert(std::is_invocable_v<F>,
                  "the callback takes neither the argument given nor none");
    return std::invoke(std::forward<F>(f));
  }
}

template <typename F, typename Arg>
using InvokeMaybeWithResult =
    decltype(invokeMaybeWith(std::declval<F>(), std::declval<Arg>()));

// Completes `promise` with what `f(arg)` gives: a value, a future to follow,
// or nothing (Nothing). An exception fails it.
template <typename X, typename F, typename Arg>
void completeWith(Promise<X>& promise, F&& f, Arg&& arg);

// For the combinators: a callback that also hears of abandonment, so that
// what it holds is freed when the future it waits on can never complete.
struct FutureAccess {
  // f(FutureEvent, const Future<T>&), on completion or abandonment.
  template <typename T, typename F>
  static void onCompletedOrAbandoned(const Future<T>& future, F&& f) {
    future.addCallback(kCompleted | kAbandoned, std::forward<F>(f));
  }
  // Marks a pending future abandoned, as if its promise were gone, for a
  // combinator that knows its result can never complete.
  template <typename T>
  static void abandon(const Future<T>& future) {
    future.abandon(false);
  }
};

// What `f(arg)` gives, as a Future<X>; an exception becomes a failure.
template <typename X, typename F, typename Arg>
Future<X> futureOf(F&& f, Arg&& arg);

std::string describeException(std::exception_ptr exception);

}  // namespace detail
}  // namespace process
