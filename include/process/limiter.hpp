// RateLimiter: hands out at most `permits` permits per `duration`, one at a
// time and evenly spaced. acquire() returns a future that is READY when the
// caller may go ahead:
//
// clang-format off
//   RateLimiter limiter(10, Seconds(1));       // one permit every 100ms
//   limiter.acquire().then(defer(self(), [this] { return sendRequest(); }));
// clang-format on
//
// A permit is granted at once when nobody waits and the last one is at least
// an interval old; otherwise the caller queues and waiters are served in the
// order they asked, one per interval. Unused intervals do not accumulate:
// after a quiet spell one permit is immediate, the next waits an interval.
// Time is process::Clock's, so a paused Clock holds waiters until advanced.
//
// The limiter runs in a process of its own (RateLimiterProcess). Discarding a
// waiting acquire() future withdraws that request (the future becomes
// DISCARDED and takes no permit). Destroying the limiter terminates its
// process: pending acquire() futures become DISCARDED, as in libprocess.
// Never destroy it from a callback of one of its futures: such callbacks run
// on the limiter's process, which cannot wait for itself (that aborts).
//
// As libprocess notes, a limiter shared by several processes limits when
// permits are handed out, not when each process then acts on its permit.
//
// Ours: a discarded waiter leaves the queue at once (libprocess skips it when
// its turn comes; the timing is the same); a rate too low to express in
// nanoseconds gives one permit and then waits forever.
#pragma once

#include <cstdint>
#include <limits>
#include <list>
#include <memory>
#include <optional>
#include <utility>

#include <glog/logging.h>

#include <process/clock.hpp>
#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/id.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>
#include <process/timeout.hpp>
#include <process/timer.hpp>

namespace process {

class RateLimiterProcess : public Process<RateLimiterProcess> {
 public:
  RateLimiterProcess(int permits, const Duration& duration)
      : ProcessBase(ID::generate("__limiter__")),
        interval_(intervalOf(permits, duration)) {}

  explicit RateLimiterProcess(double permitsPerSecond)
      : ProcessBase(ID::generate("__limiter__")),
        interval_(intervalOf(permitsPerSecond)) {}

  RateLimiterProcess(const RateLimiterProcess&) = delete;
  RateLimiterProcess& operator=(const RateLimiterProcess&) = delete;

  // A request made outside the process: its future is the caller's, so a
  // discard asked for before the request reaches the process is seen here.
  // If the process is gone before it arrives, the request is DISCARDED.
  struct Request {
    Request() = default;
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;
    ~Request() { promise.discard(); }  // a no-op once granted
    Promise<Nothing> promise;
  };

  Future<Nothing> acquire() {
    auto request = std::make_shared<Request>();
    Future<Nothing> future = request->promise.future();
    enqueue(std::move(request));
    return future;
  }

  void enqueue(std::shared_ptr<Request> request) {
    Future<Nothing> future = request->promise.future();
    if (future.hasDiscard()) {
      request->promise.discard();
      return;
    }
    if (waiters_.empty() && nextPermit_.expired()) {
      grant();
      request->promise.set(Nothing());
      return;
    }
    const uint64_t id = ++lastWaiter_;
    waiters_.push_back(Waiter{id, std::move(request)});
    if (!timer_) {
      scheduleServe();
    }
    // Runs on the thread that discards; the withdrawal itself happens here,
    // on the limiter's process.
    future.onDiscard(defer(self(), &RateLimiterProcess::withdraw, id));
  }

 protected:
  void finalize() override {
    if (timer_) {
      Clock::cancel(*timer_);
      timer_.reset();
    }
    std::list<Waiter> waiters = std::move(waiters_);
    waiters_.clear();
    for (Waiter& waiter : waiters) {
      waiter.request->promise.discard();
    }
  }

 private:
  struct Waiter {
    uint64_t id;
    std::shared_ptr<Request> request;
  };

  static Duration intervalOf(int permits, const Duration& duration) {
    CHECK_GT(permits, 0) << "RateLimiter needs a positive number of permits";
    CHECK_GT(duration, Duration::zero())
        << "RateLimiter needs a positive duration";
    return duration / permits;
  }

  static Duration intervalOf(double permitsPerSecond) {
    CHECK_GT(permitsPerSecond, 0.0) << "RateLimiter needs a positive rate";
    const double nanoseconds =
        static_cast<double>(Duration::SECONDS) / permitsPerSecond;
    // Converting a double beyond int64_t's range is undefined: saturate.
    if (nanoseconds >=
        static_cast<double>(std::numeric_limits<int64_t>::max())) {
      return Duration::max();
    }
    return Nanoseconds(static_cast<int64_t>(nanoseconds));
  }

  void grant() { nextPermit_ = Timeout::in(interval_); }

  void scheduleServe() {
    // At the deadline itself, not `remaining()` from now: a paused clock
    // advanced by another thread in between would make a relative timer late.
    timer_ = Clock::timer(nextPermit_.time(), [self = self()] {
      dispatch(self, &RateLimiterProcess::serve);
    });
  }

  void serve() {
    timer_.reset();
    while (!waiters_.empty() && nextPermit_.expired()) {
      std::shared_ptr<Request> request = std::move(waiters_.front().request);
      waiters_.pop_front();
      // A waiter whose discard is asked for but not yet withdrawn (the
      // withdrawal is queued behind this serve) takes no permit.
      if (request->promise.future().hasDiscard()) {
        request->promise.discard();
        continue;
      }
      grant();
      request->promise.set(Nothing());
    }
    if (!waiters_.empty() && !timer_) {
      scheduleServe();
    }
  }

  void withdraw(uint64_t id) {
    for (auto waiter = waiters_.begin(); waiter != waiters_.end(); ++waiter) {
      if (waiter->id == id) {
        std::shared_ptr<Request> request = std::move(waiter->request);
        waiters_.erase(waiter);
        request->promise.discard();
        return;
      }
    }
  }

  const Duration interval_;
  // When the next permit may be handed out.
  Timeout nextPermit_;
  std::list<Waiter> waiters_;
  uint64_t lastWaiter_ = 0;
  // The pending serve(), if any: at most one at a time.
  std::optional<Timer> timer_;
};

class RateLimiter {
 public:
  RateLimiter(int permits, const Duration& duration)
      : process_(std::make_unique<RateLimiterProcess>(permits, duration)) {
    spawn(process_.get());
  }

  explicit RateLimiter(double permitsPerSecond)
      : process_(std::make_unique<RateLimiterProcess>(permitsPerSecond)) {
    spawn(process_.get());
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Discards every pending acquire() future.
  virtual ~RateLimiter() {
    terminate(process_.get());
    wait(process_.get());
  }

  // READY once the permit is granted; discarding it withdraws the request.
  virtual Future<Nothing> acquire() const {
    auto request = std::make_shared<RateLimiterProcess::Request>();
    Future<Nothing> future = request->promise.future();
    dispatch(process_.get(), &RateLimiterProcess::enqueue, std::move(request));
    return future;
  }

 private:
  std::unique_ptr<RateLimiterProcess> process_;
};

}  // namespace process
