// The Prometheus text exposition format, version 0.0.4, of a snapshot: what
// GET /metrics/prometheus answers.
//
// A name becomes [a-zA-Z_:][a-zA-Z0-9_:]* (every other character is "_",
// a leading digit gets a "_" before it); a counter's gets "_total"; a timer
// is shown in seconds, its unit suffix ("_ms") replaced by "_seconds"
// (promtool's lint refuses abbreviated units): with a window a summary
// (quantiles 0.5 … 0.999, _sum, _count), without one a gauge of its last
// value. Each family has # HELP (the metric's
// own name) and # TYPE lines. A sample without a value is left out, and so
// is a name that, sanitised, is one already written.
#pragma once

#include <string>
#include <vector>

#include "metrics/sample.hpp"

namespace process::metrics::internal {

inline constexpr const char* kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string sanitizePrometheusName(const std::string& name);

std::string renderPrometheus(const std::vector<Sample>& samples);

}  // namespace process::metrics::internal
