// The machine's figures as libprocess's System process gives them (load
// averages, CPUs online, memory): read by the `system/…` pull gauges of
// every node (builtin.cpp) and by /system/stats.json (src/system/stats.cpp).
// A figure the machine does not give is None.
#pragma once

#include <cstdint>

#include <process/option.hpp>

namespace process::metrics::internal {

struct MachineFigures {
  Option<double> load1min;
  Option<double> load5min;
  Option<double> load15min;
  Option<double> cpus;
  Option<double> memTotalBytes;
  Option<double> memFreeBytes;
};

MachineFigures machineFigures();

}  // namespace process::metrics::internal
