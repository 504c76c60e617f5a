// Counter: a metric that counts up (libprocess's). Updating it is one
// relaxed atomic add: no lock, no dispatch, from any thread.
//
//   metrics::Counter sent("service/messages_sent");
//   metrics::add(sent);
//   ++sent;
//   sent += 10;
//   sent.value().get();  // 11.0
//
// With a window (Counter("x", Minutes(1))) each update also records the
// new value for statistics(), under a short lock (metric.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <process/metrics/metric.hpp>

namespace process::metrics {

class Counter : public Metric {
 public:
  explicit Counter(const std::string& name,
                   const Option<Duration>& window = None())
      : Metric(name, window),
        value_(std::make_shared<std::atomic<int64_t>>(0)) {
    push(0);
  }

  Future<double> value() const override {
    return static_cast<double>(value_->load(std::memory_order_relaxed));
  }
  Kind kind() const override { return Kind::kCounter; }

  void reset() {
    value_->store(0, std::memory_order_relaxed);
    push(0);
  }

  Counter& operator++() { return *this += 1; }
  // As libprocess: the copy returned shares the (incremented) value.
  Counter operator++(int) {
    Counter before(*this);
    ++*this;
    return before;
  }

  Counter& operator+=(int64_t amount) {
    const int64_t previous =
        value_->fetch_add(amount, std::memory_order_relaxed);
    push(static_cast<double>(previous + amount));
    return *this;
  }

 private:
  std::shared_ptr<std::atomic<int64_t>> value_;
};

}  // namespace process::metrics
