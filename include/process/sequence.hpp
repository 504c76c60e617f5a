// Sequence: runs callbacks one after another. Each callback returns a
// future; the next callback starts only once that future is no longer
// pending (READY, FAILED or DISCARDED). add() returns a future that follows
// the callback's own:
//
// clang-format off
//   Sequence sequence;
//   lambda::function<Future<Nothing>()> write = defer(self(), &Self::write);
//   Future<Nothing> first = sequence.add(write);
//   Future<Nothing> second = sequence.add(write);  // starts after `first`
// clang-format on
//
// Discarding a future that add() returned cancels that callback alone: if it
// has not started it never will (the future becomes DISCARDED, and its turn
// is skipped once the callbacks ahead of it are done); if it is running the
// request goes on to the future it returned, and the next callback waits for
// that one to complete. Destroying the Sequence discards the futures of the
// callbacks that have not started and asks the running one to stop (a
// discard request on its future); the rest of the Sequence is unaffected.
//
// A callback runs on the thread that adds it (when the Sequence is idle) or
// on the one that completes the future ahead of it; callbacks made with
// defer(pid, …) run on their process, as usual.
//
// Ours (beyond libprocess):
// - No process is spawned: the order is kept by a lock, and the destructor
//   does not wait for anything.
// - A run of callbacks that return ready futures runs in a loop, not by
//   recursion, so a long sequence cannot overflow the stack.
// - A callback whose future is abandoned (its promise dropped) no longer
//   blocks the callbacks behind it forever; an exception thrown by a callback
//   fails its future.
// - add() also takes any callable returning Future<T> or T, not only a
//   lambda::function<Future<T>()>.
#pragma once

#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include <process/future.hpp>
#include <process/lambda.hpp>

namespace process {

// libprocess's spelling of a callback's type; repeating the declaration is
// harmless should process/lambda.hpp make it too.
namespace lambda {
using std::function;
}  // namespace lambda

namespace detail {

class SequenceState : public std::enable_shared_from_this<SequenceState> {
 public:
  // One added callback and the promise of the future add() returned.
  class Entry {
   public:
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    virtual ~Entry() = default;

    // Starts the callback: its promise follows what it returns, which is
    // returned (as its Future<T>, erased) for the sequence to wait on.
    virtual void start(const std::shared_ptr<SequenceState>& state) = 0;
    // Whether the user asked for it to be cancelled.
    virtual bool cancelled() const = 0;
    // Completes its future DISCARDED without running it.
    virtual void skip() = 0;
    // Asks the callback's future to stop (it is running).
    virtual void requestDiscard() = 0;
  };

  template <typename T, typename F>
  class EntryFor final : public Entry {
   public:
    explicit EntryFor(F&& callback) : callback_(std::move(callback)) {}

    Future<T> future() const { return promise_.future(); }

    void start(const std::shared_ptr<SequenceState>& state) override {
      Future<T> result;
      try {
        if constexpr (IsFuture<std::invoke_result_t<F&>>::value) {
          result = callback_();
        } else {
          result = Future<T>(callback_());
        }
      } catch (...) {
        result = Failure(describeException(std::current_exception()));
      }
      bool closed = false;
      {
        std::lock_guard<std::mutex> guard(state->mutex_);
        state->running_ = [weak = WeakFuture<T>(result)] {
          Option<Future<T>> running = weak.get();
          if (running.isSome()) {
            running->discard();
          }
        };
        closed = state->closed_;
      }
      promise_.associate(result);
      if (closed) {
        // The Sequence went while this one was being started.
        result.discard();
      }
      // The next turn comes when the callback's future completes, or can no
      // longer complete.
      FutureAccess::onCompletedOrAbandoned(
          result,
          [state](FutureEvent, const Future<T>&) { state->finished(); });
    }

    bool cancelled() const override { return promise_.future().hasDiscard(); }
    void skip() override { promise_.discard(); }
    void requestDiscard() override { promise_.future().discard(); }

   private:
    F callback_;
    Promise<T> promise_;
  };

  // Queues `entry` and starts it if nothing else runs.
  void add(std::unique_ptr<Entry> entry) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      queue_.push_back(std::move(entry));
      if (busy_) {
        return;
      }
      busy_ = true;
    }
    drain();
  }

  // The Sequence is gone: what has not started never will.
  void close() {
    std::deque<std::unique_ptr<Entry>> queued;
    std::function<void()> running;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      closed_ = true;
      queued.swap(queue_);
      running = running_;
    }
    for (const auto& entry : queued) {
      entry->skip();
    }
    if (running) {
      running();
    }
  }

 private:
  // The running callback's future completed (on whatever thread).
  void finished() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      running_ = nullptr;
      if (draining_) {
        // drain() is up the stack on this thread or another: it goes on.
        finishedWhileDraining_ = true;
        return;
      }
      if (queue_.empty()) {
        busy_ = false;
        return;
      }
      draining_ = true;
    }
    drainLoop();
  }

  void drain() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      draining_ = true;
    }
    drainLoop();
  }

  // Starts queued entries one at a time; goes on by itself when a started
  // callback's future completed before its start() returned.
  void drainLoop() {
    auto self = shared_from_this();
    while (true) {
      std::unique_ptr<Entry> entry;
      bool closed = false;
      {
        std::lock_guard<std::mutex> guard(mutex_);
        if (queue_.empty()) {
          busy_ = false;
          draining_ = false;
          return;
        }
        entry = std::move(queue_.front());
        queue_.pop_front();
        finishedWhileDraining_ = false;
        closed = closed_;
      }
      if (closed || entry->cancelled()) {
        entry->skip();
        continue;
      }
      entry->start(self);
      {
        std::lock_guard<std::mutex> guard(mutex_);
        if (!finishedWhileDraining_) {
          // Still running: finished() takes over when it completes.
          draining_ = false;
          return;
        }
      }
    }
  }

  std::mutex mutex_;
  std::deque<std::unique_ptr<Entry>> queue_;
  // A callback runs (or is being started).
  bool busy_ = false;
  // drainLoop() is starting a callback; finished() must not recurse.
  bool draining_ = false;
  bool finishedWhileDraining_ = false;
  // The Sequence is gone.
  bool closed_ = false;
  // Requests a discard of the running callback's future.
  std::function<void()> running_;
};

}  // namespace detail

class Sequence {
 public:
  explicit Sequence(const std::string& id = "sequence")
      : state_(std::make_shared<detail::SequenceState>()) {
    (void)id;  // libprocess names its process with it; we have none
  }

  ~Sequence() { state_->close(); }

  Sequence(const Sequence&) = delete;
  Sequence& operator=(const Sequence&) = delete;

  // Runs `callback` once every callback added before it is done; the
  // future follows what it returns.
  template <typename T>
  Future<T> add(const lambda::function<Future<T>()>& callback) {
    return enqueue<T>(lambda::function<Future<T>()>(callback));
  }

  // Any callable returning Future<T> or T.
  template <typename F>
  requires(std::is_invocable_v<std::decay_t<F>&> &&
           !std::is_void_v<
               std::invoke_result_t<std::decay_t<F>&>>) auto add(F&& callback) {
    using T = typename detail::UnwrapFuture<
        std::invoke_result_t<std::decay_t<F>&>>::type;
    return enqueue<T>(std::decay_t<F>(std::forward<F>(callback)));
  }

 private:
  template <typename T, typename F>
  Future<T> enqueue(F&& callback) {
    auto entry = std::make_unique<detail::SequenceState::EntryFor<T, F>>(
        std::forward<F>(callback));
    Future<T> future = entry->future();
    state_->add(std::move(entry));
    return future;
  }

  std::shared_ptr<detail::SequenceState> state_;
};

}  // namespace process
