// Events: what a process's mailbox holds. Each event is one allocation that
// carries its own callable; run() handles it on the process, drop() releases
// whoever waits on it when the process is gone (a dispatch's future is
// discarded, a link reports the exit).
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <process/future.hpp>
#include <process/pid.hpp>

namespace process {

class Filter;
class ProcessBase;

namespace detail {

struct MailboxNode {
  std::atomic<MailboxNode*> next{nullptr};
};

class Event : public MailboxNode {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  virtual ~Event() = default;

  // Events come from per-thread pools (src/runtime/event_memory.cpp): they
  // are made on one thread and freed on another, millions a second.
  static void* operator new(size_t size);
  static void operator delete(void* memory, size_t size);

  virtual void run(ProcessBase& process) = 0;
  // The target is gone: the event will never run. Called once at most,
  // from any thread, instead of run().
  virtual void drop() noexcept {}
  // Shows the event to the installed process::Filter (filter.hpp), on the
  // process, before run(): true, and it is deleted unrun. The runtime's
  // internal events (timers, links, terminations) are not shown.
  virtual bool filteredBy(Filter& /*filter*/, ProcessBase& /*process*/) {
    return false;
  }
};

// Shows `filter` a dispatch to `process` of a method of type
// `*functionType` (null: a lambda) as a process::DispatchEvent.
bool filterDispatch(Filter& filter, ProcessBase& process,
                    const std::type_info* functionType);

// The type a filter is told was dispatched: the method's, or none.
template <typename Method>
const std::type_info* functionTypeOf() {
  if constexpr (std::is_void_v<Method>) {
    return nullptr;
  } else {
    return &typeid(Method);
  }
}

// Calls f(process) and completes a promise with what it returns (a value, a
// future to follow, or Nothing); dropped, the future is discarded. `Method`
// is the type of the method f calls (void for a lambda), for filters.
template <typename R, typename F, typename Method = void>
class DispatchEvent final : public Event {
 public:
  explicit DispatchEvent(F&& f) : f_(std::move(f)) {}
  Future<R> future() const { return promise_.future(); }

  void run(ProcessBase& process) override {
    completeWith(promise_, std::move(f_), process);
  }
  void drop() noexcept override { promise_.discard(); }
  bool filteredBy(Filter& filter, ProcessBase& process) override {
    return filterDispatch(filter, process, functionTypeOf<Method>());
  }

 private:
  Promise<R> promise_;
  F f_;
};

// Calls f(process); nothing waits for it.
template <typename F, typename Method = void>
class CallEvent final : public Event {
 public:
  explicit CallEvent(F&& f) : f_(std::move(f)) {}
  void run(ProcessBase& process) override { std::move(f_)(process); }
  bool filteredBy(Filter& filter, ProcessBase& process) override {
    return filterDispatch(filter, process, functionTypeOf<Method>());
  }

 private:
  F f_;
};

// Calls f(process), or onDrop() if the process is gone.
template <typename F, typename OnDrop>
class CallOrDropEvent final : public Event {
 public:
  CallOrDropEvent(F&& f, OnDrop&& onDrop)
      : f_(std::move(f)), onDrop_(std::move(onDrop)) {}
  void run(ProcessBase& process) override { std::move(f_)(process); }
  void drop() noexcept override { std::move(onDrop_)(); }
  bool filteredBy(Filter& filter, ProcessBase& process) override {
    return filterDispatch(filter, process, nullptr);
  }

 private:
  F f_;
  OnDrop onDrop_;
};

}  // namespace detail
}  // namespace process
