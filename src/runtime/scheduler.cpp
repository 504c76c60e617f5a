#include "runtime/scheduler.hpp"

#include <chrono>

#include <glog/logging.h>

namespace process::detail {
namespace {

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// How long an idle worker looks for work before it parks. Waking a parked
// thread costs tens of microseconds here; spinning a little less than that
// catches the next message of a busy exchange without paying it.
constexpr auto kSpin = std::chrono::microseconds(50);
// A busy worker looks at the network every so many processes it runs, if
// it has not for a while: often enough for traffic to flow under load,
// rarely enough that a local ping-pong pays nothing for it.
constexpr uint64_t kPollEvery = 64;
constexpr auto kPollInterval = std::chrono::microseconds(100);

}  // namespace

thread_local Scheduler::Worker* Scheduler::currentWorker_ = nullptr;

Scheduler::Scheduler(int workers, RunFunction run, Poller* poller,
                     WorkerStateListener* listener)
    : run_(run),
      poller_(poller),
      queues_(workers),
      watch_(workers, poller, queues_, listener) {
  CHECK_GT(workers, 0);
  for (int i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->scheduler = this;
    workers_.back()->index = i;
  }
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { loop(*w); });
  }
}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::stop() {
  if (!watch_.stop()) {
    return;
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) {
      if (worker->thread.get_id() == std::this_thread::get_id()) {
        worker->thread.detach();  // A worker stopping its own scheduler.
      } else {
        worker->thread.join();
      }
    }
  }
}

Scheduler::Worker* Scheduler::mine() const {
  Worker* worker = currentWorker_;
  return worker != nullptr && worker->scheduler == this ? worker : nullptr;
}

void Scheduler::wakeSpareWorker() {
  if (currentWorker_ != nullptr) {
    currentWorker_->scheduler->watch_.wakeIfNeeded();
  }
}

Scheduler* Scheduler::current() {
  return currentWorker_ != nullptr ? currentWorker_->scheduler : nullptr;
}

bool Scheduler::onWorker() const {
  return mine() != nullptr;
}

bool Scheduler::idle() const {
  return pending_.load(std::memory_order_acquire) == 0;
}

bool Scheduler::runOneInline() {
  Worker* worker = mine();
  if (worker == nullptr) {
    return false;
  }
  ProcessBase* process = next(*worker, 1);
  if (process == nullptr) {
    process = queues_.steal(worker->index);
  }
  if (process == nullptr && poller_ != nullptr) {
    // What the waited-for process needs may be on the wire.
    poller_->poll();
    process = next(*worker, 1);
  }
  if (process == nullptr) {
    return false;
  }
  watch_.countInlineTurn(worker->index);
  run_(process);
  pending_.fetch_sub(1, std::memory_order_acq_rel);
  return true;
}

void Scheduler::submit(ProcessBase* process) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  if (Worker* worker = mine()) {
    if (ProcessBase* displaced = queues_.putInSlot(worker->index, process)) {
      queues_.pushLocal(worker->index, displaced);
      watch_.wakeIfNeeded();
    }
    return;
  }
  queues_.pushGlobal(process);
  watch_.wakeIfNeeded();
}

void Scheduler::resubmit(ProcessBase* process) {
  if (Worker* worker = mine()) {
    pending_.fetch_add(1, std::memory_order_relaxed);
    queues_.pushLocal(worker->index, process);
    return;
  }
  submit(process);
}

bool Scheduler::takeIfWaiting(ProcessBase* process) {
  Worker* worker = mine();
  return worker != nullptr && queues_.takeIfWaiting(worker->index, process);
}

ProcessBase* Scheduler::next(Worker& worker, uint64_t tick) {
  bool surplus = false;
  ProcessBase* process = queues_.next(worker.index, tick, surplus);
  if (surplus) {
    watch_.wakeIfNeeded();  // There is enough for another worker.
  }
  return process;
}

ProcessBase* Scheduler::search(Worker& worker) {
  watch_.beginSpin();
  ProcessBase* found = nullptr;
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int round = 0; found == nullptr && !watch_.stopping(); ++round) {
    found = next(worker, 1);
    if (found == nullptr) {
      found = queues_.steal(worker.index);
    }
    if (found == nullptr && poller_ != nullptr) {
      // Busy-polling: an answer from another node, read here, runs here.
      poller_->poll();
      found = next(worker, 1);
    }
    if (found == nullptr) {
      for (int i = 0; i < 16; ++i) {
        cpuRelax();
      }
      if ((round & 15) == 15 && std::chrono::steady_clock::now() > deadline) {
        break;
      }
    }
  }
  watch_.endSpin();
  // Work found while spinning may have brought more into the local queue
  // (a batch from the global queue, a stolen half); its wake-up was skipped
  // because this worker counted as spinning, so make it now that it does
  // not.
  if (found != nullptr && queues_.hasLocalWork(worker.index)) {
    watch_.wakeIfNeeded();
  }
  return found;
}

void Scheduler::park(Worker& worker) {
  // A process waiting in a busy worker's slot: note who, so that if that
  // worker is still in the same turn after the patience, we take it over.
  const RunQueues::SlotWaiter waiter = queues_.waitingInSlot(worker.index);
  const bool patient = waiter.process != nullptr;
  const uint64_t busyTurns = patient ? watch_.turns(waiter.worker) : 0;
  watch_.park(worker.index, patient);
  if (patient && watch_.turns(waiter.worker) == busyTurns &&
      queues_.takeFromSlot(waiter)) {
    queues_.pushLocal(worker.index, waiter.process);
  }
}

void Scheduler::loop(Worker& worker) {
  currentWorker_ = &worker;
  uint64_t tick = 0;
  auto lastPoll = std::chrono::steady_clock::now();
  while (!watch_.stopping()) {
    ProcessBase* process = next(worker, ++tick);
    if (process == nullptr) {
      process = search(worker);
    }
    if (process == nullptr) {
      park(worker);
      continue;
    }
    watch_.beginTurn(worker.index);
    run_(process);
    watch_.endTurn(worker.index);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
    // Busy workers still read the network, so that it keeps flowing when
    // none is idle.
    if (poller_ != nullptr && tick % kPollEvery == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - lastPoll >= kPollInterval) {
        lastPoll = now;
        poller_->poll();
      }
    }
  }
  watch_.finish(worker.index);
  currentWorker_ = nullptr;
}

}  // namespace process::detail
