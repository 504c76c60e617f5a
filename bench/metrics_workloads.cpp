// metrics: what one update of a Counter (++) and of a PushGauge (+=) costs,
// from one thread and from two threads updating the same metric at once
// (the contended case: both hit one cache line). Nothing is registered: an
// update never looks at the registry.
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <process/metrics/counter.hpp>
#include <process/metrics/push_gauge.hpp>

#include "workload.hpp"

namespace {

using bench::Clock;
using bench::secondsSince;

// Runs `update` `count` times on each of `threads` threads; the figure is
// the wall time over the updates of one thread: what each update costs the
// thread making it.
template <typename Update>
bench::Figure timed(const std::string& name, int threads, long count,
                    Update update) {
  const auto start = Clock::now();
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([count, &update] {
      for (long i = 0; i < count; ++i) {
        update();
      }
    });
  }
  for (std::thread& thread : running) {
    thread.join();
  }
  const double seconds = secondsSince(start);
  return {name, seconds * 1e9 / static_cast<double>(count), "ns/update",
          seconds};
}

std::vector<bench::Figure> metricsUpdates(double scale) {
  const long updates = bench::scaled(20'000'000, scale);
  std::vector<bench::Figure> figures;
  for (const int threads : {1, 2}) {
    const std::string suffix = "-" + std::to_string(threads) + "t";
    process::metrics::Counter counter("bench/counter");
    figures.push_back(timed("metrics-counter" + suffix, threads, updates,
                            [&counter] { ++counter; }));
    if (counter.value().get() != static_cast<double>(updates * threads)) {
      std::abort();
    }
    process::metrics::PushGauge gauge("bench/gauge");
    figures.push_back(timed("metrics-push-gauge" + suffix, threads, updates,
                            [&gauge] { gauge += 1; }));
    if (gauge.value().get() != static_cast<double>(updates * threads)) {
      std::abort();
    }
  }
  return figures;
}

const bench::Register kMetrics({
    "metrics",
    "20,000,000 Counter++ and PushGauge += from one thread and from two",
    metricsUpdates,
});

}  // namespace
