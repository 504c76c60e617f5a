// co_await on futures. A function that returns Future<T> may be a coroutine:
//
//   Future<int> Cache::fetch(std::string key) {   // a method of a process
//     std::string value = co_await dispatch(store, &Store::get, key);
//     entries[key] = value;      // safe: we are back on our own process
//     co_return value.size();
//   }
//
// After each co_await a coroutine started inside a process resumes on that
// same process, as an event in its mailbox (as defer(self(), …) would), so
// it may touch the process's state. Outside any process it resumes on the
// thread that completes the awaited future.
//
// co_await of a FAILED future throws process::FutureFailed (its what() is the
// failure message); of a DISCARDED one, process::FutureDiscarded; of an
// abandoned one, process::FutureAbandoned. An exception leaving the coroutine
// fails its future (FutureDiscarded discards it instead). A discard request
// on the coroutine's future is passed on to the future it is awaiting. If
// the process terminates while the coroutine waits, the coroutine is
// destroyed and its future discarded.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <process/detail/deliver.hpp>
#include <process/detail/event.hpp>
#include <process/detail/spinlock.hpp>
#include <process/detail/suspension.hpp>
#include <process/future.hpp>
#include <process/lambda.hpp>

namespace process {

class FutureFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FutureDiscarded : public std::runtime_error {
 public:
  FutureDiscarded() : std::runtime_error("the awaited future was discarded") {}
};

class FutureAbandoned : public std::runtime_error {
 public:
  FutureAbandoned() : std::runtime_error("the awaited future was abandoned") {}
};

namespace detail {

// Carries a discard request on a coroutine's future to whatever future the
// coroutine is awaiting at that moment (or the next one it awaits).
class DiscardRelay {
 public:
  void requestDiscard() {
    lambda::CallableOnce<void()> discardAwaited;
    {
      std::lock_guard<SpinLock> guard(lock_);
      requested_ = true;
      discardAwaited = std::move(discardAwaited_);
    }
    if (discardAwaited) {
      std::move(discardAwaited)();
    }
  }

  template <typename T>
  void awaiting(const Future<T>& future) {
    bool requested = false;
    {
      std::lock_guard<SpinLock> guard(lock_);
      requested = requested_;
      if (!requested) {
        discardAwaited_ = [weak = WeakFuture<T>(future)] {
          Option<Future<T>> f = weak.get();
          if (f.isSome()) {
            f->discard();
          }
        };
      }
    }
    if (requested) {
      future.discard();
    }
  }

  void resumed() {
    std::lock_guard<SpinLock> guard(lock_);
    discardAwaited_ = nullptr;
  }

 private:
  SpinLock lock_;
  bool requested_ = false;
  lambda::CallableOnce<void()> discardAwaited_;
};

template <typename T>
class CoroutinePromiseBase {
 public:
  Future<T> get_return_object() {
    Future<T> future = promise_.future();
    future.onDiscard([relay = relay_] { relay->requestDiscard(); });
    return future;
  }
  std::suspend_never initial_suspend() noexcept { return {}; }
  std::suspend_never final_suspend() noexcept { return {}; }

  void unhandled_exception() {
    try {
      throw;
    } catch (const FutureDiscarded&) {
      promise_.discard();
    } catch (...) {
      promise_.fail(describeException(std::current_exception()));
    }
  }

  const std::shared_ptr<DiscardRelay>& relay() const { return relay_; }

  // Destroyed before it finished (its process went away): discarded.
  ~CoroutinePromiseBase() { promise_.discard(); }

 protected:
  Promise<T> promise_;
  std::shared_ptr<DiscardRelay> relay_ = std::make_shared<DiscardRelay>();
};

template <typename T>
class CoroutinePromise : public CoroutinePromiseBase<T> {
 public:
  // co_return of a T, a Future<T> (followed) or a Failure.
  template <typename U>
  void return_value(U&& value) {
    if constexpr (std::is_convertible_v<U&&, T>) {
      this->promise_.set(T(std::forward<U>(value)));
    } else {
      this->promise_.associate(Future<T>(std::forward<U>(value)));
    }
  }
};

// Future<Nothing> coroutines end with a plain `co_return;`.
template <>
class CoroutinePromise<Nothing> : public CoroutinePromiseBase<Nothing> {
 public:
  void return_void() { this->promise_.set(Nothing()); }
};

// Resumes a suspended coroutine on its process; if the process is gone the
// coroutine is destroyed.
class ResumeEvent final : public Event {
 public:
  explicit ResumeEvent(std::coroutine_handle<> handle) : handle_(handle) {}
  void run(ProcessBase&) override { handle_.resume(); }
  void drop() noexcept override { handle_.destroy(); }

 private:
  std::coroutine_handle<> handle_;
};

template <typename T>
class FutureAwaiter {
 public:
  explicit FutureAwaiter(Future<T> future) : future_(std::move(future)) {}

  bool await_ready() const noexcept { return !future_.isPending(); }

  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> handle) {
    if constexpr (requires(Promise & promise) { promise.relay(); }) {
      relay_ = handle.promise().relay();
      relay_->awaiting(future_);
    }
    // Once the callback is registered the coroutine may resume (and this
    // awaiter be destroyed) on another thread: touch nothing after it.
    Future<T> future = future_;
    UPID home = currentSelf();
    if (!home) {
      FutureAccess::onCompletedOrAbandoned(
          future, [handle = std::coroutine_handle<>(handle)](
                      FutureEvent, const Future<T>&) { handle.resume(); });
      return;
    }
    auto suspension = std::make_shared<Suspension>(handle);
    suspendOnCurrentProcess(suspension);
    FutureAccess::onCompletedOrAbandoned(
        future,
        [suspension, home = std::move(home)](FutureEvent, const Future<T>&) {
          if (suspension->claim(Suspension::kResuming)) {
            deliver(home, new ResumeEvent(suspension->handle));
          }
        });
  }

  T await_resume() {
    if (relay_) {
      relay_->resumed();
    }
    if (future_.isReady()) {
      return future_.get();
    }
    if (future_.isFailed()) {
      throw FutureFailed(future_.failure());
    }
    if (future_.isDiscarded()) {
      throw FutureDiscarded();
    }
    throw FutureAbandoned();
  }

 private:
  Future<T> future_;
  std::shared_ptr<DiscardRelay> relay_;
};

}  // namespace detail

template <typename T>
detail::FutureAwaiter<T> operator co_await(Future<T> future) {
  return detail::FutureAwaiter<T>(std::move(future));
}

}  // namespace process

template <typename T, typename... Args>
struct std::coroutine_traits<process::Future<T>, Args...> {
  struct promise_type : process::detail::CoroutinePromise<T> {
    using ValueType = T;
  };
};
