// The "system" process: /system/stats.json, the machine's load, CPUs and
// memory as libprocess gives them, and ours: this OS process's CPU time,
// resident memory, threads, open descriptors and uptime (from /proc/self).
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <process/help.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "metrics/machine.hpp"
#include "runtime/system_processes.hpp"
#include "system/makers.hpp"

namespace process::system {
namespace {

double seconds(const timeval& time) {
  return static_cast<double>(time.tv_sec) +
         static_cast<double>(time.tv_usec) / 1e6;
}

// The value after "Threads:" in /proc/self/status.
Option<long> threads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) {
      return std::strtol(line.c_str() + 8, nullptr, 10);
    }
  }
  return None();
}

Option<long> openDescriptors() {
  DIR* directory = opendir("/proc/self/fd");
  if (directory == nullptr) {
    return None();
  }
  long count = 0;
  while (const dirent* entry = readdir(directory)) {
    if (entry->d_name[0] != '.') {
      ++count;
    }
  }
  closedir(directory);
  return count - 1;  // the directory's own descriptor
}

Option<long> residentBytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  if (!(statm >> size >> resident)) {
    return None();
  }
  return resident * sysconf(_SC_PAGESIZE);
}

// Seconds since this OS process started: the machine's uptime less the
// process's start (field 22 of /proc/self/stat, in clock ticks since boot).
Option<double> uptime() {
  std::ifstream machine("/proc/uptime");
  double up = 0;
  if (!(machine >> up)) {
    return None();
  }
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)),
                   std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) {
    return None();
  }
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) {
      const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      return up - std::strtod(field.c_str(), nullptr) / ticks;
    }
  }
  return None();
}

nlohmann::json stats() {
  nlohmann::json json = nlohmann::json::object();
  using metrics::internal::MachineFigures;
  // Counts and bytes are integers in libprocess's JSON; loads are not.
  struct Key {
    const char* name;
    Option<double> MachineFigures::*figure;
    bool whole;
  };
  const Key keys[] = {
      {"avg_load_1min", &MachineFigures::load1min, false},
      {"avg_load_5min", &MachineFigures::load5min, false},
      {"avg_load_15min", &MachineFigures::load15min, false},
      {"cpus_total", &MachineFigures::cpus, true},
      {"mem_total_bytes", &MachineFigures::memTotalBytes, true},
      {"mem_free_bytes", &MachineFigures::memFreeBytes, true},
  };
  const MachineFigures machine = metrics::internal::machineFigures();
  for (const Key& key : keys) {
    if (const Option<double>& value = machine.*key.figure; value.isSome()) {
      if (key.whole) {
        json[key.name] = static_cast<uint64_t>(value.get());
      } else {
        json[key.name] = value.get();
      }
    }
  }
  // Ours: this OS process.
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    json["process_cpu_user_seconds"] = seconds(usage.ru_utime);
    json["process_cpu_system_seconds"] = seconds(usage.ru_stime);
  }
  if (Option<long> rss = residentBytes(); rss.isSome()) {
    json["process_rss_bytes"] = rss.get();
  }
  if (Option<long> count = threads(); count.isSome()) {
    json["process_threads"] = count.get();
  }
  if (Option<long> count = openDescriptors(); count.isSome()) {
    json["process_open_fds"] = count.get();
  }
  if (Option<double> seconds = uptime(); seconds.isSome()) {
    json["process_uptime_seconds"] = seconds.get();
  }
  return json;
}

std::string statsHelp() {
  return HELP(
      TLDR("Shows local system metrics."),
      DESCRIPTION(
          ">        cpus_total                  CPUs online",
          ">        avg_load_1min               Load average over 1 minute,"
          " as uptime(1)",
          ">        avg_load_5min               Over 5 minutes",
          ">        avg_load_15min              Over 15 minutes",
          ">        mem_total_bytes             Memory of the machine",
          ">        mem_free_bytes              Memory free",
          ">        process_cpu_user_seconds    CPU time of this process,"
          " user",
          ">        process_cpu_system_seconds  CPU time of this process,"
          " system",
          ">        process_rss_bytes           Resident memory",
          ">        process_threads             Threads",
          ">        process_open_fds            Open file descriptors",
          ">        process_uptime_seconds      Seconds since it started", "",
          "Query parameters:", "",
          ">        jsonp=VALUE                 A JSONP callback"),
      AUTHENTICATION(false));
}

class StatsProcess final : public Process<StatsProcess> {
 public:
  StatsProcess() : ProcessBase("system") {}

 protected:
  void initialize() override {
    detail::routeSystem(*this, "/stats.json", detail::SystemAccess::kReadOnly,
                        statsHelp(), [](const http::Request& request) {
                          return Future<http::Response>(http::OK(
                              stats(), request.url.query.get("jsonp")));
                        });
  }
};

}  // namespace

ProcessBase* makeStatsProcess() {
  return new StatsProcess();
}

}  // namespace process::system
