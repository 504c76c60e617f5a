// future-then: the cost of one `then` continuation, on a future that is
// already READY (the continuation runs at once) and on a pending one (it is
// registered, then run when the promise is set).
#include <chrono>
#include <vector>

#include <process/future.hpp>

#include "workload.hpp"

namespace {

using bench::Clock;
using bench::secondsSince;

std::vector<bench::Figure> futureThen(double scale) {
  const long continuations = bench::scaled(1'000'000, scale);
  std::vector<bench::Figure> figures;

  // One chain on a ready future: each then runs at once.
  {
    const auto start = Clock::now();
    process::Future<long> future = 0L;
    for (long i = 0; i < continuations; ++i) {
      future = future.then([](long value) { return value + 1; });
    }
    const double seconds = secondsSince(start);
    if (future.get() != continuations) {
      std::abort();
    }
    figures.push_back({"future-then-ready", seconds * 1e9 / continuations,
                       "ns/continuation", seconds});
  }

  // Chains of 1,000 continuations on pending promises, set at the end: the
  // completion runs every continuation of a chain in turn. (Completion is
  // synchronous, so one chain of a million would recurse a million deep.)
  {
    constexpr long kChain = 1000;
    const long chains = std::max(1L, continuations / kChain);
    const auto start = Clock::now();
    long total = 0;
    for (long c = 0; c < chains; ++c) {
      process::Promise<long> promise;
      process::Future<long> future = promise.future();
      for (long i = 0; i < kChain; ++i) {
        future = future.then([](long value) { return value + 1; });
      }
      promise.set(0);
      total += future.get();
    }
    const double seconds = secondsSince(start);
    if (total != chains * kChain) {
      std::abort();
    }
    figures.push_back({"future-then-pending",
                       seconds * 1e9 / static_cast<double>(chains * kChain),
                       "ns/continuation", seconds});
  }
  return figures;
}

const bench::Register kFutureThen({
    "future-then",
    "1,000,000 chained then continuations on ready and on pending futures",
    futureThen,
});

}  // namespace
