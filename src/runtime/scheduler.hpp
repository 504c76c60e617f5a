// Scheduler: the worker threads of one context, each a loop that takes the
// next ready process from RunQueues and runs it, spins briefly when there
// is none, then parks through SocketWatch (in the poller, or asleep). An
// idle program uses no CPU.
//
// The two halves are apart: RunQueues decides what runs next (LIFO slot,
// local queue, global queue, stealing), SocketWatch who sleeps, who wakes
// and who watches the network, each worker's place in it being one
// WorkerState (worker_state.hpp lists the moves). The scheduler never looks
// into a ProcessBase: it queues pointers and hands them to its RunFunction.
#pragma once

#include "runtime/poller.hpp"
#include "runtime/run_queues.hpp"
#include "runtime/socket_watch.hpp"
#include "runtime/worker_state.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace process {
class ProcessBase;
}

namespace process::detail {

class Scheduler {
 public:
  using RunFunction = void (*)(ProcessBase* process);

  // `poller`, if any, is the network the workers poll when idle;
  // `listener`, if any, hears of every WorkerState move (for tests).
  Scheduler(int workers, RunFunction run, Poller* poller = nullptr,
            WorkerStateListener* listener = nullptr);
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
  // Whether stop() has begun.
  bool stopping() const { return watch_.stopping(); }

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
  WorkerState state(int worker) const { return watch_.state(worker); }

 private:
  struct Worker {
    Scheduler* scheduler = nullptr;
    int index = 0;
    std::thread thread;
  };

  void loop(Worker& worker);
  ProcessBase* next(Worker& worker, uint64_t tick);
  ProcessBase* search(Worker& worker);
  void park(Worker& worker);
  // The worker this thread is, if it is one of this scheduler's.
  Worker* mine() const;

  // The one per-thread datum: the worker this thread is, if any.
  static thread_local Worker* currentWorker_;

  RunFunction run_;
  Poller* const poller_;
  RunQueues queues_;
  SocketWatch watch_;
  std::vector<std::unique_ptr<Worker>> workers_;

  // Processes submitted and not yet run to the end of their turn: what
  // Clock::settle() waits to see at zero.
  std::atomic<int64_t> pending_{0};
};

}  // namespace process::detail
