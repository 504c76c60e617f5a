// SocketWatch: where a scheduler's idle workers wait, and which of them
// watches the network meanwhile. RunQueues says what runs next; this says
// who sleeps, who wakes, and who blocks in the poller.
//
// A parking worker blocks in Poller::wait() if no other thread has the
// poller: it then watches the sockets for all (kPolling), and new work
// interrupts it. Otherwise it sleeps on its condition variable (kSleeping),
// trusting the poller's holder. Waking a parked thread is the dominant cost
// on small VMs, so a worker is woken only for work that no awake worker
// will get to soon (none spinning).
//
// The watch must survive handlers that block their worker. A worker that
// leaves a blocking wait in the poller to run what it read owes the watch
// (kOwesWatch): before running, it asks a sleeping worker to check on it
// (kWatchCheck). The checker wakes every millisecond (kWatching) until some
// worker has been in one turn for a whole check while nobody blocks in the
// poller (it takes the poller over), or the poller has been watched for
// kWatchQuietRounds checks (it sleeps again). A worker that parks while
// another only polls for a moment (Poller::WaitResult::kHeld) watches
// likewise at once. The same patience (kSlotPatience) bounds how long a
// process may wait in a busy worker's slot: a worker that parks with one
// there wakes after that long (kPatient), and the scheduler takes it.
//
// Every move of a worker's WorkerState goes through move(), which checks it
// against worker_state.hpp's table in debug builds.
#pragma once

#include "runtime/poller.hpp"
#include "runtime/worker_state.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace process::detail {

class RunQueues;

class SocketWatch {
 public:
  // How often a checking worker looks at the others, and how long a process
  // may sit in a busy worker's slot behind one turn before another takes it.
  static constexpr auto kSlotPatience = std::chrono::milliseconds(1);
  // How many checks a checking worker keeps making once the poller is
  // watched again, before it sleeps until woken.
  static constexpr int kWatchQuietRounds = 20;

  // `poller` may be null (no network: parked workers just sleep).
  SocketWatch(int workers, Poller* poller, const RunQueues& queues,
              WorkerStateListener* listener);

  SocketWatch(const SocketWatch&) = delete;
  SocketWatch& operator=(const SocketWatch&) = delete;

  // On `worker`'s thread, around each process it runs: hands the watch on
  // if it owes it, and counts the turn for the stuck-worker check.
  void beginTurn(int worker) {
    Berth& berth = *berths_[worker];
    if (berth.state.load(std::memory_order_relaxed) ==
        WorkerState::kOwesWatch) {
      handOverWatch(worker);
    }
    berth.turns.fetch_add(1, std::memory_order_release);
    berth.running.store(true, std::memory_order_relaxed);
  }
  void endTurn(int worker) {
    berths_[worker]->running.store(false, std::memory_order_relaxed);
  }
  // A process run inside another's turn (Scheduler::runOneInline()).
  void countInlineTurn(int worker) {
    berths_[worker]->turns.fetch_add(1, std::memory_order_release);
  }
  uint64_t turns(int worker) const {
    return berths_[worker]->turns.load(std::memory_order_acquire);
  }

  // Around a worker's spin for work: a spinning worker will find new work,
  // so nobody is woken for it meanwhile.
  void beginSpin() { spinning_.fetch_add(1, std::memory_order_acq_rel); }
  void endSpin() { spinning_.fetch_sub(1, std::memory_order_acq_rel); }

  // On `worker`'s thread, which found nothing to run: parks it until new
  // work or stop() wakes it (or, `patient`, at most kSlotPatience).
  void park(int worker, bool patient);
  // After queuing work: wakes a parked worker if none is spinning.
  void wakeIfNeeded();
  // Wakes every parked worker for good; false if already stopping.
  bool stop();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // On `worker`'s thread, as its loop ends.
  void finish(int worker);

  WorkerState state(int worker) const {
    return berths_[worker]->state.load(std::memory_order_relaxed);
  }

 private:
  // Largest members first: no padding but the alignment's.
  struct alignas(64) Berth {
    std::condition_variable wakeup;
    std::mutex mutex;
    std::vector<uint64_t> seenTurns;  // the others', while watching
    std::atomic<uint64_t> turns{0};   // processes run
    // Moved under `mutex`, but for the worker's own moves out of its awake
    // states; atomic for those (see worker_state.hpp).
    std::atomic<WorkerState> state{WorkerState::kRunning};
    std::atomic<bool> running{false};  // in a process's turn now
  };

  void move(int worker, WorkerState to);
  // Wakes `worker`, under its mutex, if it is parked and not yet woken.
  bool notify(int worker);
  void handOverWatch(int worker);
  // Blocks in the poller (kPolling) with the mutex released, if no other
  // thread has it; the worker leaves in kOwesWatch if it waited, kRunning
  // if it did not, or kNotified if woken meanwhile.
  Poller::WaitResult waitInPoller(int worker,
                                  std::unique_lock<std::mutex>& lock,
                                  bool patient);
  // On the condition variable, from kRunning; true if the worker should
  // take the poller over from a worker stuck in a long turn.
  bool sleep(int worker, std::unique_lock<std::mutex>& lock, bool patient,
             bool watchNow);
  // Checks every kSlotPatience (kWatching); true once someone is stuck.
  bool watch(int worker, std::unique_lock<std::mutex>& lock);
  // While nobody is blocked in the poller: true once some worker has been
  // in one turn since the last call.
  bool someoneStuck(int watcher);
  bool mayPark(int worker) const;

  Poller* const poller_;
  const RunQueues& queues_;
  WorkerStateListener* const listener_;
  std::vector<std::unique_ptr<Berth>> berths_;
  std::atomic<int> spinning_{0};
  std::atomic<int> parked_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace process::detail
