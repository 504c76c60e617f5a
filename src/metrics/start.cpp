// The metrics layer's part of runtime/system_processes.hpp (the registry,
// started by src/system's hook), and the
// public functions of <process/metrics/metrics.hpp>, which find a
// context's registry here.
#include <mutex>
#include <unordered_map>

#include <process/dispatch.hpp>
#include <process/metrics/metrics.hpp>

#include "metrics/metrics_process.hpp"
#include "runtime/runtime.hpp"

namespace process {

namespace metrics::internal {

namespace {

std::mutex& registriesMutex() {
  static auto* mutex = new std::mutex();
  return *mutex;
}

// Each context's registry, from its start until its registry terminates.
std::unordered_map<const detail::ContextImpl*, PID<MetricsProcess>>&
registries() {
  static auto* all =
      new std::unordered_map<const detail::ContextImpl*, PID<MetricsProcess>>();
  return *all;
}

Option<PID<MetricsProcess>> registryOf(Context& context) {
  return metricsProcessOf(detail::implOf(context));
}

const char* const kNoRegistry = "This context runs no metrics registry";

}  // namespace

Option<PID<MetricsProcess>> metricsProcessOf(detail::ContextImpl& context) {
  std::lock_guard<std::mutex> guard(registriesMutex());
  auto found = registries().find(&context);
  if (found == registries().end()) {
    return None();
  }
  return found->second;
}

void forgetMetricsProcess(detail::ContextImpl& context, const UPID& pid) {
  std::lock_guard<std::mutex> guard(registriesMutex());
  auto found = registries().find(&context);
  if (found != registries().end() && found->second == pid) {
    registries().erase(found);
  }
}

Future<Nothing> add(Context& context, Owned<Metric> metric) {
  Option<PID<MetricsProcess>> registry = registryOf(context);
  if (registry.isNone()) {
    return Failure(kNoRegistry);
  }
  return dispatch(registry.get(), &MetricsProcess::add, std::move(metric));
}

Future<Nothing> remove(Context& context, const std::string& name) {
  Option<PID<MetricsProcess>> registry = registryOf(context);
  if (registry.isNone()) {
    return Failure(kNoRegistry);
  }
  return dispatch(registry.get(), &MetricsProcess::remove, name);
}

Future<std::map<std::string, double>> snapshot(
    Context& context, const Option<Duration>& timeout) {
  Option<PID<MetricsProcess>> registry = registryOf(context);
  if (registry.isNone()) {
    return Failure(kNoRegistry);
  }
  return dispatch(registry.get(), &MetricsProcess::snapshot, timeout);
}

}  // namespace metrics::internal

void metrics::internal::startRegistry(detail::ContextImpl& context) {
  auto* registry = new MetricsProcess(context);
  const PID<MetricsProcess> pid(context.spawn(registry, true));
  context.addSystemProcess(pid);
  std::lock_guard<std::mutex> guard(metrics::internal::registriesMutex());
  metrics::internal::registries()[&context] = pid;
}

}  // namespace process
