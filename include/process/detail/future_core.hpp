// Future/Promise members that complete, discard, abandon and await the state.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <glog/logging.h>

#include <process/detail/future_data.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>

namespace process {

template <typename T>
Future<T>::Future() : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->abandoned.store(true, std::memory_order_relaxed);
}

template <typename T>
Future<T>::Future(const T& value)
    : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->value.emplace(value);
  data_->state.store(detail::FutureState::kReady, std::memory_order_release);
}

template <typename T>
Future<T>::Future(T&& value)
    : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->value.emplace(std::move(value));
  data_->state.store(detail::FutureState::kReady, std::memory_order_release);
}

template <typename T>
Future<T>::Future(const Failure& failure)
    : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->failure = std::make_unique<std::string>(failure.message);
  data_->state.store(detail::FutureState::kFailed, std::memory_order_release);
}

template <typename T>
template <typename E>
Future<T>::Future(const Try<T, E>& t)
    : Future(t.isSome() ? Future(t.get()) : Future(Failure(t.error()))) {}

template <typename T>
template <typename E>
Future<T>::Future(const Try<Future<T>, E>& t)
    : Future(t.isSome() ? t.get() : Future(Failure(t.error()))) {}

template <typename T>
const T& Future<T>::get() const& {
  if (isPending()) {
    CHECK(!isAbandoned()) << "Future::get() of an abandoned future";
    await();
    CHECK(!isPending()) << "Future::get() of a future abandoned while waiting";
  }
  CHECK(!isFailed()) << "Future::get() of a FAILED future: " << failure();
  CHECK(!isDiscarded()) << "Future::get() of a DISCARDED future";
  return *data_->value;
}

template <typename T>
const std::string& Future<T>::failure() const {
  CHECK(isFailed()) << "Future::failure() of a future that is not FAILED";
  return *data_->failure;
}

template <typename T>
bool Future<T>::discard() const {
  detail::CallbackList<T> requested;
  {
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    if (state() != detail::FutureState::kPending ||
        data_->discardRequested.load(std::memory_order_relaxed)) {
      return false;
    }
    data_->discardRequested.store(true, std::memory_order_release);
    requested = data_->callbacks.extract(detail::kDiscardRequested);
  }
  requested.runAndClear(detail::kDiscardRequested, *this);
  return true;
}

template <typename T>
void Future<T>::abandon(bool propagating) const {
  detail::CallbackList<T> listeners;
  {
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    if (state() != detail::FutureState::kPending ||
        data_->abandoned.load(std::memory_order_relaxed) ||
        (data_->associated && !propagating)) {
      return;
    }
    data_->abandoned.store(true, std::memory_order_release);
    listeners = data_->callbacks.extract(detail::kAbandoned);
  }
  listeners.runAndClear(detail::kAbandoned, *this);
}

template <typename T>
template <typename Setter>
bool Future<T>::complete(detail::FutureState target, bool viaAssociation,
                         Setter&& setter) const {
  detail::CallbackList<T> listeners;
  {
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    if (state() != detail::FutureState::kPending ||
        (data_->associated && !viaAssociation)) {
      return false;
    }
    setter(*data_);
    data_->state.store(target, std::memory_order_release);
    listeners = std::move(data_->callbacks);
  }
  listeners.runAndClear(detail::kCompleted, *this);
  return true;
}

template <typename T>
bool Future<T>::setValue(std::optional<T>&& value, bool viaAssociation) const {
  return complete(
      detail::FutureState::kReady, viaAssociation,
      [&](detail::FutureData<T>& data) { data.value = std::move(value); });
}

template <typename T>
bool Future<T>::setFailure(const std::string& message,
                           bool viaAssociation) const {
  auto failure = std::make_unique<std::string>(message);
  return complete(
      detail::FutureState::kFailed, viaAssociation,
      [&](detail::FutureData<T>& data) { data.failure = std::move(failure); });
}

template <typename T>
bool Future<T>::setDiscarded(bool viaAssociation) const {
  return complete(detail::FutureState::kDiscarded, viaAssociation,
                  [](detail::FutureData<T>&) {});
}

template <typename T>
void Future<T>::follow(const Future& other) const {
  if (other.isReady()) {
    setValue(std::optional<T>(other.get()), true);
  } else if (other.isFailed()) {
    setFailure(other.failure(), true);
  } else if (other.isDiscarded()) {
    setDiscarded(true);
  }
}

template <typename T>
template <typename F>
void Future<T>::addCallback(uint8_t events, F&& f) const {
  using Node = detail::CallbackNodeFor<T, std::decay_t<F>>;
  if (!isPending()) {
    if ((events & detail::kCompleted) != 0) {
      detail::CallbackList<T> once;
      once.append(new Node(events, std::forward<F>(f)));
      once.runAndClear(detail::kCompleted, *this);
    }
    return;
  }
  auto* node = new Node(events, std::forward<F>(f));
  detail::FutureEvent immediate;
  {
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    if (state() != detail::FutureState::kPending) {
      immediate = detail::kCompleted;
    } else if ((events & detail::kDiscardRequested) != 0 &&
               data_->discardRequested.load(std::memory_order_relaxed)) {
      immediate = detail::kDiscardRequested;
    } else if ((events & detail::kAbandoned) != 0 &&
               data_->abandoned.load(std::memory_order_relaxed)) {
      immediate = detail::kAbandoned;
    } else {
      data_->callbacks.append(node);
      return;
    }
  }
  // Already happened: run it here (or just free it, if the node does not
  // listen for what happened).
  detail::CallbackList<T> once;
  once.append(node);
  once.runAndClear(immediate, *this);
}

template <typename T>
bool Future<T>::await(const Duration& timeout) const {
  if (!isPending()) {
    return true;
  }
  struct Latch {
    std::mutex mutex;
    std::condition_variable condition;
    bool triggered = false;
  };
  auto latch = std::make_shared<Latch>();
  addCallback(detail::kCompleted | detail::kAbandoned,
              [latch](detail::FutureEvent, const Future&) {
                std::lock_guard<std::mutex> guard(latch->mutex);
                latch->triggered = true;
                latch->condition.notify_all();
              });
  std::unique_lock<std::mutex> lock(latch->mutex);
  if (timeout >= Duration::max() / 2) {
    latch->condition.wait(lock, [&] { return latch->triggered; });
  } else {
    latch->condition.wait_for(lock, timeout.chrono(),
                              [&] { return latch->triggered; });
  }
  return !isPending();
}

template <typename T>
bool Promise<T>::follow(const Future<T>& other, bool forwardDiscards) const {
  {
    std::lock_guard<detail::SpinLock> guard(future_.data_->lock);
    if (future_.state() != detail::FutureState::kPending ||
        future_.data_->associated) {
      return false;
    }
    future_.data_->associated = true;
  }
  if (other == future_) {
    return true;  // Following itself: it stays pending.
  }
  if (forwardDiscards) {
    future_.onDiscard([other = WeakFuture<T>(other)] {
      Option<Future<T>> future = other.get();
      if (future.isSome()) {
        future->discard();
      }
    });
  }
  other.addCallback(
      detail::kCompleted | detail::kAbandoned,
      [self = future_](detail::FutureEvent event, const Future<T>& future) {
        if (event == detail::kCompleted) {
          self.follow(future);
        } else {
          self.abandon(true);
        }
      });
  return true;
}

template <typename T>
Future<T> undiscardable(const Future<T>& future) {
  Promise<T> promise;
  promise.follow(future, false);
  return promise.future();
}

}  // namespace process
