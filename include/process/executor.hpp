// Executor: a process of its own for code that has none. execute(f) runs f
// there and returns a future of its result; defer(f) makes a callable that,
// when invoked, runs f there. Everything given to one Executor runs one at a
// time, in the order it arrives:
//
// clang-format off
//   Executor executor;
//   Future<int> answer = executor.execute([] { return 42; });
//   reply.onAny(executor.defer([this](const Future<Reply>& r) { tally(r); }));
// clang-format on
//
// execute(f) gives Future<R> for an f returning R (or Future<R>), and
// Future<Nothing> for one returning void. Destroying the Executor
// terminates its process and waits for what is running to finish; stop()
// terminates it without waiting (work may still be running when it returns).
// Work queued but not started when it terminates never runs. Never destroy an
// Executor from work running on it: a process cannot wait for itself (that
// aborts).
//
// Ours: work that will never run (queued at termination, or given after it)
// has its future DISCARDED (libprocess leaves it pending forever); execute()
// takes move-only callables too. libprocess's per-thread `__executor__` is
// not provided: it is what its defer(f) uses, and ours runs defer(f) on the
// library's own executor processes (process/defer.hpp).
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include <process/defer.hpp>
#include <process/deferred.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/id.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

namespace process {

class Executor {
 public:
  Executor() : process_(ID::generate("__executor__")) { spawn(process_); }

  ~Executor() {
    terminate(process_);
    wait(process_);
  }

  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // No work starts after this returns; work already running may still be.
  void stop() { terminate(process_); }

  // A callable (convertible to Deferred<R(Args...)>) that runs f(args...) on
  // this executor's process each time it is invoked.
  template <typename F>
  auto defer(F&& f) {
    return process::defer(process_.self(), std::forward<F>(f));
  }

  template <typename F>
  requires(std::is_invocable_v<std::decay_t<F>&>) auto execute(F&& f) {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    // By value, so that a reference result does not dangle in the future.
    using Result =
        std::conditional_t<std::is_void_v<R>, Nothing, std::remove_cvref_t<R>>;
    return dispatch(process_.self(),
                    [f = std::forward<F>(f)]() mutable -> Result {
                      if constexpr (std::is_void_v<R>) {
                        std::invoke(f);
                        return Nothing();
                      } else {
                        return std::invoke(f);
                      }
                    });
  }

 private:
  ProcessBase process_;
};

}  // namespace process
