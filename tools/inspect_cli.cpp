// The command lines of the commands that read a node: see inspect_cli.hpp.
#include "inspect_cli.hpp"

#include "commands.hpp"
#include "durations.hpp"
#include "node.hpp"

namespace procession_cli {

namespace {

constexpr const char* kNode =
    "The node: host:port, id@host:port (a UPID: its node) or "
    "http://host:port";

constexpr const char* kExits = R"(
Exit status:
  0   the node answered 2xx
  2   the node answered another status, e.g. 404 Not Found (the endpoint
      is off) or 400 Bad Request (help: no such process or route)
  3   no answer: connection refused, host unreachable, timed out, the
      connection closed, or the answer was not HTTP (or not JSON)
  64  usage: a bad option or argument, e.g. a NODE without a port

--timeout bounds connecting and each answer; half of it is asked of the
node as ?timeout=, so that a stuck process shows as unresponsive.
--json prints the endpoint's JSON (refreshing: one object per line).)";

}  // namespace

InspectCommands::InspectCommands(CLI::App& app) {
  processes_ = app.add_subcommand(
      "processes", "The node's processes: queued events, state, links, routes");
  processes_->add_option("NODE", processesOptions_.node, kNode)
      ->type_name("")
      ->required();
  processes_->add_flag("--json", processesOptions_.json,
                       "Print /__processes__ as the node gives it");
  processes_->footer(std::string(R"(
Reads GET /__processes__: one line per process, sorted by id, with its
queued events ("-" when it did not answer within the node's ?timeout=:
inside one long event), its state, how many processes it links to and are
linked to it, and its routes.
)") + kExits);

  metrics_ = app.add_subcommand(
      "metrics", "The node's metrics, sorted by name; --watch for rates");
  metrics_->add_option("NODE", metricsOptions_.node, kNode)
      ->type_name("")
      ->required();
  metrics_
      ->add_option("FILTER", metricsOptions_.filters,
                   "Only the metrics whose name contains one of these")
      ->type_name("");
  metrics_->add_flag("--prometheus", metricsOptions_.prometheus,
                     "Print /metrics/prometheus (the Prometheus text)");
  watch_ = metrics_
               ->add_option("-w,--watch", watchInterval_,
                            "Refresh every INTERVAL (default 1s), with the "
                            "counters' rates per second, until interrupted")
               ->type_name("[INTERVAL]")
               ->expected(0, 1);
  metricsCount_ = metrics_
                      ->add_option("-n,--count", metricsOptions_.refresh.count,
                                   "With --watch: stop after N refreshes")
                      ->type_name("N");
  metrics_->add_flag("--json", metricsOptions_.json,
                     "Print /metrics/snapshot's JSON (with --watch: one "
                     "object per line)");
  metrics_->footer(std::string(R"(
Reads GET /metrics/snapshot: NAME VALUE, one line per metric. With
--watch, a frame per refresh with RATE/s for each counter (the kinds come
from /metrics/prometheus; a node without it, such as libprocess, gets a
rate for every metric). On a terminal each frame replaces the last.
)") + kExits);

  help_ = app.add_subcommand("help", "The node's routes and their help texts");
  help_->add_option("NODE", helpOptions_.node, kNode)
      ->type_name("")
      ->required();
  help_
      ->add_option("PROCESS", helpOptions_.process,
                   "Only this process's routes")
      ->type_name("");
  help_
      ->add_option("ROUTE", helpOptions_.route,
                   "This route's whole help text (\"toggle\", \"/toggle\")")
      ->type_name("");
  help_->add_flag("--json", helpOptions_.json,
                  "Print /help?format=json (or /help/PROCESS[/ROUTE])");
  help_->footer(std::string(R"(
Reads GET /help?format=json: each route's path and summary; with PROCESS,
that process's; with ROUTE, its text (USAGE and the help given to
route()). An unknown process or route: the node's 400, exit status 2.
)") + kExits);

  top_ = app.add_subcommand(
      "top", "A refreshing view of the busiest processes and the totals");
  top_->add_option("NODE", topOptions_.node, kNode)->type_name("")->required();
  top_->add_option("-d,--interval", topInterval_, "Between refreshes")
      ->type_name("DURATION")
      ->capture_default_str();
  topCount_ =
      top_->add_option("-n,--count", topOptions_.refresh.count,
                       "Stop after N refreshes (default: until interrupted)")
          ->type_name("N");
  top_->add_option("--rows", topOptions_.rows, "Processes shown")
      ->type_name("N")
      ->capture_default_str();
  top_->add_flag("--json", topOptions_.json,
                 "One object per refresh and line: {\"processes\": "
                 "/__processes__, \"metrics\": /metrics/snapshot}");
  top_->footer(std::string(R"(
Reads GET /__processes__ and /metrics/snapshot every interval: the node's
events run, messages received and sent per second and its connections
(from the procession/ metrics; "-" on the first frame, or on a node
without them), then the processes with the most events queued (an
unresponsive one first: it is inside one long event) and how fast each
queue grows. On a terminal each frame replaces the last; otherwise frames
follow each other, a blank line apart.
)") + kExits);
}

std::vector<std::string> InspectCommands::withWatchValues(
    std::vector<std::string> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--watch" || args[i] == "-w") {
      if (i + 1 == args.size() || args[i + 1].starts_with("-") ||
          parseDuration("", args[i + 1]).isError()) {
        args[i] = "--watch=1";
      }
    }
  }
  return args;
}

std::optional<int> InspectCommands::run(std::chrono::nanoseconds timeout) {
  if (processes_->parsed()) {
    processesOptions_.timeout = timeout;
    return processes(processesOptions_);
  }
  if (help_->parsed()) {
    if (!helpOptions_.route.empty() && helpOptions_.process.empty()) {
      return fail("help: a ROUTE needs its PROCESS", kUsage);
    }
    helpOptions_.timeout = timeout;
    return help(helpOptions_);
  }
  if (metrics_->parsed()) {
    metricsOptions_.timeout = timeout;
    metricsOptions_.watch = watch_->count() > 0;
    metricsOptions_.refresh.json = metricsOptions_.json;
    if (metricsOptions_.watch) {
      auto interval = parseDuration(
          "--watch", watchInterval_.empty() ? "1" : watchInterval_);
      if (interval.isError() || interval->count() == 0) {
        return fail(interval.isError() ? interval.error()
                                       : "--watch: the interval must be more "
                                         "than 0",
                    kUsage);
      }
      metricsOptions_.refresh.interval = interval.get();
    }
    if (metricsOptions_.prometheus &&
        (metricsOptions_.watch || metricsOptions_.json)) {
      return fail("--prometheus prints the text once: no --watch, no --json",
                  kUsage);
    }
    if (metricsCount_->count() > 0 &&
        (!metricsOptions_.watch || metricsOptions_.refresh.count < 1)) {
      return fail("--count: with --watch, at least 1", kUsage);
    }
    return metrics(metricsOptions_);
  }
  if (top_->parsed()) {
    topOptions_.timeout = timeout;
    topOptions_.refresh.json = topOptions_.json;
    auto interval = parseDuration("--interval", topInterval_);
    if (interval.isError() || interval->count() == 0) {
      return fail(interval.isError()
                      ? interval.error()
                      : "--interval: the interval must be more than 0",
                  kUsage);
    }
    topOptions_.refresh.interval = interval.get();
    if ((topCount_->count() > 0 && topOptions_.refresh.count < 1) ||
        topOptions_.rows < 1) {
      return fail("--count and --rows: at least 1", kUsage);
    }
    return top(topOptions_);
  }
  return std::nullopt;
}

}  // namespace procession_cli
