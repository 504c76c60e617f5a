// Suspension: a coroutine suspended on a process, waiting for a future.
// Whoever moves it out of kWaiting owns the coroutine: the future's callback
// (which queues a ResumeEvent on the process) or the process's termination
// (which destroys the coroutine, discarding its future).
#pragma once

#include <atomic>
#include <coroutine>
#include <memory>

namespace process::detail {

struct Suspension {
  static constexpr int kWaiting = 0;
  static constexpr int kResuming = 1;
  static constexpr int kCancelled = 2;

  explicit Suspension(std::coroutine_handle<> handle) : handle(handle) {}

  bool claim(int next) {
    int expected = kWaiting;
    return state.compare_exchange_strong(expected, next,
                                         std::memory_order_acq_rel);
  }

  std::atomic<int> state{kWaiting};
  const std::coroutine_handle<> handle;
};

// Remembers `suspension` on the process running on this thread, so that its
// termination can destroy the coroutine. The caller is on a process.
void suspendOnCurrentProcess(std::shared_ptr<Suspension> suspension);

}  // namespace process::detail
