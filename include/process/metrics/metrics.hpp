// metrics::add / metrics::remove: the registry of a node's metrics, which
// GET /metrics/snapshot (JSON, libprocess's shape) and GET
// /metrics/prometheus (the Prometheus text format) show (libprocess's
// process::metrics, guide "Metrics").
//
//   metrics::Counter served("service/requests_served");
//   AWAIT_READY(metrics::add(served));   // a copy is kept; both share it
//   ++served;
//   metrics::snapshot(Seconds(1)).get().at("service/requests_served");  // 1
//   metrics::remove(served);
//
// Each context has its own registry, a process with id "metrics" (its
// endpoints are that process's routes). add(metric) and remove(metric)
// use the default context's, as libprocess's use its one; the overloads
// taking a Context& use that node's. Both are dispatched to the registry
// and return its answer: a second metric of a name already added, or the
// removal of a name not added, is a failed future.
#pragma once

#include <map>
#include <string>
#include <type_traits>

#include <process/context.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/metrics/metric.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/owned.hpp>

namespace process::metrics {

namespace internal {
Future<Nothing> add(Context& context, Owned<Metric> metric);
Future<Nothing> remove(Context& context, const std::string& name);
Future<std::map<std::string, double>> snapshot(Context& context,
                                               const Option<Duration>& timeout);
}  // namespace internal

template <typename T>
requires std::is_base_of_v<Metric, T> Future<Nothing> add(Context& context,
                                                          const T& metric) {
  // The registry holds a copy: removing it drops the registry's only copy.
  return internal::add(context, Owned<Metric>(new T(metric)));
}

template <typename T>
requires std::is_base_of_v<Metric, T> Future<Nothing> add(const T& metric) {
  return add(Context::instance(), metric);
}

inline Future<Nothing> remove(Context& context, const Metric& metric) {
  return internal::remove(context, metric.name());
}

inline Future<Nothing> remove(const Metric& metric) {
  return remove(Context::instance(), metric);
}

// Every metric's value by name, and each windowed one's statistics
// (name/count, name/p50, …); a gauge that has not answered within
// `timeout` is left out (None: wait for all).
inline Future<std::map<std::string, double>> snapshot(
    const Option<Duration>& timeout) {
  return internal::snapshot(Context::instance(), timeout);
}

inline Future<std::map<std::string, double>> snapshot(
    Context& context, const Option<Duration>& timeout) {
  return internal::snapshot(context, timeout);
}

}  // namespace process::metrics
