// Scheduler: the worker threads of one context and the queues of processes
// ready to run.
//
// Each worker has a LIFO slot and a local queue. A process made runnable by
// the process running on a worker goes into that worker's slot and runs
// right after the current one, on the same thread: a ping-pong between two
// processes never wakes a thread. Processes made runnable from other threads
// go to a global queue. Idle workers steal from the others' local queues,
// spin briefly, then park; waking a parked worker (the dominant cost on
// small VMs) happens only when there is work that no awake worker will get
// to soon. An idle program uses no CPU.
#pragma once

#include "runtime/poller.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <process/detail/spinlock.hpp>

namespace process {
class ProcessBase;
}

namespace process::detail {

class Scheduler {
 public:
  using RunFunction = void (*)(ProcessBase* process);

  // `poller`, if any, is the network the workers poll when idle.
  Scheduler(int workers, RunFunction run, Poller* poller = nullptr);
  ~Scheduler();

  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a process that its caller has just marked scheduled.
  void submit(ProcessBase* process);
  // Queues a process that ran its batch and still has events (on a worker).
  void resubmit(ProcessBase* process);

  // On a worker: if `process` waits for this worker (in its slot or local
  // queue), takes it, to run it inline (then call finishedInline()).
  bool takeIfWaiting(ProcessBase* process);
  void finishedInline() { pending_.fetch_sub(1, std::memory_order_acq_rel); }

  // On a worker that is about to be busy for a while with work it found in
  // the network: wakes a parked worker, if any, to go on polling.
  static void wakeSpareWorker();
  // Stops and joins the workers; queued processes are not run.
  void stop();

  // The scheduler whose worker this thread is, or null.
  static Scheduler* current();
  // On a worker whose process blocks (wait() from a handler): runs one other
  // queued process on this thread, so that a blocked worker still does the
  // work it may be waiting for. False if nothing was queued. The blocked
  // process itself is running, hence never queued: it cannot run twice.
  bool runOneInline();

  // Nothing queued and no worker running anything (for Clock::settle).
  bool idle() const;
  // Whether this thread is one of this scheduler's workers.
  bool onWorker() const;
  int workers() const { return static_cast<int>(workers_.size()); }

 private:
  struct alignas(64) Worker {
    Scheduler* scheduler = nullptr;
    std::thread thread;
    std::atomic<ProcessBase*> slot{nullptr};
    std::atomic<uint64_t> ticks{0};    // processes run, for slot stealing
    std::atomic<bool> running{false};  // in a process's turn now

    SpinLock queueLock;
    std::deque<ProcessBase*> queue;
    std::atomic<size_t> queued{0};

    std::mutex parkMutex;
    std::condition_variable wakeup;
    bool parked = false;
    bool inPoller = false;  // parked in poller_->wait(), not on wakeup
    bool notified = false;
    // Left a blocking wait in the poller, on which parked workers rely to
    // watch the sockets: before running anything, hand the watch on.
    bool owesWatch = false;  // the worker's own thread only
    // Under parkMutex: woken to see whether `watchOwner`, which left the
    // poller to run something, is stuck in it.
    bool watchCheck = false;
    bool watching = false;  // checking now and then, until it is quiet
    std::vector<uint64_t> seenTicks;  // the others', while watching
  };

  void loop(Worker& worker);
  ProcessBase* next(Worker& worker, uint64_t tick);
  ProcessBase* steal(Worker& thief);
  ProcessBase* search(Worker& worker);
  void park(Worker& worker);
  // Parks in the poller, unless another thread has it.
  Poller::WaitResult parkInPoller(Worker& worker,
                                  std::unique_lock<std::mutex>& lock,
                                  bool patient);
  bool hasQueuedWork() const;
  void pushLocal(Worker& worker, ProcessBase* process);
  void wakeIfNeeded();
  void wakeOne();
  void handOverWatch(Worker& worker);
  // Parked on the condition variable; true if this worker should take the
  // poller over from a worker stuck in a long turn.
  bool sleep(Worker& worker, std::unique_lock<std::mutex>& lock, bool patient,
             bool watchNow);
  // While nobody is blocked in the poller: true once some worker has been
  // in one turn for a whole check.
  bool someoneStuck(Worker& watcher);

  RunFunction run_;
  Poller* const poller_;
  std::vector<std::unique_ptr<Worker>> workers_;

  std::mutex globalMutex_;
  std::deque<ProcessBase*> global_;
  std::atomic<size_t> globalSize_{0};

  // Processes submitted and not yet run to the end of their turn: what
  // Clock::settle() waits to see at zero.
  std::atomic<int64_t> pending_{0};
  std::atomic<int> spinning_{0};
  std::atomic<int> parked_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace process::detail
