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
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <process/detail/future_data.hpp>
#include <process/detail/future_traits.hpp>
#include <process/duration.hpp>
#include <process/error.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
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

  bool isPending() const { return state() == detail::FutureState::kPending; }
  bool isReady() const { return state() == detail::FutureState::kReady; }
  bool isFailed() const { return state() == detail::FutureState::kFailed; }
  bool isDiscarded() const {
    return state() == detail::FutureState::kDiscarded;
  }
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

// The template implementation, which needs the classes above complete.
#include <process/detail/future_core.hpp>  // IWYU pragma: export
#include <process/detail/future_then.hpp>  // IWYU pragma: export
