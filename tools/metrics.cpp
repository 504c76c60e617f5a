// `procession metrics`: see inspect.hpp.
#include <cctype>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include <process/duration.hpp>

#include "inspect.hpp"
#include "node.hpp"
#include "table.hpp"

namespace procession_cli {

using process::Address;
using process::Try;

namespace {

bool wanted(const std::string& name, const std::vector<std::string>& filters) {
  if (filters.empty()) {
    return true;
  }
  for (const std::string& filter : filters) {
    if (name.find(filter) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// As the Prometheus text names metrics: a character outside
// [a-zA-Z0-9_:] becomes '_', so that "procession/events" finds
// "procession_events_run_total".
std::string prometheusName(std::string name) {
  for (char& c : name) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                      c == '_' || c == ':';
    c = kept ? c : '_';
  }
  return name;
}

// The Prometheus text, keeping the lines (samples, # HELP, # TYPE) of the
// families whose name contains a filter.
std::string filtered(const std::string& text,
                     const std::vector<std::string>& filters) {
  std::vector<std::string> names;
  for (const std::string& filter : filters) {
    names.push_back(prometheusName(filter));
  }
  std::istringstream in(text);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    std::string name = line;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      name = line.substr(7);
    }
    name = name.substr(0, name.find_first_of(" {"));
    if (wanted(name, names)) {
      kept += line + "\n";
    }
  }
  return kept;
}

// The metrics a node's Prometheus text calls counters, by their own names
// (a Procession node's "# HELP x Procession metric 'name'"). Nullopt when
// the node has no such endpoint (libprocess): then every metric is given
// a rate.
std::optional<std::map<std::string, bool>> counters(NodeClient& node) {
  auto response = node.get("/metrics/prometheus?" + node.inspectionTimeout());
  if (response.isError() || response->status / 100 != 2) {
    return std::nullopt;
  }
  static constexpr std::string_view kHelp = "Procession metric '";
  std::map<std::string, bool> kinds;
  std::istringstream in(response->body);
  std::string named;  // by the last # HELP
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) == 0) {
      const size_t start = line.find(kHelp);
      named.clear();
      if (start != std::string::npos && line.back() == '\'') {
        const std::string escaped = line.substr(
            start + kHelp.size(), line.size() - start - kHelp.size() - 1);
        for (size_t i = 0; i < escaped.size(); ++i) {
          if (escaped[i] == '\\' && i + 1 < escaped.size()) {
            ++i;
            named += escaped[i] == 'n' ? '\n' : escaped[i];
          } else {
            named += escaped[i];
          }
        }
      }
    } else if (line.rfind("# TYPE ", 0) == 0 && !named.empty()) {
      kinds[named] = line.size() > 8 && line.ends_with(" counter");
    }
  }
  return kinds;
}

std::string valueText(const nlohmann::json& value) {
  return value.is_number() ? formatNumber(value.get<double>()) : value.dump();
}

int watch(NodeClient& node, const MetricsOptions& options) {
  const auto kinds = options.json ? std::nullopt : counters(node);
  std::map<std::string, double> last;
  std::chrono::steady_clock::time_point lastAt;
  std::ostringstream where;
  where << node.address();
  return refresh(options.refresh, [&](int frame, std::string& out) -> int {
    nlohmann::json snapshot;
    const std::string target = "/metrics/snapshot?" + node.inspectionTimeout();
    if (const int exit = fetchJson(node, target, snapshot); exit != kOk) {
      return exit;
    }
    if (!snapshot.is_object()) {
      return fail("/metrics/snapshot is not an object", kNoAnswer);
    }
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - lastAt).count();
    nlohmann::json shown = nlohmann::json::object();
    Table table({{"NAME", Table::kLeft},
                 {"VALUE", Table::kRight},
                 {"RATE/s", Table::kRight}});
    std::map<std::string, double> values;
    for (const auto& [name, value] : snapshot.items()) {
      if (!wanted(name, options.filters)) {
        continue;
      }
      shown[name] = value;
      std::string rate;
      const bool counted = !kinds || (kinds->contains(name) && kinds->at(name));
      if (value.is_number()) {
        values[name] = value.get<double>();
        if (counted) {
          const auto before = last.find(name);
          rate = before == last.end() || seconds <= 0
                     ? "-"
                     : formatRate((values[name] - before->second) / seconds);
        }
      }
      table.add({name, valueText(value), rate});
    }
    last = std::move(values);
    lastAt = now;
    if (options.json) {
      out = shown.dump() + "\n";
      return kOk;
    }
    std::ostringstream interval;
    interval << process::Duration(options.refresh.interval);
    out = "procession metrics " + where.str() + ", every " + interval.str() +
          ", refresh " + std::to_string(frame) +
          (options.refresh.count > 0
               ? " of " + std::to_string(options.refresh.count)
               : "") +
          (redraws(options.refresh) ? " (Ctrl-C stops)" : "") + "\n" +
          table.render();
    return kOk;
  });
}

}  // namespace

int metrics(const MetricsOptions& options) {
  Try<Address> address = parseNode(options.node);
  if (address.isError()) {
    return fail(address.error(), kUsage);
  }
  NodeClient node(address.get(), options.timeout);
  const std::string query = "?" + node.inspectionTimeout();
  if (options.prometheus) {
    std::string text;
    if (const int exit = fetchText(node, "/metrics/prometheus" + query, text);
        exit != kOk) {
      return exit;
    }
    std::cout << (options.filters.empty() ? text
                                          : filtered(text, options.filters))
              << std::flush;
    return kOk;
  }
  if (options.watch) {
    return watch(node, options);
  }
  nlohmann::json snapshot;
  if (const int exit = fetchJson(node, "/metrics/snapshot" + query, snapshot);
      exit != kOk) {
    return exit;
  }
  if (!snapshot.is_object()) {
    return fail("/metrics/snapshot is not an object", kNoAnswer);
  }
  nlohmann::json shown = nlohmann::json::object();
  Table table({{"", Table::kLeft}, {"", Table::kRight}});
  for (const auto& [name, value] : snapshot.items()) {
    if (wanted(name, options.filters)) {
      shown[name] = value;
      table.add({name, valueText(value)});
    }
  }
  std::cout << (options.json ? shown.dump(2) + "\n" : table.render())
            << std::flush;
  return kOk;
}

}  // namespace procession_cli
