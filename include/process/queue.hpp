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
#include <vector>

#include <process/detail/waiters.hpp>
#include <process/future.hpp>

namespace process {

template <typename T>
class Queue {
 public:
  Queue() : data_(std::make_shared<Data>()) {}

  void put(const T& element) { put(T(element)); }

  void put(T&& element) {
    std::shared_ptr<Promise<T>> waiter;
    std::vector<std::shared_ptr<Promise<T>>> givenUp;
    {
      std::lock_guard<std::mutex> guard(data_->mutex);
      waiter = data_->waiters.next(givenUp);
      if (waiter == nullptr) {
        data_->elements.push_back(std::move(element));
      }
    }
    for (const auto& promise : givenUp) {
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
      waiter = data_->waiters.join();
    }
    return detail::leaveLineOnDiscard(data_, waiter);
  }

  // How many elements wait to be taken.
  size_t size() const {
    std::lock_guard<std::mutex> guard(data_->mutex);
    return data_->elements.size();
  }

 private:
  struct Data {
    bool leave(const std::shared_ptr<Promise<T>>& waiter) {
      std::lock_guard<std::mutex> guard(mutex);
      return waiters.remove(waiter);
    }

    mutable std::mutex mutex;
    std::deque<T> elements;
    detail::WaiterLine<T> waiters;
  };

  std::shared_ptr<Data> data_;
};

}  // namespace process
