// The commands that read a node's system endpoints: `processes`
// (/__processes__), `metrics` (/metrics/snapshot, /metrics/prometheus),
// `help` (/help?format=json) and `top` (/__processes__ and the metrics,
// refreshed). Each prints its result and returns the exit status
// (commands.hpp).
//
//   InspectOptions options;
//   options.node = "127.0.0.1:5050";
//   return processes(options);
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "refresh.hpp"

namespace procession_cli {

struct InspectOptions {
  std::string node;  // host:port, id@host:port or http://host:port
  std::chrono::nanoseconds timeout = std::chrono::seconds(5);
  bool json = false;  // the endpoint's JSON instead of a table
};

struct MetricsOptions : InspectOptions {
  bool prometheus = false;
  bool watch = false;
  Refresh refresh;  // with watch
  // Shown: the metrics whose name contains one of these (all if none).
  std::vector<std::string> filters;
};

struct HelpOptions : InspectOptions {
  std::string process;  // empty: every process
  std::string route;    // empty: every route of `process`
};

struct TopOptions : InspectOptions {
  Refresh refresh;
  int rows = 10;  // processes shown
};

int processes(const InspectOptions& options);
int metrics(const MetricsOptions& options);
int help(const HelpOptions& options);
int top(const TopOptions& options);

}  // namespace procession_cli
