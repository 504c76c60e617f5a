// Callables: the placeholders that defer() and bind() take (lambda::_1 …) and
// CallableOnce<R(Args...)>, a move-only function that is called at most once.
// CallableOnce keeps small callables inline, so a callback that captures a
// few pointers costs no allocation.
#pragma once

#include <cstddef>
#include <functional>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

#include <glog/logging.h>

namespace process {
namespace lambda {

using std::bind;
using std::cref;
using std::function;
using std::ref;
using std::placeholders::_1;
using std::placeholders::_2;
using std::placeholders::_3;
using std::placeholders::_4;
using std::placeholders::_5;
using std::placeholders::_6;
using std::placeholders::_7;
using std::placeholders::_8;
using std::placeholders::_9;

template <typename Signature>
class CallableOnce;

template <typename R, typename... Args>
class CallableOnce<R(Args...)> {
  static constexpr std::size_t kInlineBytes = 4 * sizeof(void*);

  template <typename F>
  static constexpr bool kFitsInline = sizeof(F) <= kInlineBytes &&
                                      alignof(F) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<F>;

  // One table per stored type: how to call, move and destroy it.
  struct Operations {
    R (*call)(void* storage, Args&&... args);
    void (*move)(void* from, void* to) noexcept;  // leaves `from` destroyed
    void (*destroy)(void* storage) noexcept;
  };

  template <typename F>
  static F* stored(void* storage) {
    if constexpr (kFitsInline<F>) {
      return std::launder(reinterpret_cast<F*>(storage));
    } else {
      return *static_cast<F**>(storage);
    }
  }

  template <typename F>
  static constexpr Operations kOperations = {
      [](void* storage, Args&&... args) -> R {
        if constexpr (std::is_void_v<R>) {
          // A result the signature does not want is discarded.
          std::invoke(std::move(*stored<F>(storage)),
                      std::forward<Args>(args)...);
        } else {
          return std::invoke(std::move(*stored<F>(storage)),
                             std::forward<Args>(args)...);
        }
      },
      [](void* from, void* to) noexcept {
        if constexpr (kFitsInline<F>) {
          F* source = stored<F>(from);
          ::new (to) F(std::move(*source));
          source->~F();
        } else {
          *static_cast<F**>(to) = *static_cast<F**>(from);
        }
      },
      [](void* storage) noexcept {
        if constexpr (kFitsInline<F>) {
          stored<F>(storage)->~F();
        } else {
          delete stored<F>(storage);
        }
      },
  };

 public:
  CallableOnce() = default;
  CallableOnce(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)

  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, CallableOnce> &&
           std::is_invocable_r_v<R, std::decay_t<F>, Args...>)
      // NOLINTNEXTLINE(google-explicit-constructor,bugprone-forwarding-reference-overload)
      CallableOnce(F&& f) {
    using Stored = std::decay_t<F>;
    if constexpr (kFitsInline<Stored>) {
      ::new (static_cast<void*>(storage_)) Stored(std::forward<F>(f));
    } else {
      *reinterpret_cast<Stored**>(storage_) = new Stored(std::forward<F>(f));
    }
    operations_ = &kOperations<Stored>;
  }

  CallableOnce(CallableOnce&& other) noexcept { take(other); }
  CallableOnce& operator=(CallableOnce&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  CallableOnce(const CallableOnce&) = delete;
  CallableOnce& operator=(const CallableOnce&) = delete;
  ~CallableOnce() { reset(); }

  explicit operator bool() const { return operations_ != nullptr; }

  // Calls the stored callable, which may consume what it captured.
  R operator()(Args... args) && {
    CHECK(operations_ != nullptr) << "call of an empty CallableOnce";
    return operations_->call(storage_, std::forward<Args>(args)...);
  }

 private:
  void take(CallableOnce& other) noexcept {
    if (other.operations_ != nullptr) {
      other.operations_->move(other.storage_, storage_);
      operations_ = std::exchange(other.operations_, nullptr);
    }
  }
  void reset() noexcept {
    if (operations_ != nullptr) {
      std::exchange(operations_, nullptr)->destroy(storage_);
    }
  }

  alignas(std::max_align_t) unsigned char storage_[kInlineBytes];
  const Operations* operations_ = nullptr;
};

namespace detail {

// What a bound argument of partial() becomes in a call: the call's argument
// for a placeholder (_1 is the first), the bound value itself otherwise.
template <typename Bound, typename CallArgs>
decltype(auto) expandBound(Bound&& bound, CallArgs& callArgs) {
  constexpr int placeholder = std::is_placeholder_v<std::decay_t<Bound>>;
  if constexpr (placeholder > 0) {
    return std::get<placeholder - 1>(std::move(callArgs));
  } else {
    return std::forward<Bound>(bound);
  }
}

template <typename Bound, typename CallArgs>
using ExpandedBound =
    decltype(expandBound(std::declval<Bound>(), std::declval<CallArgs&>()));

template <typename F, typename BoundTuple, typename CallArgs>
struct PartialInvocable;
template <typename F, typename... Bound, typename CallArgs>
struct PartialInvocable<F, std::tuple<Bound...>, CallArgs>
    : std::is_invocable<F, ExpandedBound<Bound, CallArgs>...> {};

}  // namespace detail

// stout's lambda::partial(f, args...): f with its leading arguments bound,
// where a placeholder (_1 …) stands for an argument of the call, and call
// arguments no placeholder names are ignored, as with std::bind. Unlike
// std::bind the result is move-only when a bound value is, and a call on an
// rvalue partial (a CallableOnce's call) moves the bound values into f, so
// `partial([](std::unique_ptr<int>&& p) {...}, std::make_unique<int>(1))`
// works as a future's callback.
template <typename F, typename... Bound>
class Partial {
 public:
  template <typename G, typename... B>
  requires(!std::is_same_v<std::decay_t<G>, Partial>) explicit Partial(
      G&& f, B&&... bound)
      : f_(std::forward<G>(f)), bound_(std::forward<B>(bound)...) {}

  template <typename... Args>
  requires detail::PartialInvocable<F&, std::tuple<Bound&...>,
                                    std::tuple<Args&&...>>::value decltype(auto)
  operator()(Args&&... args) & {
    return call(f_, bound_, std::forward<Args>(args)...);
  }
  template <typename... Args>
  requires detail::PartialInvocable<const F&, std::tuple<const Bound&...>,
                                    std::tuple<Args&&...>>::value decltype(auto)
  operator()(Args&&... args) const& {
    return call(f_, bound_, std::forward<Args>(args)...);
  }
  template <typename... Args>
  requires detail::PartialInvocable<F&&, std::tuple<Bound&&...>,
                                    std::tuple<Args&&...>>::value decltype(auto)
  operator()(Args&&... args) && {
    return call(std::move(f_), std::move(bound_), std::forward<Args>(args)...);
  }

 private:
  template <typename G, typename BoundTuple, typename... Args>
  static decltype(auto) call(G&& f, BoundTuple&& bound, Args&&... args) {
    std::tuple<Args&&...> callArgs(std::forward<Args>(args)...);
    return std::apply(
        [&f, &callArgs](auto&&... values) -> decltype(auto) {
          return std::invoke(
              std::forward<G>(f),
              detail::expandBound(std::forward<decltype(values)>(values),
                                  callArgs)...);
        },
        std::forward<BoundTuple>(bound));
  }

  F f_;
  std::tuple<Bound...> bound_;
};

template <typename F, typename... Bound>
Partial<std::decay_t<F>, std::decay_t<Bound>...> partial(F&& f,
                                                         Bound&&... bound) {
  return Partial<std::decay_t<F>, std::decay_t<Bound>...>(
      std::forward<F>(f), std::forward<Bound>(bound)...);
}

}  // namespace lambda
}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
namespace lambda = process::lambda;
