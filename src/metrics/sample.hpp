// Sample: one metric as a snapshot saw it, what both endpoints render:
// libprocess's JSON map (flatten) and the Prometheus text (prometheus.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <process/metrics/metric.hpp>
#include <process/option.hpp>
#include <process/statistics.hpp>

namespace process::metrics::internal {

struct Sample {
  std::string name;
  Metric::Kind kind = Metric::Kind::kGauge;
  Option<double> value;  // None: it failed, or did not answer in time
  Option<Statistics<double>> statistics;
  Option<double> windowSum;
  Option<Metric::Unit> unit;  // a timer's
};

// libprocess's /metrics/snapshot: name → value, and for a windowed metric
// name/count, /min, /max, /p50, /p90, /p95, /p99, /p999, /p9999.
std::map<std::string, double> flatten(const std::vector<Sample>& samples);

}  // namespace process::metrics::internal
