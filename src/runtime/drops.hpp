// What a context dropped, by reason (process/drop_reason.hpp): one counter
// per reason, bumped from any thread without a lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include <process/drop_reason.hpp>

namespace process::detail {

class DropCounts {
 public:
  void count(DropReason reason, uint64_t messages = 1) {
    counts_[static_cast<size_t>(reason)].fetch_add(messages,
                                                   std::memory_order_relaxed);
  }
  uint64_t of(DropReason reason) const {
    return counts_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }
  uint64_t total() const {
    uint64_t sum = 0;
    for (const auto& count : counts_) {
      sum += count.load(std::memory_order_relaxed);
    }
    return sum;
  }

 private:
  std::array<std::atomic<uint64_t>, kDropReasons> counts_{};
};

}  // namespace process::detail
