// Latch: a one-shot gate that threads block on until someone triggers it:
//
//   Latch latch;
//   std::thread worker([&] { work(); latch.trigger(); });
//   CHECK(latch.await(Seconds(5)));  // true: triggered in time
//
// trigger() returns true for the call that opened the gate, false for every
// later one. await() blocks the calling thread in real time (a
// paused Clock does not stop it); never call it from inside a process, whose
// worker it would block.
//
// Ours (beyond libprocess): no hidden process is spawned, terminated or
// waited for: a Latch is a flag and a condition variable. await() with a
// negative duration (libprocess's default, Seconds(-1)) waits forever, as
// does Duration::max().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

#include <process/duration.hpp>

namespace process {

class Latch {
 public:
  Latch() = default;
  virtual ~Latch() = default;

  Latch(const Latch&) = delete;
  Latch& operator=(const Latch&) = delete;

  // Latches are told apart by identity (libprocess compares their pids).
  bool operator==(const Latch& that) const { return this == &that; }
  bool operator<(const Latch& that) const { return this < &that; }

  // True if this call triggered the latch, false if it already was.
  bool trigger() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (triggered_.load(std::memory_order_relaxed)) {
        return false;
      }
      triggered_.store(true, std::memory_order_release);
    }
    condition_.notify_all();
    return true;
  }

  // True if the latch is (or becomes) triggered within `duration`.
  bool await(const Duration& duration = Duration::max()) {
    if (triggered_.load(std::memory_order_acquire)) {
      return true;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    auto isTriggered = [this] {
      return triggered_.load(std::memory_order_relaxed);
    };
    // Beyond centuries the deadline would overflow the clock: wait forever.
    constexpr int64_t kForever = std::numeric_limits<int64_t>::max() / 2;
    if (duration < Duration::zero() || duration.ns() >= kForever) {
      condition_.wait(lock, isTriggered);
      return true;
    }
    return condition_.wait_for(lock, std::chrono::nanoseconds(duration.ns()),
                               isTriggered);
  }

 private:
  std::mutex mutex_;
  std::condition_variable condition_;
  std::atomic<bool> triggered_{false};
};

}  // namespace process
