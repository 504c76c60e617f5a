// PushGauge: a metric whose value the program sets (libprocess's): the
// size of a queue, the number of connected agents. Updating it is one
// relaxed atomic: no lock, no dispatch, from any thread.
//
//   metrics::PushGauge connected("service/agents_connected");
//   metrics::add(connected);
//   connected = 5;
//   ++connected;
//   connected -= 2;
//   connected.value().get();  // 4.0
//
// Like libprocess's, a PushGauge keeps no window.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <process/metrics/metric.hpp>

namespace process::metrics {

class PushGauge : public Metric {
 public:
  explicit PushGauge(const std::string& name)
      : Metric(name, None()),
        value_(std::make_shared<std::atomic<double>>(0)) {}

  Future<double> value() const override {
    return value_->load(std::memory_order_relaxed);
  }

  PushGauge& operator=(double value) {
    value_->store(value, std::memory_order_relaxed);
    return *this;
  }
  PushGauge& operator++() { return *this += 1; }
  PushGauge& operator--() { return *this -= 1; }
  PushGauge& operator+=(double amount) {
    value_->fetch_add(amount, std::memory_order_relaxed);
    return *this;
  }
  PushGauge& operator-=(double amount) {
    value_->fetch_sub(amount, std::memory_order_relaxed);
    return *this;
  }

 private:
  std::shared_ptr<std::atomic<double>> value_;
};

}  // namespace process::metrics
