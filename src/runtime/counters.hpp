// RuntimeCounters: what a context counts on its hot paths (events run,
// messages sent and received), for the built-in metrics (src/metrics).
//
// A shared counter bumped by every worker for every event would put one
// contended cache line on the hottest path. So each worker of the context
// counts in a block of its own, cache-line aligned, with a plain load and
// store (it is the block's only writer); a read sums the blocks. Threads
// that are not the context's workers (main, the clock's thread, a worker
// of another context) count in one shared block with a relaxed fetch_add:
// they are rare, and they would otherwise need a block each.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace process::detail {

class Scheduler;

// What the process running on this thread sent and received during the
// current batch: plain integers, handed to RuntimeCounters::addBatch when
// the batch ends (runtime/process.cpp), so a message costs no look-up.
struct TurnCounts {
  uint64_t sent = 0;
  uint64_t received = 0;
};
extern thread_local TurnCounts turnCounts;

class RuntimeCounters {
 public:
  enum Kind : size_t { kEventsRun, kMessagesSent, kMessagesReceived, kKinds };

  // The scheduler whose workers get blocks of their own; before it is set
  // every thread counts in the shared block.
  void bind(const Scheduler* scheduler) {
    scheduler_.store(scheduler, std::memory_order_release);
  }

  // Any thread, lock-free; a worker's first count takes a lock once.
  void add(Kind kind, uint64_t n = 1) {
    if (Block* mine = cachedBlockFor(this)) {
      bump(mine->counts[kind], n);
      return;
    }
    addSlow(kind, n);
  }

  // The end of a batch on a worker: its events, and the messages its
  // processes sent and received (counted in TurnCounts meanwhile), with one
  // look-up of this thread's block.
  void addBatch(uint64_t events, uint64_t sent, uint64_t received) {
    if (Block* mine = cachedBlockFor(this)) {
      bump(mine->counts[kEventsRun], events);
      bump(mine->counts[kMessagesSent], sent);
      bump(mine->counts[kMessagesReceived], received);
      return;
    }
    addSlow(kEventsRun, events);
    addSlow(kMessagesSent, sent);
    addSlow(kMessagesReceived, received);
  }

  // Any thread: the sum over every block (a moment's counts may be missed).
  uint64_t total(Kind kind) const;

 private:
  struct alignas(64) Block {
    std::array<std::atomic<uint64_t>, kKinds> counts{};
  };

  // The block's only writer adds without a read-modify-write.
  static void bump(std::atomic<uint64_t>& count, uint64_t n) {
    count.store(count.load(std::memory_order_relaxed) + n,
                std::memory_order_relaxed);
  }

  // The block this thread cached for `owner`, if it is one of its workers.
  static Block* cachedBlockFor(const RuntimeCounters* owner) {
    return cachedOwner == owner ? cachedBlock : nullptr;
  }
  void addSlow(Kind kind, uint64_t n);

  // The one per-thread cache: a worker counts only for its own context.
  static thread_local const RuntimeCounters* cachedOwner;
  static thread_local Block* cachedBlock;

  std::atomic<const Scheduler*> scheduler_{nullptr};
  mutable std::mutex mutex_;  // guards blocks_ (not the counts)
  std::vector<std::unique_ptr<Block>> blocks_;
  Block shared_;
};

}  // namespace process::detail
