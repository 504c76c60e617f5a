// PullGauge: a metric whose value is asked for when a snapshot is taken
// (libprocess's): a function returning Future<double>, usually deferred
// onto the process that owns the figure, so that it reads its own state.
//
//   PID<Queue> queue = spawn(new Queue(), true);
//   metrics::PullGauge depth("service/queue_depth",
//                            defer(queue, &Queue::depth));  // double depth()
//   metrics::add(depth);
//   …
//   metrics::remove(depth);  // before the queue terminates
//
// The function must stay safe to call until metrics::remove's future is
// ready. A snapshot with ?timeout= leaves out a gauge that has not answered
// by then; one that fails is left out too.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <process/metrics/metric.hpp>

namespace process::metrics {

class PullGauge : public Metric {
 public:
  PullGauge(const std::string& name, std::function<Future<double>()> f)
      : Metric(name, None()),
        f_(std::make_shared<const std::function<Future<double>()>>(
            std::move(f))) {}

  Future<double> value() const override { return (*f_)(); }

 private:
  std::shared_ptr<const std::function<Future<double>()>> f_;
};

}  // namespace process::metrics
