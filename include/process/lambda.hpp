// Callables: the placeholders that defer() and bind() take (lambda::_1 …) and
// CallableOnce<R(Args...)>, a move-only function that is called at most once.
// CallableOnce keeps small callables inline, so a callback that captures a
// few pointers costs no allocation.
#pragma once

#include <cstddef>
#include <functional>
#include <new>
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

}  // namespace lambda
}  // namespace process
