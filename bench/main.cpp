// procession-bench: runs the workloads of docs/benchmarks.md and prints
//   workload: NAME VALUE UNIT SECONDS s
// Usage: procession-bench [--list] [--scale F] [--repeat N] [--tls] [NAME...]
// (--tls: every node speaks TLS, bench/tls.cpp; figures end in "-tls")
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "workload.hpp"

namespace bench {

std::vector<Workload>& registry() {
  static std::vector<Workload> workloads;
  return workloads;
}

Register::Register(Workload workload) {
  registry().push_back(std::move(workload));
}

long scaled(long count, double scale) {
  return std::max(1L, static_cast<long>(static_cast<double>(count) * scale));
}

}  // namespace bench

namespace {

int usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--list] [--scale F] [--repeat N] [--tls] "
               "[NAME...]\n",
               program);
  return 2;
}

// The median run of each figure, by its value.
std::vector<bench::Figure> medians(
    const std::vector<std::vector<bench::Figure>>& runs) {
  std::map<std::string, std::vector<bench::Figure>> byName;
  std::vector<std::string> order;
  for (const auto& run : runs) {
    for (const auto& figure : run) {
      if (byName[figure.name].empty()) {
        order.push_back(figure.name);
      }
      byName[figure.name].push_back(figure);
    }
  }
  std::vector<bench::Figure> result;
  for (const std::string& name : order) {
    auto& figures = byName[name];
    std::sort(figures.begin(), figures.end(),
              [](const auto& a, const auto& b) { return a.value < b.value; });
    result.push_back(figures[figures.size() / 2]);
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--peer") == 0) {
    return bench::runPeer();
  }
  double scale = 1.0;
  int repeat = 1;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--list") {
      for (const auto& workload : bench::registry()) {
        std::printf("%-20s %s\n", workload.name.c_str(),
                    workload.description.c_str());
      }
      return 0;
    } else if (arg == "--scale" && i + 1 < argc) {
      scale = std::atof(argv[++i]);
      if (scale <= 0) {
        return usage(argv[0]);
      }
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
      if (repeat < 1) {
        return usage(argv[0]);
      }
    } else if (arg == "--tls") {
      if (!bench::enableTls()) {
        return 1;
      }
    } else if (!arg.empty() && arg[0] == '-') {
      return usage(argv[0]);
    } else {
      names.push_back(arg);
    }
  }

  for (const std::string& name : names) {
    const auto& workloads = bench::registry();
    if (std::none_of(workloads.begin(), workloads.end(),
                     [&](const auto& w) { return w.name == name; })) {
      std::fprintf(stderr, "unknown workload '%s' (see --list)\n",
                   name.c_str());
      return 2;
    }
  }

  for (const auto& workload : bench::registry()) {
    if (!names.empty() &&
        std::find(names.begin(), names.end(), workload.name) == names.end()) {
      continue;
    }
    std::vector<std::vector<bench::Figure>> runs;
    for (int r = 0; r < repeat; ++r) {
      runs.push_back(workload.run(scale));
    }
    for (const auto& figure : medians(runs)) {
      // Whole numbers, as docs/benchmarks.md shows them; small figures (ns per
      // continuation) keep two decimals.
      std::printf(figure.value >= 100 ? "workload: %s %.0f %s %.3f s\n"
                                      : "workload: %s %.2f %s %.3f s\n",
                  (figure.name + (bench::tlsOn() ? "-tls" : "")).c_str(),
                  figure.value, figure.unit.c_str(), figure.seconds);
      std::fflush(stdout);
    }
  }
  return 0;
}
