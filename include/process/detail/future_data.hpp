// The shared state behind a Future<T> and its Promise<T>: the result, the
// flags, and one intrusive list of callbacks. Each callback node says which
// events it wants (completion, discard request, abandonment), so a `then`
// costs one node however many events it listens for.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <process/detail/spinlock.hpp>

namespace process {

template <typename T>
class Future;

namespace detail {

enum class FutureState : uint8_t { kPending, kReady, kFailed, kDiscarded };

// What a callback node listens for (a bit set).
enum FutureEvent : uint8_t {
  kCompleted = 1,  // READY, FAILED or DISCARDED
  kDiscardRequested = 2,
  kAbandoned = 4,
};

template <typename T>
struct CallbackNode {
  explicit CallbackNode(uint8_t events) : events(events) {}
  virtual ~CallbackNode() = default;
  virtual void run(FutureEvent event, const Future<T>& future) = 0;

  CallbackNode* next = nullptr;
  const uint8_t events;
};

template <typename T, typename F>
struct CallbackNodeFor final : CallbackNode<T> {
  CallbackNodeFor(uint8_t events, F&& f)
      : CallbackNode<T>(events), f(std::move(f)) {}
  void run(FutureEvent event, const Future<T>& future) override {
    f(event, future);
  }
  F f;
};

// A list of nodes in registration order; owns them.
template <typename T>
class CallbackList {
 public:
  CallbackList() = default;
  CallbackList(CallbackList&& other) noexcept
      : head_(std::exchange(other.head_, nullptr)),
        tail_(std::exchange(other.tail_, nullptr)) {}
  CallbackList& operator=(CallbackList&& other) noexcept {
    std::swap(head_, other.head_);
    std::swap(tail_, other.tail_);
    return *this;
  }
  ~CallbackList() {
    while (head_ != nullptr) {
      delete std::exchange(head_, head_->next);
    }
  }

  bool empty() const { return head_ == nullptr; }

  void append(CallbackNode<T>* node) {
    node->next = nullptr;
    if (tail_ == nullptr) {
      head_ = tail_ = node;
    } else {
      tail_->next = node;
      tail_ = node;
    }
  }

  // Moves the nodes that listen for `event` into a list of their own,
  // keeping the order of both.
  CallbackList extract(FutureEvent event) {
    CallbackList taken;
    CallbackList kept;
    while (head_ != nullptr) {
      CallbackNode<T>* node = std::exchange(head_, head_->next);
      ((node->events & event) != 0 ? taken : kept).append(node);
    }
    tail_ = nullptr;
    *this = std::move(kept);
    return taken;
  }

  // Runs the nodes that listen for `event`, in order, and frees every node.
  // Called without any lock held: a callback may do anything.
  void runAndClear(FutureEvent event, const Future<T>& future);

 private:
  CallbackNode<T>* head_ = nullptr;
  CallbackNode<T>* tail_ = nullptr;
};

template <typename T>
struct FutureData {
  SpinLock lock;
  std::atomic<FutureState> state{FutureState::kPending};
  std::atomic<bool> discardRequested{false};
  std::atomic<bool> abandoned{false};
  bool associated = false;  // guarded by `lock`

  // Written once, before `state` leaves PENDING (release); read after an
  // acquire load sees it so.
  std::optional<T> value;
  std::unique_ptr<std::string> failure;

  CallbackList<T> callbacks;  // guarded by `lock`
};

// Logs an exception that escaped a callback, so one faulty callback does not
// keep the others from running.
void logCallbackException(const char* what);

template <typename T>
void CallbackList<T>::runAndClear(FutureEvent event, const Future<T>& future) {
  while (head_ != nullptr) {
    std::unique_ptr<CallbackNode<T>> node(std::exchange(head_, head_->next));
    if ((node->events & event) != 0) {
      try {
        node->run(event, future);
      } catch (const std::exception& e) {
        logCallbackException(e.what());
      } catch (...) {
        logCallbackException("an exception not derived from std::exception");
      }
    }
  }
  tail_ = nullptr;
}

}  // namespace detail
}  // namespace process
