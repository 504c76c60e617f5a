#include "runtime/run_queues.hpp"

#include <array>

#include <glog/logging.h>

namespace process::detail {
namespace {

#ifndef NDEBUG
// Queue locks this thread holds: never more than one (see the header).
thread_local int queueLocksHeld = 0;
#endif

// A queue lock held for a scope; in debug builds, checks that it is the
// only one this thread holds.
template <typename Lock>
class QueueGuard {
 public:
  explicit QueueGuard(Lock& lock) : lock_(lock) {
#ifndef NDEBUG
    DCHECK_EQ(queueLocksHeld, 0) << "two run-queue locks held at once";
    ++queueLocksHeld;
#endif
    lock_.lock();
  }
  ~QueueGuard() {
    lock_.unlock();
#ifndef NDEBUG
    --queueLocksHeld;
#endif
  }
  QueueGuard(const QueueGuard&) = delete;
  QueueGuard& operator=(const QueueGuard&) = delete;

 private:
  Lock& lock_;
};

}  // namespace

RunQueues::RunQueues(int workers) {
  for (int i = 0; i < workers; ++i) {
    locals_.push_back(std::make_unique<Local>());
  }
}

ProcessBase* RunQueues::putInSlot(int worker, ProcessBase* process) {
  return locals_[worker]->slot.exchange(process, std::memory_order_acq_rel);
}

void RunQueues::pushLocal(int worker, ProcessBase* process) {
  Local& local = *locals_[worker];
  QueueGuard<SpinLock> guard(local.lock);
  local.queue.push_back(process);
  local.queued.fetch_add(1, std::memory_order_release);
}

void RunQueues::pushGlobal(ProcessBase* process) {
  QueueGuard<std::mutex> guard(globalMutex_);
  global_.push_back(process);
  globalSize_.fetch_add(1, std::memory_order_release);
}

void RunQueues::pushAll(Local& local, ProcessBase* const* processes,
                        size_t count) {
  if (count == 0) {
    return;
  }
  QueueGuard<SpinLock> guard(local.lock);
  local.queue.insert(local.queue.end(), processes, processes + count);
  local.queued.fetch_add(count, std::memory_order_release);
}

ProcessBase* RunQueues::takeGlobal(Local& local, bool& surplus) {
  if (globalSize_.load(std::memory_order_acquire) == 0) {
    return nullptr;
  }
  std::array<ProcessBase*, kGlobalBatch> batch{};
  size_t taken = 0;
  {
    QueueGuard<std::mutex> guard(globalMutex_);
    while (!global_.empty() && taken < kGlobalBatch) {
      batch[taken++] = global_.front();
      global_.pop_front();
    }
    if (taken == 0) {
      return nullptr;
    }
    globalSize_.fetch_sub(taken, std::memory_order_release);
    surplus = taken > 1 || !global_.empty();
  }
  // Taken, and not yet in the local queue: counted in neither, so a worker
  // about to park may miss them; this one is awake and runs the first, and
  // the caller wakes another for the surplus.
  pushAll(local, batch.data() + 1, taken - 1);
  return batch[0];
}

ProcessBase* RunQueues::next(int worker, uint64_t tick, bool& surplus) {
  Local& local = *locals_[worker];
  if (tick % kGlobalEvery == 0) {
    if (ProcessBase* process = takeGlobal(local, surplus)) {
      return process;
    }
  }
  if (ProcessBase* process = local.slot.exchange(nullptr)) {
    return process;
  }
  if (local.queued.load(std::memory_order_acquire) > 0) {
    QueueGuard<SpinLock> guard(local.lock);
    if (!local.queue.empty()) {
      ProcessBase* process = local.queue.front();
      local.queue.pop_front();
      local.queued.fetch_sub(1, std::memory_order_release);
      return process;
    }
  }
  return takeGlobal(local, surplus);
}

ProcessBase* RunQueues::steal(int thief) {
  Local& mine = *locals_[thief];
  for (auto& victim : locals_) {
    if (victim.get() == &mine ||
        victim->queued.load(std::memory_order_acquire) == 0) {
      continue;
    }
    ProcessBase* first = nullptr;
    mine.stolen.clear();
    {
      QueueGuard<SpinLock> guard(victim->lock);
      if (victim->queue.empty()) {
        continue;
      }
      // The older half: run the first, keep the rest.
      const size_t count = (victim->queue.size() + 1) / 2;
      first = victim->queue.front();
      victim->queue.pop_front();
      for (size_t i = 1; i < count; ++i) {
        mine.stolen.push_back(victim->queue.front());
        victim->queue.pop_front();
      }
      victim->queued.fetch_sub(count, std::memory_order_release);
    }
    pushAll(mine, mine.stolen.data(), mine.stolen.size());
    return first;
  }
  return nullptr;
}

bool RunQueues::takeIfWaiting(int worker, ProcessBase* process) {
  Local& local = *locals_[worker];
  ProcessBase* expected = process;
  if (local.slot.compare_exchange_strong(expected, nullptr)) {
    return true;
  }
  if (local.queued.load(std::memory_order_acquire) > 0) {
    QueueGuard<SpinLock> guard(local.lock);
    for (auto it = local.queue.begin(); it != local.queue.end(); ++it) {
      if (*it == process) {
        local.queue.erase(it);
        local.queued.fetch_sub(1, std::memory_order_release);
        return true;
      }
    }
  }
  return false;
}

RunQueues::SlotWaiter RunQueues::waitingInSlot(int except) const {
  for (size_t i = 0; i < locals_.size(); ++i) {
    if (static_cast<int>(i) == except) {
      continue;
    }
    if (ProcessBase* waiting =
            locals_[i]->slot.load(std::memory_order_acquire)) {
      return SlotWaiter{static_cast<int>(i), waiting};
    }
  }
  return SlotWaiter{};
}

bool RunQueues::takeFromSlot(const SlotWaiter& waiter) {
  ProcessBase* expected = waiter.process;
  return locals_[waiter.worker]->slot.compare_exchange_strong(expected,
                                                              nullptr);
}

bool RunQueues::hasQueuedWork() const {
  if (globalSize_.load(std::memory_order_acquire) > 0) {
    return true;
  }
  for (const auto& local : locals_) {
    if (local->queued.load(std::memory_order_acquire) > 0) {
      return true;
    }
  }
  return false;
}

bool RunQueues::hasLocalWork(int worker) const {
  return locals_[worker]->queued.load(std::memory_order_acquire) > 0;
}

}  // namespace process::detail
