// RunQueues: where a scheduler keeps the processes that are ready to run,
// and in which order its workers take them. Nothing here sleeps or wakes a
// thread: that is SocketWatch's (who parks, who watches the network).
//
// Each worker has a LIFO slot and a local queue. A process made runnable by
// the process running on a worker goes into that worker's slot and runs
// right after the current one, on the same thread: a ping-pong between two
// processes never wakes a thread. Processes made runnable from other threads
// go to the global queue, which workers take from in batches. An idle worker
// steals the older half of another's local queue. A process in a slot is
// not stolen; only a worker that waited out the slot patience takes it
// (takeFromSlot()).
//
// Lock order: there is none, because no two queue locks (the global mutex,
// the local queues' spin locks) are ever held at once. What moves between
// queues (a batch from the global queue, a stolen half) is taken under the
// source's lock into a buffer, and pushed under the destination's lock
// after the first is released. Debug builds check it: taking a queue lock
// while holding one fails a DCHECK.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include <process/detail/spinlock.hpp>

namespace process {
class ProcessBase;
}

namespace process::detail {

class RunQueues {
 public:
  // How many processes a worker takes from the global queue at once.
  static constexpr size_t kGlobalBatch = 32;
  // Every so many processes a worker looks at the global queue first, so
  // that local work cannot starve it.
  static constexpr uint64_t kGlobalEvery = 61;

  explicit RunQueues(int workers);

  RunQueues(const RunQueues&) = delete;
  RunQueues& operator=(const RunQueues&) = delete;

  // On `worker`'s thread: puts `process` in its slot; returns the process
  // it displaced, which the caller must queue.
  ProcessBase* putInSlot(int worker, ProcessBase* process);
  void pushLocal(int worker, ProcessBase* process);
  void pushGlobal(ProcessBase* process);

  // On `worker`'s thread: the next process for it, or null. `surplus` is
  // set when a batch from the global queue left work for other workers.
  ProcessBase* next(int worker, uint64_t tick, bool& surplus);
  // On `thief`'s thread: the older half of another worker's local queue,
  // of which it returns the first and queues the rest locally.
  ProcessBase* steal(int thief);
  // On `worker`'s thread: takes `process` if it is in its slot or queue.
  bool takeIfWaiting(int worker, ProcessBase* process);

  // A process waiting in the slot of a worker other than `except`.
  struct SlotWaiter {
    int worker = -1;
    ProcessBase* process = nullptr;
  };
  SlotWaiter waitingInSlot(int except) const;
  // Takes `waiter.process` out of its slot, if it is still there.
  bool takeFromSlot(const SlotWaiter& waiter);

  bool hasQueuedWork() const;
  bool hasLocalWork(int worker) const;

 private:
  struct alignas(64) Local {
    std::atomic<ProcessBase*> slot{nullptr};
    SpinLock lock;
    std::deque<ProcessBase*> queue;
    std::atomic<size_t> queued{0};
    std::vector<ProcessBase*> stolen;  // the thief's buffer, between locks
  };

  ProcessBase* takeGlobal(Local& local, bool& surplus);
  void pushAll(Local& local, ProcessBase* const* processes, size_t count);

  std::vector<std::unique_ptr<Local>> locals_;

  std::mutex globalMutex_;
  std::deque<ProcessBase*> global_;
  std::atomic<size_t> globalSize_{0};
};

}  // namespace process::detail
