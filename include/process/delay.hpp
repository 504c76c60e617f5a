// delay: dispatch a method to a process once a duration has passed on the
// Clock. Returns the Timer, which Clock::cancel (or Timer::cancel) stops.
//
//   delay(Seconds(5), self(), &Master::timeout, id);
#pragma once

#include <tuple>
#include <type_traits>
#include <utility>

#include <process/clock.hpp>
#include <process/dispatch.hpp>
#include <process/timer.hpp>

namespace process {

template <typename T, typename R, typename... P, typename... A>
requires(sizeof...(P) == sizeof...(A)) Timer
    delay(const Duration& duration, const std::type_identity_t<PID<T>>& pid,
          R (T::*method)(P...), A&&... a) {
  return Clock::timer(duration, [pid = PID<T>(pid), method,
                                 arguments = std::tuple<std::decay_t<P>...>(
                                     std::forward<A>(a)...)]() mutable {
    std::apply(
        [&](auto&... stored) {
          dispatch<T>(pid, method, std::move(stored)...);
        },
        arguments);
  });
}

template <typename T, typename R, typename... P, typename... A>
requires(sizeof...(P) == sizeof...(A)) Timer
    delay(const Duration& duration, const Process<T>& process,
          R (T::*method)(P...), A&&... a) {
  return delay<T>(duration, process.self(), method, std::forward<A>(a)...);
}

// A lambda, run on the process after `duration`.
template <typename F>
requires std::is_invocable_v < std::decay_t<F>
& > Timer delay(const Duration& duration, const UPID& pid, F&& f) {
  return Clock::timer(duration, [pid, f = std::forward<F>(f)]() mutable {
    dispatch(pid, std::move(f));
  });
}

}  // namespace process
