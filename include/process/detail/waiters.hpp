// The line of futures waiting their turn, for Mutex and Queue: each waiter
// is a promise, served first come first served. A waiter whose future was
// asked to discard gives up its place: skipped when its turn comes, or taken
// out at once by its discard callback. The owner's lock guards every call;
// waiters still in line when it is destroyed are discarded.
#pragma once

#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include <process/future.hpp>

namespace process::detail {

template <typename T>
class WaiterLine {
 public:
  using Waiter = std::shared_ptr<Promise<T>>;

  WaiterLine() = default;
  WaiterLine(const WaiterLine&) = delete;
  WaiterLine& operator=(const WaiterLine&) = delete;
  ~WaiterLine() {
    for (const Waiter& waiter : waiters_) {
      waiter->discard();
    }
  }

  Waiter join() {
    waiters_.push_back(std::make_shared<Promise<T>>());
    return waiters_.back();
  }

  // The first waiter that still wants its turn, or null; those passed over
  // go to `givenUp`, for the caller to discard once it has let go of its
  // lock (their callbacks may call back in).
  Waiter next(std::vector<Waiter>& givenUp) {
    while (!waiters_.empty()) {
      Waiter first = std::move(waiters_.front());
      waiters_.pop_front();
      if (!first->future().hasDiscard()) {
        return first;
      }
      givenUp.push_back(std::move(first));
    }
    return nullptr;
  }

  // True if `waiter` was still in line (it is no longer).
  bool remove(const Waiter& waiter) {
    for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
      if (*it == waiter) {
        waiters_.erase(it);
        return true;
      }
    }
    return false;
  }

 private:
  std::deque<Waiter> waiters_;
};

// Makes a discard of `waiter`'s future take it out of `owner`'s line and
// discard it. Weak both ways: the callback lives in the waiter's own future,
// and the owner may go first. Owner::leave(waiter) takes the owner's lock
// and returns WaiterLine::remove's answer.
template <typename Owner, typename T>
Future<T> leaveLineOnDiscard(const std::shared_ptr<Owner>& owner,
                             const std::shared_ptr<Promise<T>>& waiter) {
  Future<T> future = waiter->future();
  future.onDiscard([weakOwner = std::weak_ptr<Owner>(owner),
                    weakWaiter = std::weak_ptr<Promise<T>>(waiter)] {
    auto owner = weakOwner.lock();
    auto promise = weakWaiter.lock();
    if (owner != nullptr && promise != nullptr && owner->leave(promise)) {
      promise->discard();
    }
  });
  return future;
}

}  // namespace process::detail
