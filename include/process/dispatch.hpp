// dispatch: runs a method (or a lambda) on a process, asynchronously, as an
// event in its mailbox, and returns a Future of the result:
//
// clang-format off
//   Future<int> sum = dispatch(pid, &Counter::add, 5);      // int add(int)
//   Future<Bytes> data = dispatch(pid, &Store::read, key);  // Future<Bytes> read(Key)
//   dispatch(pid, &Log::append, entry);                     // void: returns void
//   Future<int> n = dispatch(pid, [] { return 42; });       // a lambda
// clang-format on
//
// The target is a PID<T>, a Process<T>& or a Process<T>*. Arguments are
// copied (or moved) into the event. A method that returns void gives void
// (nothing waits for it); R or Future<R> gives Future<R>.
//
// Ours: if the process does not exist, or terminates before the event runs,
// the future is DISCARDED (libprocess leaves it pending forever).
#pragma once

#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <process/detail/deliver.hpp>
#include <process/detail/event.hpp>
#include <process/future.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

namespace process {
namespace detail {

template <typename R>
struct DispatchResult {
  using type = Future<R>;
};
template <typename R>
struct DispatchResult<Future<R>> {
  using type = Future<R>;
};
template <>
struct DispatchResult<void> {
  using type = void;
};

template <typename F>
using DispatchResultOf =
    typename DispatchResult<std::invoke_result_t<F&, ProcessBase&>>::type;

// Sends f(process) to run on the process `pid` names. `Method` is the type
// of the method f calls, which a filter is shown (void: a lambda).
template <typename Method = void, typename F>
DispatchResultOf<std::decay_t<F>> dispatchTo(const UPID& pid, F&& f) {
  using Function = std::decay_t<F>;
  using R = std::invoke_result_t<Function&, ProcessBase&>;
  if constexpr (std::is_void_v<R>) {
    deliver(pid, new CallEvent<Function, Method>(std::forward<F>(f)));
  } else {
    using X = typename UnwrapFuture<R>::type;
    auto* event = new DispatchEvent<X, Function, Method>(std::forward<F>(f));
    Future<X> future = event->future();
    deliver(pid, event);
    return future;
  }
}

// A method call with its arguments stored (decayed to the parameter types).
template <typename T, typename Method, typename... P>
auto methodCall(Method method, std::tuple<std::decay_t<P>...>&& arguments) {
  return
      [method, arguments = std::move(arguments)](ProcessBase& process) mutable {
        return std::apply(
            [&](auto&... stored) {
              return std::invoke(method, detail::downcast<T>(process),
                                 std::forward<P>(stored)...);
            },
            arguments);
      };
}

}  // namespace detail

// QUALIFIER is empty or const: it cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PROCESSION_DISPATCH_METHOD(QUALIFIER)                                  \
  template <typename T, typename R, typename... P, typename... A>              \
  requires(sizeof...(P) == sizeof...(A)) auto dispatch(                        \
      const std::type_identity_t<PID<T>>& pid, R (T::*method)(P...) QUALIFIER, \
      A&&... a) {                                                              \
    return detail::dispatchTo<decltype(method)>(                               \
        pid,                                                                   \
        detail::methodCall<T, decltype(method), P...>(                         \
            method, std::tuple<std::decay_t<P>...>(std::forward<A>(a)...)));   \
  }                                                                            \
  template <typename T, typename R, typename... P, typename... A>              \
  requires(sizeof...(P) == sizeof...(A)) auto dispatch(                        \
      const Process<T>& process, R (T::*method)(P...) QUALIFIER, A&&... a) {   \
    return dispatch<T>(process.self(), method, std::forward<A>(a)...);         \
  }                                                                            \
  template <typename T, typename R, typename... P, typename... A>              \
  requires(sizeof...(P) == sizeof...(A)) auto dispatch(                        \
      const Process<T>* process, R (T::*method)(P...) QUALIFIER, A&&... a) {   \
    return dispatch<T>(process->self(), method, std::forward<A>(a)...);        \
  }

PROCESSION_DISPATCH_METHOD()
PROCESSION_DISPATCH_METHOD(const)

// NOLINTEND(bugprone-macro-parentheses)
#undef PROCESSION_DISPATCH_METHOD

// A lambda (or any callable taking nothing) run on the process.
template <typename F>
requires std::is_invocable_v < std::decay_t<F>
& > auto dispatch(const UPID& pid, F&& f) {
  return detail::dispatchTo(
      pid, [f = std::forward<F>(f)](ProcessBase&) mutable { return f(); });
}

template <typename F>
requires std::is_invocable_v < std::decay_t<F>
& > auto dispatch(const ProcessBase& process, F&& f) {
  return dispatch(process.self(), std::forward<F>(f));
}

template <typename F>
requires std::is_invocable_v < std::decay_t<F>
& > auto dispatch(const ProcessBase* process, F&& f) {
  return dispatch(process->self(), std::forward<F>(f));
}

}  // namespace process
