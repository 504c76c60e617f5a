// CountDownLatch: a future that becomes READY after `count` decrements,
// from any threads:
//
//   CountDownLatch latch(3);
//   for (auto& peer : peers) {
//     peer.stopped().onAny([&latch] { latch.decrement(); });
//   }
//   latch.triggered().then([] { ... });  // once all three have stopped
//
// Decrements past zero do nothing.
//
// Ours (beyond libprocess): a latch made with a count of 0 is triggered at
// once (libprocess's never triggers). The constructor is explicit.
#pragma once

#include <atomic>
#include <cstddef>

#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process {

class CountDownLatch {
 public:
  explicit CountDownLatch(size_t count = 1) : count_(count) {
    if (count == 0) {
      promise_.set(Nothing());
    }
  }

  CountDownLatch(const CountDownLatch&) = delete;
  CountDownLatch& operator=(const CountDownLatch&) = delete;

  void decrement() {
    size_t current = count_.load(std::memory_order_relaxed);
    while (current > 0) {
      if (count_.compare_exchange_weak(current, current - 1,
                                       std::memory_order_acq_rel)) {
        // Only the decrement that reached zero completes the future.
        if (current == 1) {
          promise_.set(Nothing());
        }
        return;
      }
    }
  }

  Future<Nothing> triggered() const { return promise_.future(); }

 private:
  std::atomic<size_t> count_;
  Promise<Nothing> promise_;
};

}  // namespace process
