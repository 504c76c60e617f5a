// Queue<T>: an asynchronous queue. get() returns a future of the next
// element, ready at once if one is queued, otherwise completed by the put()
// that brings it; elements and waiting gets are served in FIFO order:
//
//   Queue<std::string> queue;
//   Future<std::string> next = queue.get();  // pending
//   queue.put("hello");                      // next is READY with "hello"
//
// Copies share one queue (the state is reference-counted), so a producer and
// a consumer may each hold one. Any thread may put and get. A get whose
// future is discarded is DISCARDED and takes no element.
//
// Ours (beyond libprocess): futures complete outside the queue's lock, so
// their callbacks may use the queue; put(T&&) moves; gets still waiting when
// the last copy of the queue goes are DISCARDED (libprocess abandons them).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>

#include <process/future.hpp>

namespace process {

template <typename T>
class Queue {
 public:
  Queue() : data_(std::make_shared<Data>()) {}

  void put(const T& element) { put(T(element)); }

  void put(T&& element) {
    std::shared_ptr<Promise<T>> waiter;
    std::deque<std::shared_ptr<Promise<T>>> discarded;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      while (!data_->waiters.empty()) {
        std::shared_ptr<Promise<T>> first = std::move(data_->waiters.front());
        data_->waiters.pop_front();
        // Its discard handler may be about to run; it will find nothing.
        if (first->future().hasDiscard()) {
          discarded.push_back(std::move(first));
        } else {
          waiter = std::move(first);
          break;
        }
      }
      if (waiter == nullptr) {
        data_->elements.push_back(std::move(element));
      }
    }
    for (const auto& promise : discarded) {
      promise->discard();
    }
    if (waiter != nullptr) {
      // Only moved from above when there was no waiter.
      waiter->set(std::move(element));  // NOLINT(bugprone-use-after-move)
    }
  }

  Future<T> get() {
    std::shared_ptr<Promise<T>> waiter;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      if (!data_->elements.empty()) {
        Future<T> ready(std::move(data_->elements.front()));
        data_->elements.pop_front();
        return ready;
      }
      waiter = std::make_shared<Promise<T>>();
      data_->waiters.push_back(waiter);
    }
    Future<T> future = waiter->future();
    // Weak both ways: the handler lives in the waiter's own future, and the
    // queue may go first.
    future.onDiscard([weakData = std::weak_ptr<Data>(data_),
                      weakWaiter = std::weak_ptr<Promise<T>>(waiter)] {
      auto data = weakData.lock();
      auto promise = weakWaiter.lock();
      if (data == nullptr || promise == nullptr) {
        return;
      }
      if (data->remove(promise)) {
        promise->discard();
      }
    });
    return future;
  }

  // How many elements wait to be taken.
  size_t size() const {
    std::lock_guard<std::mutex> guard(data_->mutex);
    return data_->elements.size();
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
    bool remove(const std::shared_ptr<Promise<T>>& waiter) {
      std::lock_guard<std::mutex> guard(mutex);
      for (auto it = waiters.begin(); it != waiters.end(); ++it) {
        if (*it == waiter) {
          waiters.erase(it);
          return true;
        }
      }
      return false;
    }

    mutable std::mutex mutex;
    std::deque<T> elements;
    std::deque<std::shared_ptr<Promise<T>>> waiters;
  };

  std::shared_ptr<Data> data_;
};

}  // namespace process
