#include "metrics/prometheus.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <utility>

#include <glog/logging.h>

namespace process::metrics::internal {

namespace {

bool validFirst(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':';
}

bool validNext(char c) {
  return validFirst(c) || (c >= '0' && c <= '9');
}

std::string number(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  char text[32];
  // The shortest text that reads back as the same double.
  const std::to_chars_result end =
      std::to_chars(text, text + sizeof(text), value);
  return std::string(text, end.ptr);
}

// HELP text escapes backslash and newline (the format's only two).
std::string helpText(const std::string& name) {
  std::string escaped = "Procession metric '";
  for (const char c : name) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped + "'";
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Writer {
 public:
  // False (and nothing written) if one of `names` was written before.
  bool family(const Sample& sample, const std::string& name, const char* type,
              const std::vector<std::string>& names) {
    for (const std::string& taken : names) {
      if (taken_.contains(taken)) {
        VLOG(1) << "Metric '" << sample.name << "' is left out of "
                << "/metrics/prometheus: its name there, '" << taken
                << "', is another metric's";
        return false;
      }
    }
    taken_.insert(names.begin(), names.end());
    text_ += "# HELP " + name + " " + helpText(sample.name) + "\n";
    text_ += "# TYPE " + name + " " + type + "\n";
    return true;
  }
  void line(const std::string& name, double value) {
    text_ += name + " " + number(value) + "\n";
  }
  std::string take() { return std::move(text_); }

 private:
  std::set<std::string> taken_;
  std::string text_;
};

// A timer's name and scale in seconds: "x_ms" → "x_seconds", 0.001.
std::pair<std::string, double> inSeconds(const Sample& sample,
                                         std::string name) {
  if (sample.unit.isNone()) {
    return {std::move(name), 1};
  }
  const std::string suffix = "_" + sample.unit->suffix;
  if (endsWith(name, suffix)) {
    name.erase(name.size() - suffix.size());
  }
  return {name + "_seconds", sample.unit->seconds};
}

void writeSummary(Writer& writer, const Sample& sample,
                  const std::string& base) {
  const auto [name, scale] = inSeconds(sample, base);
  const Statistics<double>& statistics = sample.statistics.get();
  if (!writer.family(sample, name, "summary",
                     {name, name + "_sum", name + "_count"})) {
    return;
  }
  const std::pair<const char*, double> quantiles[] = {
      {"0.5", statistics.p50},
      {"0.9", statistics.p90},
      {"0.95", statistics.p95},
      {"0.99", statistics.p99},
      {"0.999", statistics.p999}};
  for (const auto& [quantile, value] : quantiles) {
    writer.line(name + "{quantile=\"" + quantile + "\"}", value * scale);
  }
  writer.line(name + "_sum", sample.windowSum.getOrElse(0) * scale);
  writer.line(name + "_count", static_cast<double>(statistics.count));
}

}  // namespace

std::string sanitizePrometheusName(const std::string& name) {
  if (name.empty()) {
    return "_";
  }
  std::string sanitized;
  sanitized.reserve(name.size() + 1);
  if (!validFirst(name[0]) && validNext(name[0])) {
    sanitized += '_';  // a leading digit is kept, after a "_"
  }
  for (const char c : name) {
    const bool valid = sanitized.empty() ? validFirst(c) : validNext(c);
    sanitized += valid ? c : '_';
  }
  return sanitized;
}

std::string renderPrometheus(const std::vector<Sample>& samples) {
  Writer writer;
  for (const Sample& sample : samples) {
    const std::string base = sanitizePrometheusName(sample.name);
    if (sample.kind == Metric::Kind::kTimer && sample.statistics.isSome()) {
      writeSummary(writer, sample, base);
      continue;
    }
    if (sample.value.isNone()) {
      continue;
    }
    if (sample.kind == Metric::Kind::kCounter) {
      const std::string name =
          endsWith(base, "_total") ? base : base + "_total";
      if (writer.family(sample, name, "counter", {name})) {
        writer.line(name, sample.value.get());
      }
    } else if (sample.kind == Metric::Kind::kTimer) {
      const auto [name, scale] = inSeconds(sample, base);
      if (writer.family(sample, name, "gauge", {name})) {
        writer.line(name, sample.value.get() * scale);
      }
    } else {
      // "_total" is the mark of a counter in Prometheus (promtool refuses
      // it on a gauge): libprocess's gauge system/cpus_total is
      // system_cpus here.
      const std::string name =
          endsWith(base, "_total") ? base.substr(0, base.size() - 6) : base;
      if (writer.family(sample, name, "gauge", {name})) {
        writer.line(name, sample.value.get());
      }
    }
  }
  return writer.take();
}

}  // namespace process::metrics::internal
