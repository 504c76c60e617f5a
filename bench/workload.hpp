// The benchmark registry: each workload runs with a scale factor and reports
// one or more figures, printed as docs/benchmarks.md specifies.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace bench {

struct Figure {
  std::string name;  // e.g. "pingpong", or "spawn-memory" beside "spawn"
  double value;
  std::string unit;
  double seconds;
};

struct Workload {
  std::string name;
  std::string description;
  std::function<std::vector<Figure>(double scale)> run;
};

// Workloads register themselves from their own files.
std::vector<Workload>& registry();

struct Register {
  explicit Register(Workload workload);
};

using Clock = std::chrono::steady_clock;

// Wall time since `start`, in seconds: what every workload reports.
inline double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Counts scaled by --scale, never below 1.
long scaled(long count, double scale);

// `procession-bench --peer`: the other end of the remote workloads, a node
// that serves until its standard input closes.
int runPeer();

// bench/tls.cpp: `--tls` sets LIBPROCESS_SSL_* for this run (and the
// peer), with a certificate made for it; false if it cannot.
bool enableTls();
// Whether the nodes of this run speak TLS.
bool tlsOn();

}  // namespace bench
