// ReadWriteLock: an asynchronous lock that admits many readers at once or one
// writer. Each lock call returns a future that is READY once the caller holds
// the lock; the matching unlock lets the next waiters in:
//
// clang-format off
//   ReadWriteLock lock;
//   lock.read_lock().then([=]() mutable { read(); lock.read_unlock(); });
//   lock.write_lock().then([=]() mutable { write(); lock.write_unlock(); });
// clang-format on
//
// Waiters are served in FIFO order, by groups: the readers queued together
// enter together, a writer waits for the readers ahead of it to leave. A
// read_lock() waits whenever anyone is queued, even while other readers hold
// the lock, so a writer cannot be starved. Copies share one lock.
//
// Ours (beyond libprocess): a waiter whose future is discarded is DISCARDED
// and skipped (and the waiters behind it move up: readers queued behind a
// discarded writer join the readers holding the lock). An unlock with
// nothing to unlock is logged and ignored (libprocess aborts). Waiters still
// queued when the last copy goes are DISCARDED. Futures complete outside the
// internal lock, so their callbacks may lock again.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <glog/logging.h>

#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process {

class ReadWriteLock {
 public:
  ReadWriteLock() : data_(std::make_shared<Data>()) {}

  Future<Nothing> write_lock() { return lock(true); }

  void write_unlock() {
    Outcome outcome;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      if (!data_->writing) {
        LOG(ERROR) << "ReadWriteLock::write_unlock() without the write lock";
        return;
      }
      data_->writing = false;
      outcome = data_->admit();
    }
    outcome.complete();
  }

  Future<Nothing> read_lock() { return lock(false); }

  void read_unlock() {
    Outcome outcome;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      if (data_->readers == 0) {
        LOG(ERROR) << "ReadWriteLock::read_unlock() without a read lock";
        return;
      }
      --data_->readers;
      outcome = data_->admit();
    }
    outcome.complete();
  }

 private:
  struct Waiter {
    bool write;
    std::shared_ptr<Promise<Nothing>> promise;
  };

  // What to complete once the internal lock is released.
  struct Outcome {
    std::vector<std::shared_ptr<Promise<Nothing>>> admitted;
    std::vector<std::shared_ptr<Promise<Nothing>>> discarded;

    void complete() const {
      for (const auto& promise : discarded) {
        promise->discard();
      }
      for (const auto& promise : admitted) {
        promise->set(Nothing());
      }
    }
  };

  struct Data {
    Data() = default;
    Data(const Data&) = delete;
    Data& operator=(const Data&) = delete;
    ~Data() {
      for (const Waiter& waiter : waiters) {
        waiter.promise->discard();
      }
    }

    // Lets in the waiters at the front that may enter now.
    Outcome admit() {
      Outcome outcome;
      while (!writing && !waiters.empty()) {
        Waiter& first = waiters.front();
        if (first.promise->future().hasDiscard()) {
          outcome.discarded.push_back(std::move(first.promise));
        } else if (!first.write) {
          ++readers;
          outcome.admitted.push_back(std::move(first.promise));
        } else if (readers == 0) {
          writing = true;
          outcome.admitted.push_back(std::move(first.promise));
        } else {
          break;
        }
        waiters.pop_front();
      }
      return outcome;
    }

    std::mutex mutex;
    size_t readers = 0;
    bool writing = false;
    std::deque<Waiter> waiters;
  };

  Future<Nothing> lock(bool write) {
    std::shared_ptr<Promise<Nothing>> waiter;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      if (!data_->writing && data_->waiters.empty()) {
        if (!write) {
          ++data_->readers;
          return Nothing();
        }
        if (data_->readers == 0) {
          data_->writing = true;
          return Nothing();
        }
      }
      waiter = std::make_shared<Promise<Nothing>>();
      data_->waiters.push_back(Waiter{write, waiter});
    }
    Future<Nothing> future = waiter->future();
    future.onDiscard([weakData = std::weak_ptr<Data>(data_),
                      weakWaiter = std::weak_ptr<Promise<Nothing>>(waiter)] {
      auto data = weakData.lock();
      auto promise = weakWaiter.lock();
      if (data == nullptr || promise == nullptr) {
        return;
      }
      Outcome outcome;
      {
        std::lock_guard<std::mutex> guard(data->mutex);
        for (auto it = data->waiters.begin(); it != data->waiters.end(); ++it) {
          if (it->promise == promise) {
            data->waiters.erase(it);
            outcome.discarded.push_back(promise);
            break;
          }
        }
        if (outcome.discarded.empty()) {
          return;  // already admitted (or skipped) by an unlock
        }
        // Readers queued behind a writer that left may join the readers.
        Outcome moved = data->admit();
        outcome.admitted = std::move(moved.admitted);
        outcome.discarded.insert(outcome.discarded.end(),
                                 moved.discarded.begin(),
                                 moved.discarded.end());
      }
      outcome.complete();
    });
    return future;
  }

  std::shared_ptr<Data> data_;
};

}  // namespace process
