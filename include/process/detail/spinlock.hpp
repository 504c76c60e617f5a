// SpinLock: guards the few instructions that change a future's state. A
// mutex would cost a system call under contention for sections that last a
// handful of nanoseconds; a waiter here spins briefly, then yields.
#pragma once

#include <atomic>
#include <thread>

namespace process::detail {

class SpinLock {
 public:
  void lock() noexcept {
    for (int attempt = 0;; ++attempt) {
      if (!locked_.exchange(true, std::memory_order_acquire)) {
        return;
      }
      while (locked_.load(std::memory_order_relaxed)) {
        if (++attempt > 64) {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace process::detail
