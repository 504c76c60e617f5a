// Timer<T>: a metric that measures how long something takes, in the unit
// T (Milliseconds, Seconds, …), whose value is the last time measured
// (libprocess's). Its name gets the unit as a suffix: Timer<Milliseconds>
// ("service/allocation") is "service/allocation_ms".
//
//   metrics::Timer<Milliseconds> allocation("service/allocation", Minutes(1));
//   metrics::add(allocation);
//   allocation.start();
//   allocate();
//   allocation.stop();                 // the time since start(), as a T
//   allocation.time(dispatch(pid, &Allocator::run));  // until it completes
//
// With a window, a snapshot also shows name/count, /min, /max, /p50, /p90,
// /p95, /p99, /p999 and /p9999 of the times measured in it, and
// /metrics/prometheus shows the timer as a summary. Without one the value
// is a failure ("No value") until something was timed, so a snapshot
// leaves it out. start() and stop() take a short spin lock.
#pragma once

#include <memory>
#include <string>

#include <process/clock.hpp>
#include <process/future.hpp>
#include <process/metrics/metric.hpp>
#include <process/time.hpp>

namespace process::metrics {

template <typename T>
class Timer : public Metric {
 public:
  explicit Timer(const std::string& name,
                 const Option<Duration>& window = None())
      : Metric(name + "_" + T::units(), window),
        data_(std::make_shared<Data>()) {}

  Future<double> value() const override {
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    if (data_->last.isNone()) {
      return Failure("No value");
    }
    return data_->last.get();
  }
  Kind kind() const override { return Kind::kTimer; }
  Option<Unit> unit() const override {
    return Unit{.suffix = T::units(), .seconds = T(1).secs()};
  }

  void start() {
    const Time now = Clock::now();
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    data_->started = now;
  }

  T stop() {
    const Time now = Clock::now();
    Time started;
    {
      std::lock_guard<detail::SpinLock> guard(data_->lock);
      started = data_->started;
    }
    return record(now - started);
  }

  // Measures from now until `future` completes (whatever its outcome) and
  // returns it. The timer's value is shared: it may go out of scope first.
  template <typename U>
  Future<U> time(const Future<U>& future) {
    const Time started = Clock::now();
    Timer self = *this;
    future.onAny(
        [self, started]() mutable { self.record(Clock::now() - started); });
    return future;
  }

 private:
  struct Data {
    detail::SpinLock lock;  // guards started and last
    Time started;
    Option<double> last;
  };

  T record(const Duration& elapsed) {
    const T measured(elapsed);
    {
      std::lock_guard<detail::SpinLock> guard(data_->lock);
      data_->last = measured.value();
    }
    push(measured.value());
    return measured;
  }

  std::shared_ptr<Data> data_;
};

}  // namespace process::metrics
