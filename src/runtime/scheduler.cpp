#include "runtime/scheduler.hpp"

#include "runtime/poller.hpp"

#include <chrono>

#include <glog/logging.h>

namespace process::detail {
namespace {

thread_local Scheduler* currentScheduler = nullptr;
thread_local void* currentWorker = nullptr;

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
// How often a parked worker looks at a busy worker's slot, and how long a
// process may sit there behind one event before another worker takes it.
constexpr auto kSlotPatience = std::chrono::milliseconds(1);
// How many of those a worker checking on the poller's watch keeps checking
// once the poller is watched again, before it sleeps until woken.
constexpr int kWatchQuietRounds = 20;
// Every so many processes a worker looks at the global queue first, so that
// local work cannot starve it.
constexpr uint64_t kGlobalEvery = 61;
// How many processes a worker takes from the global queue at once.
constexpr size_t kGlobalBatch = 32;

}  // namespace

Scheduler::Scheduler(int workers, RunFunction run, Poller* poller)
    : run_(run), poller_(poller) {
  CHECK_GT(workers, 0);
  for (int i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->scheduler = this;
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
  if (stopping_.exchange(true)) {
    return;
  }
  for (auto& worker : workers_) {
    std::lock_guard<std::mutex> guard(worker->parkMutex);
    worker->notified = true;
    worker->wakeup.notify_one();
    if (worker->inPoller) {
      poller_->interrupt();
    }
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

void Scheduler::wakeSpareWorker() {
  if (currentScheduler != nullptr) {
    currentScheduler->wakeIfNeeded();
  }
}

Scheduler* Scheduler::current() {
  return currentScheduler;
}

bool Scheduler::runOneInline() {
  if (currentScheduler != this) {
    return false;
  }
  Worker& worker = *static_cast<Worker*>(currentWorker);
  ProcessBase* process = next(worker, 1);
  if (process == nullptr) {
    process = steal(worker);
  }
  if (process == nullptr && poller_ != nullptr) {
    // What the waited-for process needs may be on the wire.
    poller_->poll();
    process = next(worker, 1);
  }
  if (process == nullptr) {
    return false;
  }
  worker.ticks.fetch_add(1, std::memory_order_release);
  run_(process);
  pending_.fetch_sub(1, std::memory_order_acq_rel);
  return true;
}

bool Scheduler::onWorker() const {
  return currentScheduler == this;
}

void Scheduler::submit(ProcessBase* process) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  if (currentScheduler == this) {
    auto* worker = static_cast<Worker*>(currentWorker);
    ProcessBase* displaced =
        worker->slot.exchange(process, std::memory_order_acq_rel);
    if (displaced != nullptr) {
      pushLocal(*worker, displaced);
      wakeIfNeeded();
    }
    return;
  }
  {
    std::lock_guard<std::mutex> guard(globalMutex_);
    global_.push_back(process);
    globalSize_.fetch_add(1, std::memory_order_release);
  }
  wakeIfNeeded();
}

void Scheduler::resubmit(ProcessBase* process) {
  if (currentScheduler == this) {
    pending_.fetch_add(1, std::memory_order_relaxed);
    pushLocal(*static_cast<Worker*>(currentWorker), process);
    return;
  }
  submit(process);
}

bool Scheduler::takeIfWaiting(ProcessBase* process) {
  if (currentScheduler != this) {
    return false;
  }
  auto* worker = static_cast<Worker*>(currentWorker);
  ProcessBase* expected = process;
  if (worker->slot.compare_exchange_strong(expected, nullptr)) {
    return true;
  }
  if (worker->queued.load(std::memory_order_acquire) > 0) {
    std::lock_guard<SpinLock> guard(worker->queueLock);
    for (auto it = worker->queue.begin(); it != worker->queue.end(); ++it) {
      if (*it == process) {
        worker->queue.erase(it);
        worker->queued.fetch_sub(1, std::memory_order_release);
        return true;
      }
    }
  }
  return false;
}

void Scheduler::pushLocal(Worker& worker, ProcessBase* process) {
  std::lock_guard<SpinLock> guard(worker.queueLock);
  worker.queue.push_back(process);
  worker.queued.fetch_add(1, std::memory_order_release);
}

void Scheduler::wakeIfNeeded() {
  // Pairs with the increment in park(): both are read-modify-writes of
  // parked_, so one sees the other; either the parking worker sees the new
  // work, or we see it parked.
  if (parked_.fetch_add(0, std::memory_order_seq_cst) > 0 &&
      spinning_.load(std::memory_order_relaxed) == 0) {
    wakeOne();
  }
}

void Scheduler::wakeOne() {
  for (auto& worker : workers_) {
    std::lock_guard<std::mutex> guard(worker->parkMutex);
    if (worker->parked && !worker->notified) {
      worker->notified = true;
      if (worker->inPoller) {
        poller_->interrupt();
      } else {
        worker->wakeup.notify_one();
      }
      return;
    }
  }
}

void Scheduler::handOverWatch(Worker& worker) {
  // The workers parked while this one waited in the poller sleep until
  // woken, trusting it to watch the sockets. What it is about to run may
  // take long: one of them comes back now and then to see whether it is
  // stuck, and if so takes the sockets over. (Waking one to take them at
  // once would cost a spinning thread per hand-over, which a remote
  // ping-pong feels.)
  worker.owesWatch = false;
  if (parked_.load(std::memory_order_seq_cst) == 0) {
    return;
  }
  for (auto& other : workers_) {
    if (other.get() == &worker) {
      continue;
    }
    std::lock_guard<std::mutex> guard(other->parkMutex);
    if (other->parked && !other->inPoller && !other->notified) {
      if (!other->watching && !other->watchCheck) {
        other->watchCheck = true;
        other->wakeup.notify_one();
      }
      return;
    }
  }
}

bool Scheduler::sleep(Worker& worker, std::unique_lock<std::mutex>& lock,
                      bool patient, bool watchNow) {
  if (patient) {
    worker.wakeup.wait_for(lock, kSlotPatience,
                           [&] { return worker.notified; });
    return false;
  }
  bool watch = watchNow;
  for (;;) {
    if (!watch) {
      worker.wakeup.wait(lock,
                         [&] { return worker.notified || worker.watchCheck; });
      if (worker.notified || stopping_.load()) {
        return false;
      }
    }
    watch = false;
    worker.watchCheck = false;
    // Check now and then, without spinning, until a worker is stuck in one
    // turn (take the sockets over), or there is work, or the poller has
    // been watched for a while (sleep until woken: staying a while spares
    // a busy node a wake-up per hand-over).
    worker.watching = true;
    someoneStuck(worker);  // takes the others' ticks
    bool stuck = false;
    int quiet = 0;
    while (!worker.notified && !stopping_.load()) {
      worker.wakeup.wait_for(lock, kSlotPatience,
                             [&] { return worker.notified; });
      if (worker.notified) {
        break;
      }
      if (poller_->watched()) {
        someoneStuck(worker);
        if (++quiet == kWatchQuietRounds) {
          break;
        }
        continue;
      }
      quiet = 0;
      if (someoneStuck(worker)) {
        stuck = true;
        break;
      }
    }
    worker.watching = false;
    if (stuck) {
      return true;
    }
    if (worker.notified || stopping_.load()) {
      return false;
    }
  }
}

bool Scheduler::someoneStuck(Worker& watcher) {
  watcher.seenTicks.resize(workers_.size());
  bool stuck = false;
  for (size_t i = 0; i < workers_.size(); ++i) {
    const Worker& other = *workers_[i];
    if (&other == &watcher) {
      continue;
    }
    const uint64_t now = other.ticks.load(std::memory_order_acquire);
    if (now == watcher.seenTicks[i] &&
        other.running.load(std::memory_order_acquire)) {
      stuck = true;
    }
    watcher.seenTicks[i] = now;
  }
  return stuck;
}

bool Scheduler::hasQueuedWork() const {
  if (globalSize_.load(std::memory_order_acquire) > 0) {
    return true;
  }
  for (const auto& worker : workers_) {
    if (worker->queued.load(std::memory_order_acquire) > 0) {
      return true;
    }
  }
  return false;
}

bool Scheduler::idle() const {
  return pending_.load(std::memory_order_acquire) == 0;
}

ProcessBase* Scheduler::next(Worker& worker, uint64_t tick) {
  auto takeGlobal = [&]() -> ProcessBase* {
    if (globalSize_.load(std::memory_order_acquire) == 0) {
      return nullptr;
    }
    ProcessBase* first = nullptr;
    bool more = false;
    {
      std::lock_guard<std::mutex> guard(globalMutex_);
      if (global_.empty()) {
        return nullptr;
      }
      first = global_.front();
      global_.pop_front();
      size_t taken = 1;
      std::lock_guard<SpinLock> local(worker.queueLock);
      while (!global_.empty() && taken < kGlobalBatch) {
        worker.queue.push_back(global_.front());
        global_.pop_front();
        ++taken;
      }
      worker.queued.fetch_add(taken - 1, std::memory_order_release);
      globalSize_.fetch_sub(taken, std::memory_order_release);
      more = taken > 1 || !global_.empty();
    }
    if (more) {
      wakeIfNeeded();  // There is enough for another worker.
    }
    return first;
  };

  if (tick % kGlobalEvery == 0) {
    if (ProcessBase* process = takeGlobal()) {
      return process;
    }
  }
  if (ProcessBase* process = worker.slot.exchange(nullptr)) {
    return process;
  }
  if (worker.queued.load(std::memory_order_acquire) > 0) {
    std::lock_guard<SpinLock> guard(worker.queueLock);
    if (!worker.queue.empty()) {
      ProcessBase* process = worker.queue.front();
      worker.queue.pop_front();
      worker.queued.fetch_sub(1, std::memory_order_release);
      return process;
    }
  }
  return takeGlobal();
}

ProcessBase* Scheduler::steal(Worker& thief) {
  for (auto& victim : workers_) {
    if (victim.get() == &thief ||
        victim->queued.load(std::memory_order_acquire) == 0) {
      continue;
    }
    std::lock_guard<SpinLock> guard(victim->queueLock);
    if (victim->queue.empty()) {
      continue;
    }
    // Take the older half; run the first, keep the rest.
    const size_t count = (victim->queue.size() + 1) / 2;
    ProcessBase* first = victim->queue.front();
    victim->queue.pop_front();
    if (count > 1) {
      std::lock_guard<SpinLock> mine(thief.queueLock);
      for (size_t i = 1; i < count; ++i) {
        thief.queue.push_back(victim->queue.front());
        victim->queue.pop_front();
      }
      thief.queued.fetch_add(count - 1, std::memory_order_release);
    }
    victim->queued.fetch_sub(count, std::memory_order_release);
    return first;
  }
  return nullptr;
}

ProcessBase* Scheduler::search(Worker& worker) {
  spinning_.fetch_add(1, std::memory_order_acq_rel);
  ProcessBase* found = nullptr;
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int round = 0; found == nullptr && !stopping_.load(); ++round) {
    found = next(worker, 1);
    if (found == nullptr) {
      found = steal(worker);
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
  spinning_.fetch_sub(1, std::memory_order_acq_rel);
  // Work found while spinning may have brought more into the local queue
  // (a batch from the global queue); its wake-up was skipped because this
  // worker counted as spinning, so make it now that it does not.
  if (found != nullptr && worker.queued.load(std::memory_order_acquire) > 0) {
    wakeIfNeeded();
  }
  return found;
}

void Scheduler::park(Worker& worker) {
  // A process waiting in a busy worker's slot: note who, so that if that
  // worker is still in the same run after a while, we take it over.
  Worker* busy = nullptr;
  ProcessBase* waiting = nullptr;
  uint64_t busyTicks = 0;
  for (auto& other : workers_) {
    if (other.get() != &worker) {
      waiting = other->slot.load(std::memory_order_acquire);
      if (waiting != nullptr) {
        busy = other.get();
        busyTicks = busy->ticks.load(std::memory_order_acquire);
        break;
      }
    }
  }

  std::unique_lock<std::mutex> lock(worker.parkMutex);
  parked_.fetch_add(1, std::memory_order_seq_cst);
  bool polled = false;
  // Someone watches the sockets (or there are none); else a worker only
  // polls them for a moment, and this one must come back to take them.
  bool watched = true;
  if (!hasQueuedWork() && !stopping_.load() && !worker.notified &&
      poller_ != nullptr) {
    const Poller::WaitResult result =
        parkInPoller(worker, lock, busy != nullptr);
    polled = result == Poller::WaitResult::kWaited;
    watched = result != Poller::WaitResult::kHeld;
  }
  if (!polled && !hasQueuedWork() && !stopping_.load() && !worker.notified) {
    worker.parked = true;
    const bool takeOver =
        sleep(worker, lock, busy != nullptr, poller_ != nullptr && !watched);
    worker.parked = false;
    if (takeOver) {
      polled = parkInPoller(worker, lock, false) == Poller::WaitResult::kWaited;
    }
  }
  worker.watchCheck = false;
  worker.notified = false;
  parked_.fetch_sub(1, std::memory_order_seq_cst);
  lock.unlock();

  if (polled) {
    worker.owesWatch = true;
  }

  if (busy != nullptr &&
      busy->ticks.load(std::memory_order_acquire) == busyTicks) {
    ProcessBase* expected = waiting;
    if (busy->slot.compare_exchange_strong(expected, nullptr)) {
      pushLocal(worker, waiting);
    }
  }
}

Poller::WaitResult Scheduler::parkInPoller(Worker& worker,
                                           std::unique_lock<std::mutex>& lock,
                                           bool patient) {
  worker.parked = true;
  worker.inPoller = true;
  lock.unlock();
  const Poller::WaitResult waited = poller_->wait(
      patient
          ? std::chrono::duration_cast<std::chrono::microseconds>(kSlotPatience)
          : std::chrono::microseconds(0));
  lock.lock();
  worker.parked = false;
  worker.inPoller = false;
  return waited;
}

void Scheduler::loop(Worker& worker) {
  currentScheduler = this;
  currentWorker = &worker;
  uint64_t tick = 0;
  auto lastPoll = std::chrono::steady_clock::now();
  while (!stopping_.load(std::memory_order_acquire)) {
    ProcessBase* process = next(worker, ++tick);
    if (process == nullptr) {
      process = search(worker);
    }
    if (process == nullptr) {
      park(worker);
      continue;
    }
    if (worker.owesWatch) {
      handOverWatch(worker);
    }
    worker.ticks.fetch_add(1, std::memory_order_release);
    worker.running.store(true, std::memory_order_relaxed);
    run_(process);
    worker.running.store(false, std::memory_order_relaxed);
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
  currentScheduler = nullptr;
  currentWorker = nullptr;
}

}  // namespace process::detail
