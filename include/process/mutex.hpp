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

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <process/detail/waiters.hpp>
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
      waiter = data_->waiters.join();
    }
    return detail::leaveLineOnDiscard(data_, waiter);
  }

  // Unlocking a free mutex does nothing.
  void unlock() {
    std::shared_ptr<Promise<Nothing>> next;
    std::vector<std::shared_ptr<Promise<Nothing>>> givenUp;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      next = data_->waiters.next(givenUp);
      // Handed over, the mutex stays locked: nobody can slip in between.
      data_->locked = next != nullptr;
    }
    for (const auto& promise : givenUp) {
      promise->discard();
    }
    if (next != nullptr) {
      next->set(Nothing());
    }
  }

 private:
  struct Data {
    bool leave(const std::shared_ptr<Promise<Nothing>>& waiter) {
      std::lock_guard<std::mutex> guard(mutex);
      return waiters.remove(waiter);
    }

    std::mutex mutex;
    bool locked = false;
    detail::WaiterLine<Nothing> waiters;
  };

  std::shared_ptr<Data> data_;
};

}  // namespace process
