// MetricsProcess: one context's metrics registry, the process "metrics"
// (libprocess's metrics::internal::MetricsProcess), whose routes are the
// node's /metrics/snapshot and /metrics/prometheus. It holds the copy of
// each metric metrics::add gave it, and the built-in ones (builtin.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <process/http.hpp>
#include <process/metrics/metric.hpp>
#include <process/nothing.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>
#include <process/time.hpp>

#include "metrics/sample.hpp"

namespace process::detail {
class ContextImpl;
}

namespace process::metrics::internal {

class MetricsProcess : public Process<MetricsProcess> {
 public:
  explicit MetricsProcess(detail::ContextImpl& context);

  Future<Nothing> add(Owned<Metric> metric);
  Future<Nothing> remove(const std::string& name);
  Future<std::map<std::string, double>> snapshot(
      const Option<Duration>& timeout);

 protected:
  void initialize() override;
  void finalize() override;

 private:
  // Every metric's value, once each has answered or `timeout` has passed.
  Future<std::vector<Sample>> sample(const Option<Duration>& timeout);

  // READY when /metrics/snapshot may answer the next request: at once, or
  // an interval after the last answer given (Options'
  // metricsSnapshotRateLimit), on the Clock.
  Future<Nothing> nextSnapshotTurn();

  Future<http::Response> snapshotRoute(const http::Request& request);
  Future<http::Response> prometheusRoute(const http::Request& request);

  detail::ContextImpl& context_;
  std::map<std::string, Owned<Metric>> metrics_;
  Option<Time> lastSnapshotTurn_;
};

// The registry of the context, if it runs one (any thread).
// Spawns `context`'s registry (the process "metrics") and names it a
// system process. From src/system's startSystemProcesses().
void startRegistry(detail::ContextImpl& context);

Option<PID<MetricsProcess>> metricsProcessOf(detail::ContextImpl& context);
// The registry `pid` of `context` is terminating (start.cpp).
void forgetMetricsProcess(detail::ContextImpl& context, const UPID& pid);

}  // namespace process::metrics::internal
