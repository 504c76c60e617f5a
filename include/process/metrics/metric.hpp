// Metric: what every metric is (libprocess's process::metrics::Metric): a
// name, a value read as a Future<double>, and, if made with a window, the
// statistics of the values it took during the last `window`.
//
//   metrics::Counter requests("service/requests", Minutes(1));
//   metrics::add(requests);  // /metrics/snapshot now shows it
//   ++requests;
//   requests.statistics()->p99;  // of the values it had in the last minute
//
// Copies share one value: metrics::add keeps a copy, the caller updates its
// own, and both see the same number.
//
// A metric without a window keeps no history and its updates take no lock
// (Counter and PushGauge: one relaxed atomic). With a window each update
// also records (value, Clock::now()) in a TimeSeries under a short spin
// lock, as libprocess does.
//
// Ours: kind() says whether it is a counter, a gauge or a timer, unit()
// a timer's unit, for the Prometheus exposition (/metrics/prometheus, which
// shows times in seconds, Prometheus's base unit), and windowSum() gives
// the sum of the window's values for a summary's _sum.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <process/clock.hpp>
#include <process/detail/spinlock.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/option.hpp>
#include <process/statistics.hpp>
#include <process/timeseries.hpp>

namespace process::metrics {

class Metric {
 public:
  enum class Kind { kCounter, kGauge, kTimer };

  virtual ~Metric() = default;

  virtual Future<double> value() const = 0;
  virtual Kind kind() const { return Kind::kGauge; }

  // A timer's unit: the suffix its name ends with ("ms") and its length.
  struct Unit {
    std::string suffix;
    double seconds = 1;
  };
  virtual Option<Unit> unit() const { return None(); }

  const std::string& name() const { return data_->name; }

  // None without a window, or with fewer than two values in it.
  Option<Statistics<double>> statistics() const {
    if (!data_->history) {
      return None();
    }
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    return Statistics<double>::from(*data_->history);
  }

  // The sum of the values in the window; None without a window.
  Option<double> windowSum() const {
    if (!data_->history) {
      return None();
    }
    double sum = 0;
    std::lock_guard<detail::SpinLock> guard(data_->lock);
    for (const auto& point : data_->history->get()) {
      sum += point.data;
    }
    return sum;
  }

 protected:
  Metric(std::string name, const Option<Duration>& window)
      : data_(std::make_shared<Data>(std::move(name), window)) {}

  // Records `value` in the window, if there is one (a load otherwise).
  void push(double value) {
    if (data_->history) {
      const Time now = Clock::now();
      std::lock_guard<detail::SpinLock> guard(data_->lock);
      data_->history->set(value, now);
    }
  }

 private:
  struct Data {
    Data(std::string name, const Option<Duration>& window)
        : name(std::move(name)) {
      if (window.isSome()) {
        history = std::make_unique<TimeSeries<double>>(window.get());
      }
    }
    const std::string name;
    detail::SpinLock lock;                        // guards *history
    std::unique_ptr<TimeSeries<double>> history;  // set once, if windowed
  };

  std::shared_ptr<Data> data_;
};

}  // namespace process::metrics
