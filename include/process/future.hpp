// Future<T> and Promise<T>: the read and write sides of a result computed
// asynchronously. A future is PENDING, then READY (with a value), FAILED
// (with a message) or DISCARDED, once and for all. Callbacks registered with
// onReady/onFailed/onDiscarded/onAny run exactly once: at once if the future
// has already completed, otherwise synchronously on the thread that completes
// it. then/repair/recover/after compose futures; a discard request on a
// composed future travels back to the promise that produces it.
//
//   Promise<int> promise;
//   Future<std::string> text =
//       promise.future().then([](int i) { return std::to_string(i); });
//   promise.set(42);  // text is READY with "42"; stringify(text) == "Ready"
//
// A promise destroyed while pending leaves its future *abandoned*: still
// PENDING, isAbandoned() true, onAbandoned callbacks run. A default-made
// Future<T> is abandoned too.
//
// Also here, as in libprocess: select() of a std::set of futures,
// undiscardable() of a future or of a callable, discard() of a container of
// futures, and setPromises/failPromises/discardPromises.
//
// Ours (beyond libprocess): an exception thrown by a then/repair/recover
// continuation fails the future it produces; an exception escaping any other
// callback is logged and the remaining callbacks still run. get() of an
// abandoned future aborts with a message instead of blocking forever.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <glog/logging.h>

#include <process/clock.hpp>
#include <process/detail/future_data.hpp>
#include <process/duration.hpp>
#include <process/error.hpp>
#include <process/nothing.hpp>
#include <process/try.hpp>

namespace process {

template <typename T>
class Future;
template <typename T>
class Promise;

// Converts to a FAILED Future<T> of any T.
class Failure {
 public:
  explicit Failure(std::string message) : message(std::move(message)) {}
  explicit Failure(const Error& error) : message(error.message) {}

  std::string message;
};

// A Failure whose message ends with strerror(errno).
class ErrnoFailure : public Failure {
 public:
  ErrnoFailure();
  explicit ErrnoFailure(int code) : ErrnoFailure(code, "") {}
  explicit ErrnoFailure(const std::string& message);
  ErrnoFailure(int code, const std::string& message);

  int code;
};

namespace detail {

template <typename R>
struct UnwrapFuture {
  using type = R;
};
template <typename X>
struct UnwrapFuture<Future<X>> {
  using type = X;
};
template <>
struct UnwrapFuture<void> {
  using type = Nothing;
};

template <typename T>
struct IsFuture : std::false_type {};
template <typename X>
struct IsFuture<Future<X>> : std::true_type {};

template <typename T>
struct IsTry : std::false_type {};
template <typename X, typename E>
struct IsTry<Try<X, E>> : std::true_type {};

// Calls f with `arg` if it takes it, otherwise with nothing.
template <typename F, typename Arg>
decltype(auto) invokeMaybeWith(F&& f, Arg&& arg) {
  if constexpr (std::is_invocable_v<F, Arg>) {
    return std::invoke(std::forward<F>(f), std::forward<Arg>(arg));
  } else {
    static_assert(std::is_invocable_v<F>,
                  "the callback takes neither the argument given nor none");
    return std::invoke(std::forward<F>(f));
  }
}

template <typename F, typename Arg>
using InvokeMaybeWithResult =
    decltype(invokeMaybeWith(std::declval<F>(), std::declval<Arg>()));

// Completes `promise` with what `f(arg)` gives: a value, a future to follow,
// or nothing (Nothing). An exception fails it.
template <typename X, typename F, typename Arg>
void completeWith(Promise<X>& promise, F&& f, Arg&& arg);

// For the combinators: a callback that also hears of abandonment, so that
// what it holds is freed when the future it waits on can never complete.
struct FutureAccess {
  // f(FutureEvent, const Future<T>&), on completion or abandonment.
  template <typename T, typename F>
  static void onCompletedOrAbandoned(const Future<T>& future, F&& f) {
    future.addCallback(kCompleted | kAbandoned, std::forward<F>(f));
  }
  // Marks a pending future abandoned, as if its promise were gone, for a
  // combinator that knows its result can never complete.
  template <typename T>
  static void abandon(const Future<T>& future) {
    future.abandon(false);
  }
};

// What `f(arg)` gives, as a Future<X>; an exception becomes a failure.
template <typename X, typename F, typename Arg>
Future<X> futureOf(F&& f, Arg&& arg);

std::string describeException(std::exception_ptr exception);

}  // namespace detail

template <typename T>
class Future {
 public:
  using value_type = T;

  // A FAILED future.
  static Future failed(const std::string& message) {
    return Future(Failure(message));
  }

  // An abandoned future: no promise will ever complete it.
  Future();
  Future(const T& value);  // NOLINT(google-explicit-constructor)
  Future(T&& value);       // NOLINT(google-explicit-constructor)
  template <typename U>
  requires(std::is_constructible_v<T, U&&> &&
           !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_base_of_v<Failure, std::decay_t<U>> &&
           !detail::IsFuture<std::decay_t<U>>::value &&
           !detail::IsTry<std::decay_t<U>>::value)
      // The constraints keep copies and moves away from it.
      // NOLINTNEXTLINE(google-explicit-constructor,bugprone-forwarding-reference-overload)
      Future(U&& value)
      : Future(T(std::forward<U>(value))) {}
  Future(const Failure& failure);  // NOLINT(google-explicit-constructor)
  // READY with the value, or FAILED with the error's message.
  template <typename E>
  Future(const Try<T, E>& t);  // NOLINT(google-explicit-constructor)
  // The future held (this future *is* it), or FAILED with the error.
  template <typename E>
  Future(const Try<Future<T>, E>& t);  // NOLINT(google-explicit-constructor)
  // Follows a future of a type that converts to T, as Future<http::OK> to
  // the Future<http::Response> a route returns; a discard request on this
  // one travels back to it.
  template <typename U>
  requires(!std::is_same_v<U, T> && std::is_convertible_v<const U&, T>)
      Future(const Future<U>& other)  // NOLINT(google-explicit-constructor)
      : Future(other.then([](const U& value) -> T { return value; })) {}

  Future(const Future&) = default;
  Future(Future&&) noexcept = default;
  Future& operator=(const Future&) = default;
  Future& operator=(Future&&) noexcept = default;

  bool isPending() const { return state() == detail::FutureState::PENDING; }
  bool isReady() const { return state() == detail::FutureState::READY; }
  bool isFailed() const { return state() == detail::FutureState::FAILED; }
  bool isDiscarded() const { return state() == detail::FutureState::DISCARDED; }
  bool isAbandoned() const { return data_->abandoned.load(); }
  bool hasDiscard() const { return data_->discardRequested.load(); }

  // The value; blocks while pending. Aborts with a message saying why when
  // the future is or becomes anything but READY.
  const T& get() const&;
  const T* operator->() const { return &get(); }
  const T& operator*() const { return get(); }
  // The failure message; aborts unless FAILED.
  const std::string& failure() const;

  // Requests cancellation from whoever produces the value: runs the
  // onDiscard callbacks and sets hasDiscard(). False if the future was no
  // longer pending or a discard was already requested.
  bool discard() const;

  // Blocks the calling thread, in real time, until the future completes or
  // is abandoned, or `timeout` passes. True if it is no longer pending.
  // Never call it from inside a process: it blocks that process's worker.
  bool await(const Duration& timeout = Duration::max()) const;

  template <typename F>
  const Future& onReady(F&& f) const;  // f(const T&) or f()
  template <typename F>
  const Future& onFailed(F&& f) const;  // f(const std::string&) or f()
  template <typename F>
  const Future& onDiscarded(F&& f) const;  // f()
  template <typename F>
  const Future& onAny(F&& f) const;  // f(const Future<T>&) or f()
  template <typename F>
  const Future& onDiscard(F&& f) const;  // f(), on a discard request
  template <typename F>
  const Future& onAbandoned(F&& f) const;  // f()

  // f: T -> X, T -> Future<X>, () -> X … gives Future<X> (Future<Nothing>
  // for a continuation that returns void). Failures and discards pass
  // through; if a discard was requested, f is skipped and the result is
  // DISCARDED.
  template <typename F>
  auto then(F&& f) const -> Future<typename detail::UnwrapFuture<
      detail::InvokeMaybeWithResult<F, const T&>>::type>;

  // On FAILED only: the result follows f(future) (a Future<T> or a T).
  template <typename F>
  Future<T> repair(F&& f) const;

  // On FAILED, DISCARDED or abandoned: the result follows f(future). Clears
  // the result's discard request first, so what f returns is not discarded
  // at once.
  template <typename F>
  Future<T> recover(F&& f) const;

  // If this future is still pending after `duration`, the result follows
  // f(future); otherwise it follows this future. The timer is cancelled as
  // soon as this future completes.
  template <typename F>
  Future<T> after(const Duration& duration, F&& f) const;

  friend bool operator==(const Future& a, const Future& b) {
    return a.data_ == b.data_;
  }
  friend bool operator<(const Future& a, const Future& b) {
    return a.data_ < b.data_;
  }

 private:
  template <typename>
  friend class Future;
  template <typename>
  friend class Promise;
  template <typename>
  friend class WeakFuture;
  friend struct detail::FutureAccess;

  explicit Future(std::shared_ptr<detail::FutureData<T>> data)
      : data_(std::move(data)) {}

  static Future pending() {
    return Future(std::make_shared<detail::FutureData<T>>());
  }

  detail::FutureState state() const {
    return data_->state.load(std::memory_order_acquire);
  }

  // f(FutureEvent, const Future&) runs on the first of `events` to happen
  // (at once if it already has).
  template <typename F>
  void addCallback(uint8_t events, F&& f) const;

  // Moves the state from PENDING to `target`, after `setter` has filled in
  // the result. False if it was no longer pending, or if the promise follows
  // another future and this is not that future completing it.
  template <typename Setter>
  bool complete(detail::FutureState target, bool viaAssociation,
                Setter&& setter) const;
  bool setValue(std::optional<T>&& value, bool viaAssociation) const;
  bool setFailure(const std::string& message, bool viaAssociation) const;
  bool setDiscarded(bool viaAssociation) const;
  void abandon(bool propagating) const;
  void clearDiscardRequest() const {
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    data_->discardRequested.store(false, std::memory_order_release);
  }
  // Copies the final state of `other` into this future.
  void follow(const Future& other) const;

  std::shared_ptr<detail::FutureData<T>> data_;
};

// A reference to a future that does not keep it alive; for callbacks that
// would otherwise make a cycle (a result that discards its inputs).
template <typename T>
class WeakFuture {
 public:
  explicit WeakFuture(const Future<T>& future) : data_(future.data_) {}
  // The future, if anyone still holds it.
  Option<Future<T>> get() const {
    if (auto data = data_.lock()) {
      return Future<T>(std::move(data));
    }
    return None();
  }

 private:
  std::weak_ptr<detail::FutureData<T>> data_;
};

namespace detail {

// A discard request on `result` travels on to `source` (held weakly, so that
// the two do not keep each other alive).
template <typename R, typename T>
void forwardDiscard(const Future<R>& result, const Future<T>& source) {
  result.onDiscard([source = WeakFuture<T>(source)] {
    Option<Future<T>> future = source.get();
    if (future.isSome()) {
      future->discard();
    }
  });
}

// A discard request on `result` travels on to each of `inputs` (a vector or
// set of futures) that still exists.
template <typename R, typename Inputs>
void forwardDiscards(const Future<R>& result, const Inputs& inputs) {
  using T = typename Inputs::value_type::value_type;
  std::vector<WeakFuture<T>> weak;
  weak.reserve(inputs.size());
  for (const Future<T>& input : inputs) {
    weak.emplace_back(input);
  }
  result.onDiscard([weak = std::move(weak)] {
    for (const WeakFuture<T>& input : weak) {
      Option<Future<T>> future = input.get();
      if (future.isSome()) {
        future->discard();
      }
    }
  });
}

}  // namespace detail

// The write side. Move-only: exactly one owner completes a promise.
template <typename T>
class Promise {
 public:
  Promise() : future_(Future<T>::pending()) {}
  explicit Promise(const T& value) : Promise() { set(value); }
  Promise(Promise&&) noexcept = default;
  Promise(const Promise&) = delete;
  Promise& operator=(const Promise&) = delete;
  // As libprocess: the promise given up (if still pending) abandons its
  // future, as its destruction would.
  Promise& operator=(Promise&& other) noexcept {
    if (this != &other) {
      if (future_.data_ != nullptr) {
        future_.abandon(false);
      }
      future_ = std::move(other.future_);
    }
    return *this;
  }
  // Abandons the future if it is still pending and follows no other future.
  ~Promise() {
    if (future_.data_ != nullptr) {
      future_.abandon(false);
    }
  }

  // Each returns false if the future was already completed (or follows
  // another future).
  bool set(const T& value) const {
    return future_.setValue(std::optional<T>(value), false);
  }
  bool set(T&& value) const {
    return future_.setValue(std::optional<T>(std::move(value)), false);
  }
  template <typename U>
  requires(
      std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
      !detail::IsFuture<std::decay_t<U>>::value) bool set(U&& value) const {
    return set(T(std::forward<U>(value)));
  }
  bool set() const requires std::is_same_v<T, Nothing> {
    return set(Nothing());
  }
  // The future follows `other`: it completes as `other` does, and discard
  // requests on it travel on to `other`.
  bool set(const Future<T>& other) const { return associate(other); }
  bool associate(const Future<T>& other) const { return follow(other, true); }
  bool fail(const std::string& message) const {
    return future_.setFailure(message, false);
  }
  bool discard() const { return future_.setDiscarded(false); }

  Future<T> future() const { return future_; }

 private:
  template <typename U>
  friend Future<U> undiscardable(const Future<U>& future);

  bool follow(const Future<T>& other, bool forwardDiscards) const;

  Future<T> future_;
};

// A future that follows `future` but ignores discard requests made on it.
template <typename T>
Future<T> undiscardable(const Future<T>& future);

// ---------------------------------------------------------------------------
// Implementation.

template <typename T>
Future<T>::Future() : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->abandoned.store(true, std::memory_order_relaxed);
}

template <typename T>
Future<T>::Future(const T& value)
    : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->value.emplace(value);
  data_->state.store(detail::FutureState::READY, std::memory_order_release);
}

template <typename T>
Future<T>::Future(T&& value)
    : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->value.emplace(std::move(value));
  data_->state.store(detail::FutureState::READY, std::memory_order_release);
}

template <typename T>
Future<T>::Future(const Failure& failure)
    : data_(std::make_shared<detail::FutureData<T>>()) {
  data_->failure = std::make_unique<std::string>(failure.message);
  data_->state.store(detail::FutureState::FAILED, std::memory_order_release);
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
    if (state() != detail::FutureState::PENDING ||
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
    if (state() != detail::FutureState::PENDING ||
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
    if (state() != detail::FutureState::PENDING ||
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
      detail::FutureState::READY, viaAssociation,
      [&](detail::FutureData<T>& data) { data.value = std::move(value); });
}

template <typename T>
bool Future<T>::setFailure(const std::string& message,
                           bool viaAssociation) const {
  auto failure = std::make_unique<std::string>(message);
  return complete(
      detail::FutureState::FAILED, viaAssociation,
      [&](detail::FutureData<T>& data) { data.failure = std::move(failure); });
}

template <typename T>
bool Future<T>::setDiscarded(bool viaAssociation) const {
  return complete(detail::FutureState::DISCARDED, viaAssociation,
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
    if (state() != detail::FutureState::PENDING) {
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
template <typename F>
const Future<T>& Future<T>::onReady(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                if (future.isReady()) {
                  detail::invokeMaybeWith(std::move(f), future.get());
                }
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onFailed(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                if (future.isFailed()) {
                  detail::invokeMaybeWith(std::move(f), future.failure());
                }
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onDiscarded(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                if (future.isDiscarded()) {
                  std::invoke(std::move(f));
                }
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onAny(F&& f) const {
  addCallback(detail::kCompleted,
              [f = std::forward<F>(f)](detail::FutureEvent,
                                       const Future& future) mutable {
                detail::invokeMaybeWith(std::move(f), future);
              });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onDiscard(F&& f) const {
  addCallback(
      detail::kDiscardRequested,
      [f = std::forward<F>(f)](detail::FutureEvent, const Future&) mutable {
        std::invoke(std::move(f));
      });
  return *this;
}

template <typename T>
template <typename F>
const Future<T>& Future<T>::onAbandoned(F&& f) const {
  addCallback(
      detail::kAbandoned,
      [f = std::forward<F>(f)](detail::FutureEvent, const Future&) mutable {
        std::invoke(std::move(f));
      });
  return *this;
}

template <typename T>
template <typename F>
auto Future<T>::then(F&& f) const -> Future<typename detail::UnwrapFuture<
    detail::InvokeMaybeWithResult<F, const T&>>::type> {
  using X = typename detail::UnwrapFuture<
      detail::InvokeMaybeWithResult<F, const T&>>::type;

  // Already complete: no promise, no callback node.
  if (!isPending()) {
    if (isReady() && !hasDiscard()) {
      return detail::futureOf<X>(std::forward<F>(f), get());
    }
    if (isFailed()) {
      return Future<X>(Failure(failure()));
    }
    Promise<X> promise;
    promise.discard();
    return promise.future();
  }

  Promise<X> promise;
  Future<X> result = promise.future();
  detail::forwardDiscard(result, *this);
  // When the source is abandoned this node is freed unrun, and with it the
  // promise, which abandons the result.
  addCallback(detail::kCompleted | detail::kAbandoned,
              [promise = std::move(promise), f = std::forward<F>(f)](
                  detail::FutureEvent event, const Future& future) mutable {
                if (event != detail::kCompleted) {
                  return;
                }
                if (future.isFailed()) {
                  promise.fail(future.failure());
                } else if (future.isDiscarded() || future.hasDiscard()) {
                  promise.discard();
                } else {
                  detail::completeWith(promise, std::move(f), future.get());
                }
              });
  return result;
}

template <typename T>
template <typename F>
Future<T> Future<T>::repair(F&& f) const {
  Promise<T> promise;
  Future<T> result = promise.future();
  detail::forwardDiscard(result, *this);
  addCallback(detail::kCompleted | detail::kAbandoned,
              [promise = std::move(promise), f = std::forward<F>(f)](
                  detail::FutureEvent event, const Future& future) mutable {
                if (event != detail::kCompleted) {
                  return;
                }
                if (future.isFailed()) {
                  detail::completeWith(promise, std::move(f), future);
                } else {
                  promise.associate(future);
                }
              });
  return result;
}

template <typename T>
template <typename F>
Future<T> Future<T>::recover(F&& f) const {
  Promise<T> promise;
  Future<T> result = promise.future();
  detail::forwardDiscard(result, *this);
  addCallback(detail::kCompleted | detail::kAbandoned,
              [promise = std::move(promise), f = std::forward<F>(f)](
                  detail::FutureEvent event, const Future& future) mutable {
                if (event == detail::kCompleted && future.isReady()) {
                  promise.associate(future);
                  return;
                }
                // FAILED, DISCARDED or abandoned: let f decide, and let what it
                // returns run undisturbed by the discard that got us here.
                promise.future().clearDiscardRequest();
                detail::completeWith(promise, std::move(f), future);
              });
  return result;
}

template <typename T>
template <typename F>
Future<T> Future<T>::after(const Duration& duration, F&& f) const {
  // Whichever comes first, the timer or the completion, decides.
  struct Race {
    std::atomic<bool> decided{false};
    Promise<T> promise;
    Timer timer;
    bool decide() { return !decided.exchange(true); }
  };
  auto race = std::make_shared<Race>();
  Future<T> result = race->promise.future();
  detail::forwardDiscard(result, *this);
  race->timer = Clock::timer(
      duration, [race, source = *this, f = std::forward<F>(f)]() mutable {
        if (race->decide()) {
          detail::completeWith(race->promise, std::move(f), source);
        }
      });
  onAny([race](const Future& future) {
    if (race->decide()) {
      Clock::cancel(race->timer);
      race->promise.associate(future);
    }
  });
  return result;
}

template <typename T>
bool Promise<T>::follow(const Future<T>& other, bool forwardDiscards) const {
  {
    std::lock_guard<detail::SpinLock> guard(future_.data_->lock);
    if (future_.state() != detail::FutureState::PENDING ||
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

namespace detail {

template <typename X, typename F, typename Arg>
Future<X> futureOf(F&& f, Arg&& arg) {
  using R = InvokeMaybeWithResult<F, Arg>;
  try {
    if constexpr (std::is_void_v<R>) {
      invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg));
      return Future<X>(Nothing());
    } else if constexpr (IsFuture<R>::value) {
      return invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg));
    } else {
      return Future<X>(
          X(invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg))));
    }
  } catch (...) {
    return Future<X>(Failure(describeException(std::current_exception())));
  }
}

template <typename X, typename F, typename Arg>
void completeWith(Promise<X>& promise, F&& f, Arg&& arg) {
  using R = InvokeMaybeWithResult<F, Arg>;
  try {
    if constexpr (std::is_void_v<R>) {
      invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg));
      promise.set(Nothing());
    } else if constexpr (IsFuture<R>::value) {
      promise.associate(
          invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg)));
    } else {
      promise.set(
          X(invokeMaybeWith(std::forward<F>(f), std::forward<Arg>(arg))));
    }
  } catch (...) {
    promise.fail(describeException(std::current_exception()));
  }
}

}  // namespace detail

// Prints the state as libprocess does: "Pending", "Abandoned", "Ready",
// "Failed: <message>" or "Discarded", with " (with discard)" after the state
// once a discard was requested.
template <typename T>
std::ostream& operator<<(std::ostream& stream, const Future<T>& future) {
  const char* suffix = future.hasDiscard() ? " (with discard)" : "";
  if (future.isReady()) {
    return stream << "Ready" << suffix;
  }
  if (future.isFailed()) {
    return stream << "Failed" << suffix << ": " << future.failure();
  }
  if (future.isDiscarded()) {
    return stream << "Discarded" << suffix;
  }
  return stream << (future.isAbandoned() ? "Abandoned" : "Pending") << suffix;
}

template <typename T>
std::string stringify(const Future<T>& future) {
  std::ostringstream out;
  out << future;
  return out.str();
}

// undiscardable(f) for a callable f returning a future: a callable that
// returns undiscardable(f(args...)), so that in
//
//   future.then(undiscardable([] { return longOperation(); }));
//
// a discard of the chain's result does not reach longOperation()'s future.
template <typename F>
struct UndiscardableDecorator {
  template <typename... Args>
  requires std::is_invocable_v<F&, Args&&...>
  auto operator()(Args&&... args) {
    return call(f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  requires std::is_invocable_v<const F&, Args&&...>
  auto operator()(Args&&... args) const {
    return call(f, std::forward<Args>(args)...);
  }

  F f;

 private:
  template <typename G, typename... Args>
  static auto call(G& g, Args&&... args) {
    using Result = std::decay_t<std::invoke_result_t<G&, Args&&...>>;
    static_assert(detail::IsFuture<Result>::value,
                  "undiscardable(f) expects f to return a Future");
    return undiscardable(std::invoke(g, std::forward<Args>(args)...));
  }
};

template <typename F>
requires(!detail::IsFuture<std::decay_t<F>>::value)
    UndiscardableDecorator<std::decay_t<F>> undiscardable(F&& f) {
  return UndiscardableDecorator<std::decay_t<F>>{std::forward<F>(f)};
}

// select(futures): READY with the first of `futures` to become READY.
// Failed and discarded inputs are passed over, as in libprocess. A discard
// request on the result discards the result at once and leaves the inputs
// alone (the caller still holds them).
//
// Ours: an empty set gives a FAILED future, and so does a set none of whose
// futures can become READY any more (all FAILED or DISCARDED, some perhaps
// abandoned); libprocess leaves the result abandoned then. If every input is
// abandoned the result is abandoned too.
template <typename T>
Future<Future<T>> select(const std::set<Future<T>>& futures) {
  if (futures.empty()) {
    return Failure("select() of an empty set of futures");
  }
  struct State {
    explicit State(size_t count) : count(count), remaining(count) {}
    const size_t count;
    std::atomic<size_t> remaining;  // inputs that may still become READY
    std::atomic<size_t> abandoned{0};
    Promise<Future<T>> promise;
  };
  auto state = std::make_shared<State>(futures.size());
  Future<Future<T>> result = state->promise.future();
  result.onDiscard([weak = std::weak_ptr<State>(state)] {
    if (auto state = weak.lock()) {
      state->promise.discard();
    }
  });
  for (const Future<T>& future : futures) {
    detail::FutureAccess::onCompletedOrAbandoned(
        future, [state](detail::FutureEvent event, const Future<T>& input) {
          if (event == detail::kCompleted && input.isReady()) {
            state->promise.set(input);
            return;
          }
          if (event != detail::kCompleted) {
            state->abandoned.fetch_add(1);
          }
          // When every input is abandoned, nothing is done here: the last
          // callback to go frees the promise, which abandons the result.
          if (state->remaining.fetch_sub(1) == 1 &&
              state->abandoned.load() < state->count) {
            state->promise.fail("select(): none of the " +
                                std::to_string(state->count) +
                                " futures became ready");
          }
        });
  }
  return result;
}

// Requests a discard of each future in `futures` (any container of them).
template <typename Futures>
void discard(const Futures& futures) {
  for (const auto& future : futures) {
    future.discard();
  }
}

// Helpers for code that keeps promises in a std::set of owned pointers:
// each completes every promise, deletes it and empties the set.
template <typename T>
void setPromises(std::set<Promise<T>*>* promises, const T& value) {
  for (Promise<T>* promise : *promises) {
    promise->set(value);
    delete promise;
  }
  promises->clear();
}

template <typename T>
void failPromises(std::set<Promise<T>*>* promises, const std::string& failure) {
  for (Promise<T>* promise : *promises) {
    promise->fail(failure);
    delete promise;
  }
  promises->clear();
}

template <typename T>
void discardPromises(std::set<Promise<T>*>* promises) {
  for (Promise<T>* promise : *promises) {
    promise->discard();
    delete promise;
  }
  promises->clear();
}

// Discards and deletes the one promise of the set whose future is `future`.
template <typename T>
void discardPromises(std::set<Promise<T>*>* promises, const Future<T>& future) {
  for (Promise<T>* promise : *promises) {
    if (promise->future() == future) {
      promise->discard();
      promises->erase(promise);
      delete promise;
      return;
    }
  }
}

}  // namespace process
