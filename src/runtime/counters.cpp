#include "runtime/counters.hpp"

#include "runtime/scheduler.hpp"

namespace process::detail {

thread_local TurnCounts turnCounts;
thread_local const RuntimeCounters* RuntimeCounters::cachedOwner = nullptr;
thread_local RuntimeCounters::Block* RuntimeCounters::cachedBlock = nullptr;

void RuntimeCounters::addSlow(Kind kind, uint64_t n) {
  if (n == 0) {
    return;
  }
  const Scheduler* scheduler = scheduler_.load(std::memory_order_acquire);
  // Only a worker caches its block: it lives no longer than its context,
  // so its cache never outlives the counters it points into.
  if (scheduler != nullptr && Scheduler::current() == scheduler &&
      cachedOwner == nullptr) {
    std::lock_guard<std::mutex> guard(mutex_);
    blocks_.push_back(std::make_unique<Block>());
    cachedBlock = blocks_.back().get();
    cachedOwner = this;
    cachedBlock->counts[kind].store(n, std::memory_order_relaxed);
    return;
  }
  shared_.counts[kind].fetch_add(n, std::memory_order_relaxed);
}

uint64_t RuntimeCounters::total(Kind kind) const {
  uint64_t sum = shared_.counts[kind].load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> guard(mutex_);
  for (const auto& block : blocks_) {
    sum += block->counts[kind].load(std::memory_order_relaxed);
  }
  return sum;
}

}  // namespace process::detail
