// Gauge: the name older libprocess gave the gauge now called PullGauge
// (a function returning Future<double>, asked at snapshot time); current
// libprocess has no gauge.hpp. Kept so that code written against either
// compiles: metrics::Gauge is metrics::PullGauge.
//
//   metrics::Gauge load("service/load", [] { return Future<double>(0.5); });
//   metrics::add(load);
//
// For a value the program sets, see PushGauge (push_gauge.hpp).
#pragma once

#include <process/metrics/pull_gauge.hpp>
#include <process/metrics/push_gauge.hpp>

namespace process::metrics {

using Gauge = PullGauge;

}  // namespace process::metrics
