// Mutex: an asynchronous lock. lock() returns a future that is READY once
// the caller holds the mutex (at once if it is free); unlock() hands it to
// the next waiter in FIFO order:
//
//   Mutex mutex;
//   mutex.lock().then(defer(self(), [=]() {
//     write();          // only one holder at a time gets here
//     mutex.unlock();
//   }));
//
// Copies share one mutex (the state is reference-counted), so a copy may be
// captured in callbacks. Any thread may lock and unlock; nobody owns the
// mutex but whoever holds a READY lock() future, and that holder must call
// unlock() exactly once.
//
// Ours (beyond libprocess): a waiter whose lock() future is discarded is
// DISCARDED and skipped, so it can never be handed the mutex (libprocess
// still hands it over, and the mutex stays locked for good). A discard that
// loses the race with unlock() leaves the future READY: the mutex is then
// yours. Waiters still queued when the last copy goes are DISCARDED
// (libprocess abandons them). Futures complete outside the mutex's internal
// lock, so their callbacks may lock again.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <utility>

#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process {

class Mutex {
 public:
  Mutex() : data_(std::make_shared<Data>()) {}

  Future<Nothing> lock() {
    std::shared_ptr<Promise<Nothing>> waiter;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      if (!data_->locked) {
        data_->locked = true;
        return Nothing();
      }
      waiter = std::make_shared<Promise<Nothing>>();
      data_->waiters.push_back(waiter);
    }
    Future<Nothing> future = waiter->future();
    future.onDiscard([weakData = std::weak_ptr<Data>(data_),
                      weakWaiter = std::weak_ptr<Promise<Nothing>>(waiter)] {
      auto data = weakData.lock();
      auto promise = weakWaiter.lock();
      if (data != nullptr && promise != nullptr && data->remove(promise)) {
        promise->discard();
      }
    });
    return future;
  }

  // Unlocking a free mutex does nothing.
  void unlock() {
    std::shared_ptr<Promise<Nothing>> next;
    std::deque<std::shared_ptr<Promise<Nothing>>> discarded;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      while (!data_->waiters.empty()) {
        std::shared_ptr<Promise<Nothing>> first =
            std::move(data_->waiters.front());
        data_->waiters.pop_front();
        if (first->future().hasDiscard()) {
          discarded.push_back(std::move(first));
        } else {
          next = std::move(first);
          break;
        }
      }
      // Handed over, the mutex stays locked: nobody can slip in between.
      data_->locked = next != nullptr;
    }
    for (const auto& promise : discarded) {
      promise->discard();
    }
    if (next != nullptr) {
      next->set(Nothing());
    }
  }

 private:
  struct Data {
    Data() = default;
    Data(const Data&) = delete;
    Data& operator=(const Data&) = delete;
    ~Data() {
      for (const auto& waiter : waiters) {
        waiter->discard();
      }
    }

    // True if `waiter` was still waiting (it is no longer).
    bool remove(const std::shared_ptr<Promise<Nothing>>& waiter) {
      std::lock_guard<std::mutex> guard(mutex);
      for (auto it = waiters.begin(); it != waiters.end(); ++it) {
        if (*it == waiter) {
          waiters.erase(it);
          return true;
        }
      }
      return false;
    }

    std::mutex mutex;
    bool locked = false;
    std::deque<std::shared_ptr<Promise<Nothing>>> waiters;
  };

  std::shared_ptr<Data> data_;
};

}  // namespace process
