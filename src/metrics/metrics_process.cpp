#include "metrics/metrics_process.hpp"

#include <memory>
#include <utility>

#include <glog/logging.h>
#include <nlohmann/json.hpp>

#include <process/after.hpp>
#include <process/collect.hpp>
#include <process/defer.hpp>
#include <process/select.hpp>

#include "metrics/builtin.hpp"
#include "metrics/prometheus.hpp"
#include "runtime/runtime.hpp"
#include "runtime/system_processes.hpp"

namespace process::metrics::internal {

namespace {

const char* const kSnapshotHelp =
    "Provides a snapshot of the current metrics.\n"
    "\n"
    "A JSON object of every metric's name and its value (a number); a\n"
    "metric kept with a window also gives name/count, name/min, name/max,\n"
    "name/p50, name/p90, name/p95, name/p99, name/p999 and name/p9999.\n"
    "\n"
    "Query parameters: 'timeout' (a duration such as 5secs), the longest\n"
    "to wait for gauges computed on demand (one that has not answered by\n"
    "then is left out); 'jsonp', a callback to wrap the JSON in.";

const char* const kPrometheusHelp =
    "The metrics in the Prometheus text format (version 0.0.4).\n"
    "\n"
    "Names are sanitised to [a-zA-Z_:][a-zA-Z0-9_:]*, counters end in\n"
    "_total, timers kept with a window are summaries. Query parameter:\n"
    "'timeout', as for /metrics/snapshot.";

// The ?timeout= of a request, or the 400 answer it deserves.
Try<Option<Duration>> timeoutOf(const http::Request& request) {
  Option<std::string> text = request.url.query.get("timeout");
  if (text.isNone()) {
    return Option<Duration>::none();
  }
  Try<Duration> timeout = Duration::parse(text.get());
  if (timeout.isError()) {
    return Error("Invalid timeout '" + text.get() + "': " + timeout.error() +
                 ".\n");
  }
  return Option<Duration>(timeout.get());
}

}  // namespace

std::map<std::string, double> flatten(const std::vector<Sample>& samples) {
  std::map<std::string, double> flat;
  for (const Sample& sample : samples) {
    if (sample.value.isSome()) {
      flat.emplace(sample.name, sample.value.get());
    }
    if (sample.statistics.isSome()) {
      const Statistics<double>& s = sample.statistics.get();
      const std::string& key = sample.name;
      flat.emplace(key + "/count", static_cast<double>(s.count));
      flat.emplace(key + "/min", s.min);
      flat.emplace(key + "/max", s.max);
      flat.emplace(key + "/p50", s.p50);
      flat.emplace(key + "/p90", s.p90);
      flat.emplace(key + "/p95", s.p95);
      flat.emplace(key + "/p99", s.p99);
      flat.emplace(key + "/p999", s.p999);
      flat.emplace(key + "/p9999", s.p9999);
    }
  }
  return flat;
}

MetricsProcess::MetricsProcess(detail::ContextImpl& context)
    : ProcessBase("metrics"), context_(context) {}

void MetricsProcess::initialize() {
  for (Owned<Metric>& metric : builtinMetrics(context_)) {
    metrics_.emplace(metric->name(), metric);
  }
  if (context_.systemEndpoints) {
    detail::routeSystem(*this, "/snapshot", detail::SystemAccess::kReadOnly,
                        std::string(kSnapshotHelp),
                        [this](const http::Request& request) {
                          return snapshotRoute(request);
                        });
    detail::routeSystem(*this, "/prometheus", detail::SystemAccess::kReadOnly,
                        std::string(kPrometheusHelp),
                        [this](const http::Request& request) {
                          return prometheusRoute(request);
                        });
  }
}

void MetricsProcess::finalize() {
  forgetMetricsProcess(context_, self());
}

Future<Nothing> MetricsProcess::add(Owned<Metric> metric) {
  const std::string name = metric->name();
  if (!metrics_.emplace(name, std::move(metric)).second) {
    return Failure("Metric '" + name + "' was already added");
  }
  return Nothing();
}

Future<Nothing> MetricsProcess::remove(const std::string& name) {
  if (metrics_.erase(name) == 0) {
    return Failure("Metric '" + name + "' not found");
  }
  return Nothing();
}

Future<std::vector<Sample>> MetricsProcess::sample(
    const Option<Duration>& timeout) {
  struct Taken {
    std::vector<Sample> samples;
    std::vector<Future<double>> values;
  };
  auto taken = std::make_shared<Taken>();
  taken->samples.reserve(metrics_.size());
  taken->values.reserve(metrics_.size());
  for (const auto& [name, metric] : metrics_) {
    taken->values.push_back(metric->value());
    taken->samples.push_back(Sample{.name = name,
                                    .kind = metric->kind(),
                                    .value = None(),
                                    .statistics = metric->statistics(),
                                    .windowSum = metric->windowSum(),
                                    .unit = metric->unit()});
  }
  Future<Nothing> answered =
      await(taken->values).then([] { return Nothing(); });
  if (timeout.isSome()) {
    Future<Nothing> expired = after(timeout.get());
    answered = select<Nothing>({answered, expired})
                   .then([expired](const Future<Nothing>&) mutable {
                     expired.discard();  // no timer left behind
                     return Nothing();
                   });
  }
  return answered.then([taken, timeout] {
    for (size_t i = 0; i < taken->values.size(); ++i) {
      const Future<double>& value = taken->values[i];
      if (value.isReady()) {
        taken->samples[i].value = value.get();
      } else if (value.isPending()) {
        VLOG(1) << "Exceeded the timeout of " << timeout.get()
                << " waiting for metric '" << taken->samples[i].name << "'";
      }
    }
    return std::move(taken->samples);
  });
}

Future<std::map<std::string, double>> MetricsProcess::snapshot(
    const Option<Duration>& timeout) {
  return sample(timeout).then(
      [](const std::vector<Sample>& samples) { return flatten(samples); });
}

Future<Nothing> MetricsProcess::nextSnapshotTurn() {
  const Option<Duration>& interval = context_.metricsSnapshotInterval;
  if (interval.isNone()) {
    return Nothing();
  }
  const Time now = Clock::now();
  Time turn = now;
  if (lastSnapshotTurn_.isSome() &&
      lastSnapshotTurn_.get() + interval.get() > now) {
    turn = lastSnapshotTurn_.get() + interval.get();
  }
  lastSnapshotTurn_ = turn;
  if (turn == now) {
    return Nothing();
  }
  return after(turn - now);
}

Future<http::Response> MetricsProcess::snapshotRoute(
    const http::Request& request) {
  Try<Option<Duration>> timeout = timeoutOf(request);
  if (timeout.isError()) {
    return http::BadRequest(timeout.error());
  }
  Option<std::string> jsonp = request.url.query.get("jsonp");
  const Option<Duration> wait = timeout.get();
  return nextSnapshotTurn()
      .then(defer(self(), [this, wait] { return sample(wait); }))
      .then([jsonp](const std::vector<Sample>& samples) -> http::Response {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& [name, value] : flatten(samples)) {
          object[name] = value;
        }
        return http::OK(object, jsonp);
      });
}

Future<http::Response> MetricsProcess::prometheusRoute(
    const http::Request& request) {
  Try<Option<Duration>> timeout = timeoutOf(request);
  if (timeout.isError()) {
    return http::BadRequest(timeout.error());
  }
  return sample(timeout.get())
      .then([](const std::vector<Sample>& samples) -> http::Response {
        return http::OK(renderPrometheus(samples), kPrometheusContentType);
      });
}

}  // namespace process::metrics::internal
