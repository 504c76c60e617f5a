// defer: like dispatch, but later. defer(pid, f) returns a callable that,
// when invoked (typically as a future's callback), dispatches f to pid:
//
//   future.onAny(defer(self(), &Master::contended, lambda::_1));
//   future.then(defer(self(), [this](int bytes) { stored += bytes; }));
//
// Placeholders (lambda::_1 …) stand for the arguments the callback receives.
// defer(f) without a pid runs f on one of the library's executor processes
// (ours: never on the calling process; see docs/semantics.md).
#pragma once

#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <process/deferred.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

namespace process {

// QUALIFIER is empty or const: it cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PROCESSION_DEFER_METHOD(QUALIFIER)                                   \
  template <typename T, typename R, typename... P, typename... A>            \
  auto defer(const std::type_identity_t<PID<T>>& pid,                        \
             R (T::*method)(P...) QUALIFIER, A&&... a) {                     \
    using Method = decltype(method);                                         \
    return detail::DeferredCall(                                             \
        std::optional<UPID>(pid),                                            \
        detail::DeferredMethod<T, Method, std::decay_t<A>...>{               \
            method, std::tuple<std::decay_t<A>...>(std::forward<A>(a)...)}); \
  }                                                                          \
  template <typename T, typename R, typename... P, typename... A>            \
  auto defer(const Process<T>& process, R (T::*method)(P...) QUALIFIER,      \
             A&&... a) {                                                     \
    return defer<T>(process.self(), method, std::forward<A>(a)...);          \
  }                                                                          \
  template <typename T, typename R, typename... P, typename... A>            \
  auto defer(const Process<T>* process, R (T::*method)(P...) QUALIFIER,      \
             A&&... a) {                                                     \
    return defer<T>(process->self(), method, std::forward<A>(a)...);         \
  }

PROCESSION_DEFER_METHOD()
PROCESSION_DEFER_METHOD(const)

// NOLINTEND(bugprone-macro-parentheses)
#undef PROCESSION_DEFER_METHOD

template <typename F>
requires(!std::is_member_function_pointer_v<std::decay_t<F>>) auto defer(
    const UPID& pid, F&& f) {
  return detail::DeferredCall(
      std::optional<UPID>(pid),
      detail::DeferredFunction<std::decay_t<F>>{std::forward<F>(f)});
}

template <typename F>
requires(!std::is_member_function_pointer_v<std::decay_t<F>>) auto defer(
    const ProcessBase& process, F&& f) {
  return defer(process.self(), std::forward<F>(f));
}

template <typename F>
requires(!std::is_member_function_pointer_v<std::decay_t<F>>) auto defer(
    const ProcessBase* process, F&& f) {
  return defer(process->self(), std::forward<F>(f));
}

// Runs f, when invoked, on an executor process the library chooses.
template <typename F>
requires(!std::is_base_of_v<UPID, std::decay_t<F>> &&
         !std::is_base_of_v<
             ProcessBase,
             std::remove_pointer_t<std::decay_t<F>>>) auto defer(F&& f) {
  return detail::DeferredCall(
      std::optional<UPID>(),
      detail::DeferredFunction<std::decay_t<F>>{std::forward<F>(f)});
}

}  // namespace process
