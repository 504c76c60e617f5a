#include "runtime/socket_watch.hpp"

#include "runtime/run_queues.hpp"

#include <glog/logging.h>

namespace process::detail {

SocketWatch::SocketWatch(int workers, Poller* poller, const RunQueues& queues,
                         WorkerStateListener* listener)
    : poller_(poller), queues_(queues), listener_(listener) {
  for (int i = 0; i < workers; ++i) {
    berths_.push_back(std::make_unique<Berth>());
    berths_.back()->seenTurns.resize(static_cast<size_t>(workers));
  }
}

void SocketWatch::move(int worker, WorkerState to) {
  Berth& berth = *berths_[worker];
  const WorkerState from = berth.state.load(std::memory_order_relaxed);
  DCHECK(worker_state::allowed(from, to))
      << "worker " << worker << ": " << toString(from) << " -> "
      << toString(to);
  berth.state.store(to, std::memory_order_relaxed);
  if (listener_ != nullptr) {
    listener_->moved(worker, from, to);
  }
}

bool SocketWatch::notify(int worker) {
  Berth& berth = *berths_[worker];
  std::lock_guard<std::mutex> guard(berth.mutex);
  const WorkerState state = berth.state.load(std::memory_order_relaxed);
  if (!isParked(state) || state == WorkerState::kNotified) {
    return false;
  }
  move(worker, WorkerState::kNotified);
  if (state == WorkerState::kPolling) {
    poller_->interrupt();
  } else {
    berth.wakeup.notify_one();
  }
  return true;
}

void SocketWatch::wakeIfNeeded() {
  // Pairs with the increment in park(): both are read-modify-writes of
  // parked_, so one sees the other; either the parking worker sees the new
  // work, or we see it parked.
  if (parked_.fetch_add(0, std::memory_order_seq_cst) == 0 ||
      spinning_.load(std::memory_order_relaxed) != 0) {
    return;
  }
  for (size_t i = 0; i < berths_.size(); ++i) {
    if (notify(static_cast<int>(i))) {
      return;
    }
  }
}

bool SocketWatch::stop() {
  if (stopping_.exchange(true)) {
    return false;
  }
  // A worker parks only after seeing stopping_ false under its mutex, so
  // each is either woken here or sees it set.
  for (size_t i = 0; i < berths_.size(); ++i) {
    notify(static_cast<int>(i));
  }
  return true;
}

void SocketWatch::finish(int worker) {
  move(worker, WorkerState::kStopped);
}

void SocketWatch::handOverWatch(int worker) {
  // The workers parked while this one waited in the poller sleep until
  // woken, trusting it to watch the sockets. What it is about to run may
  // take long: one of them comes back now and then to see whether it is
  // stuck, and if so takes the sockets over. (Waking one to take them at
  // once would cost a spinning thread per hand-over, which a remote
  // ping-pong feels.)
  move(worker, WorkerState::kRunning);
  if (parked_.load(std::memory_order_seq_cst) == 0) {
    return;
  }
  for (size_t i = 0; i < berths_.size(); ++i) {
    if (static_cast<int>(i) == worker) {
      continue;
    }
    Berth& other = *berths_[i];
    std::lock_guard<std::mutex> guard(other.mutex);
    switch (other.state.load(std::memory_order_relaxed)) {
      case WorkerState::kSleeping:
        move(static_cast<int>(i), WorkerState::kWatchCheck);
        other.wakeup.notify_one();
        return;
      case WorkerState::kWatchCheck:
      case WorkerState::kWatching:
      case WorkerState::kPatient:
        return;  // It looks again within kSlotPatience anyway.
      default:
        continue;
    }
  }
}

bool SocketWatch::mayPark(int worker) const {
  return !queues_.hasQueuedWork() && !stopping() &&
         state(worker) != WorkerState::kNotified;
}

void SocketWatch::park(int worker, bool patient) {
  Berth& berth = *berths_[worker];
  std::unique_lock<std::mutex> lock(berth.mutex);
  parked_.fetch_add(1, std::memory_order_seq_cst);
  // Parking settles a debt of the watch: it watches, or checks on it.
  if (state(worker) == WorkerState::kOwesWatch) {
    move(worker, WorkerState::kRunning);
  }
  bool polled = false;
  // Someone watches the sockets (or there are none); else a worker only
  // polls them for a moment, and this one must come back to take them.
  bool watched = true;
  if (poller_ != nullptr && mayPark(worker)) {
    const Poller::WaitResult result = waitInPoller(worker, lock, patient);
    polled = result == Poller::WaitResult::kWaited;
    watched = result != Poller::WaitResult::kHeld;
  }
  if (!polled && mayPark(worker)) {
    if (sleep(worker, lock, patient, poller_ != nullptr && !watched)) {
      polled = waitInPoller(worker, lock, false) == Poller::WaitResult::kWaited;
    }
  }
  if (state(worker) == WorkerState::kNotified) {
    move(worker, polled ? WorkerState::kOwesWatch : WorkerState::kRunning);
  }
  parked_.fetch_sub(1, std::memory_order_seq_cst);
}

Poller::WaitResult SocketWatch::waitInPoller(int worker,
                                             std::unique_lock<std::mutex>& lock,
                                             bool patient) {
  // Read under the berth's mutex, which notify() holds as it interrupts:
  // an interrupt meant for this worker from here on ends its wait, even
  // if the thread it woke is another one.
  const uint64_t seen = poller_->interruptions();
  move(worker, WorkerState::kPolling);
  lock.unlock();
  const Poller::WaitResult result = poller_->wait(
      patient
          ? std::chrono::duration_cast<std::chrono::microseconds>(kSlotPatience)
          : std::chrono::microseconds(0),
      seen);
  lock.lock();
  if (state(worker) == WorkerState::kPolling) {
    move(worker, result == Poller::WaitResult::kWaited ? WorkerState::kOwesWatch
                                                       : WorkerState::kRunning);
  }
  return result;
}

bool SocketWatch::sleep(int worker, std::unique_lock<std::mutex>& lock,
                        bool patient, bool watchNow) {
  Berth& berth = *berths_[worker];
  auto notified = [&] { return state(worker) == WorkerState::kNotified; };
  if (patient) {
    move(worker, WorkerState::kPatient);
    berth.wakeup.wait_for(lock, kSlotPatience, notified);
    if (!notified()) {
      move(worker, WorkerState::kRunning);
    }
    return false;
  }
  move(worker, watchNow ? WorkerState::kWatching : WorkerState::kSleeping);
  for (;;) {
    if (state(worker) == WorkerState::kSleeping) {
      berth.wakeup.wait(
          lock, [&] { return state(worker) != WorkerState::kSleeping; });
      if (notified()) {
        return false;
      }
      move(worker, WorkerState::kWatching);  // from kWatchCheck
    }
    if (watch(worker, lock)) {
      return true;
    }
    if (notified()) {
      return false;
    }
    if (stopping()) {
      move(worker, WorkerState::kRunning);
      return false;
    }
    move(worker, WorkerState::kSleeping);
  }
}

bool SocketWatch::watch(int worker, std::unique_lock<std::mutex>& lock) {
  // Check now and then, without spinning, until a worker is stuck in one
  // turn (take the sockets over), or there is work, or the poller has been
  // watched for a while (sleep until woken: staying a while spares a busy
  // node a wake-up per hand-over).
  Berth& berth = *berths_[worker];
  auto notified = [&] { return state(worker) == WorkerState::kNotified; };
  someoneStuck(worker);  // takes the others' turns
  int quiet = 0;
  while (!notified() && !stopping()) {
    berth.wakeup.wait_for(lock, kSlotPatience, notified);
    if (notified()) {
      return false;
    }
    if (poller_->watched()) {
      someoneStuck(worker);
      if (++quiet == kWatchQuietRounds) {
        return false;
      }
      continue;
    }
    quiet = 0;
    if (someoneStuck(worker)) {
      return true;
    }
  }
  return false;
}

bool SocketWatch::someoneStuck(int watcher) {
  std::vector<uint64_t>& seen = berths_[watcher]->seenTurns;
  bool stuck = false;
  for (size_t i = 0; i < berths_.size(); ++i) {
    if (static_cast<int>(i) == watcher) {
      continue;
    }
    const Berth& other = *berths_[i];
    const uint64_t now = other.turns.load(std::memory_order_acquire);
    if (now == seen[i] && other.running.load(std::memory_order_acquire)) {
      stuck = true;
    }
    seen[i] = now;
  }
  return stuck;
}

}  // namespace process::detail
