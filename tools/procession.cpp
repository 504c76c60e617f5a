// procession: a command-line client of libprocess nodes. `send` delivers one
// message and reports the node's answer; `ping` measures round trips;
// `processes`, `metrics`, `help` and `top` read the node's system
// endpoints (inspect_cli.*). Run `procession --help` for the usage and
// exit statuses.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <glog/logging.h>
#include <CLI/CLI.hpp>

#include <process/duration.hpp>
#include <process/try.hpp>

#include "commands.hpp"
#include "durations.hpp"
#include "inspect_cli.hpp"

namespace {

using namespace procession_cli;

constexpr const char* kExamples = R"(
Examples:
  procession send master@10.0.0.5:5050 mesos.internal.Ping
  procession send 'worker(1)@127.0.0.1:5051' job.start @job.json
  procession ping --count 10 master@10.0.0.5:5050
  procession processes 10.0.0.5:5050
  procession metrics 10.0.0.5:5050 --watch 2s procession/
  procession help 10.0.0.5:5050 logging toggle
  procession top 10.0.0.5:5050
)";

constexpr const char* kExitStatuses = R"(
Exit status:
  0   send: the node answered 2xx (202 Accepted: the message was queued);
      ping: every round trip was answered, whatever the status;
      processes, metrics, help, top: the node answered 2xx
  2   send: the node answered another status, e.g. 404 Not Found (no such
      process there) or 400 Bad Request; processes, metrics, help, top:
      the endpoint answered another status (help: 400 for an unknown
      process or route)
  3   no answer: connection refused, host unreachable, timed out, the
      connection closed, or the answer was not HTTP (or, reading an
      endpoint, not JSON)
  64  usage: a bad option or argument, e.g. a UPID that is not id@ip:port
  66  send: the @file of the body cannot be read
  70  an internal error

UPIDs are id@ip:port; the ip may be a host name (resolved to IPv4). A
NODE is host:port, a UPID (its node) or http://host:port.
Durations: 5 or 0.5 (seconds), 5s, 250ms, 10secs, 100us.
--timeout and -v apply to every command, --from to send and ping.
Each command's --help says more: procession metrics --help.)";

int run(int argc, char** argv) {
  CLI::App app(
      "Talks to libprocess nodes (Procession, libprocess, compactor):\n"
      "sends messages from a throw-away node and reports the answers,\n"
      "and reads a node's processes, metrics and help over HTTP.",
      "procession");
  app.footer(std::string(kExamples) + kExitStatuses);
  app.get_formatter()->column_width(30);
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", PROCESSION_VERSION);

  std::string from;
  std::string timeout = "5secs";
  bool verbose = false;
  app.add_option("--from", from,
                 "Sender UPID (default: procession-cli@<a throw-away node>)")
      ->type_name("UPID");
  app.add_option("--timeout", timeout, "Wait to connect, and for each answer")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_flag("-v,--verbose", verbose, "Let the library log (glog)");

  SendOptions sendOptions;
  CLI::App* send = app.add_subcommand(
      "send", "Send one message, print the answer (\"202 Accepted\")");
  send->add_option("UPID", sendOptions.to, "The receiver, id@ip:port")
      ->type_name("")
      ->required();
  send->add_option("NAME", sendOptions.name, "The message's name")
      ->type_name("")
      ->required();
  send->add_option("BODY", sendOptions.body,
                   "The body (default: empty); @file: a file's bytes, "
                   "@-: standard input")
      ->type_name("");
  std::string replyWait = "0";
  send->add_option("--wait", replyWait,
                   "After the answer, wait this long and print every message "
                   "sent back (name, sender, body)")
      ->type_name("DURATION");
  send->add_option("--replies", sendOptions.replies,
                   "With --wait: stop once this many messages came back")
      ->type_name("N");
  send->footer(kExitStatuses);

  PingOptions pingOptions;
  std::string interval = "0";
  CLI::App* ping = app.add_subcommand(
      "ping", "Time round trips: min/avg/max/p50 in microseconds");
  ping->add_option("UPID", pingOptions.to, "Where to send, id@ip:port")
      ->type_name("")
      ->required();
  ping->add_option("-c,--count", pingOptions.count, "Round trips")
      ->type_name("N")
      ->capture_default_str();
  ping->add_option("-i,--interval", interval, "Pause between round trips")
      ->type_name("DURATION")
      ->capture_default_str();
  ping->add_option("--name", pingOptions.name, "The messages' name")
      ->capture_default_str();
  ping->add_flag("-q,--quiet", pingOptions.quiet, "Print only the summary");
  ping->footer(std::string(R"(
Sends N messages one at a time on one connection and times each answer:
any status (202, or 404 for no such process) proves a live node. Prints
each round trip, then min/avg/max/p50 in microseconds.
)") + kExitStatuses);

  InspectCommands inspect(app);

  try {
    // CLI11 takes the arguments last first.
    std::vector<std::string> args = InspectCommands::withWatchValues(
        std::vector<std::string>(argv + 1, argv + argc));
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {  // --help, --version
      return app.exit(error);
    }
    std::cerr << "procession: " << error.what()
              << " (procession --help for usage)" << std::endl;
    return kUsage;
  }
  if (verbose) {
    FLAGS_minloglevel = google::GLOG_INFO;
  }

  process::Try<std::chrono::nanoseconds> wait =
      parseDuration("--timeout", timeout);
  process::Try<std::chrono::nanoseconds> pause =
      parseDuration("--interval", interval);
  process::Try<std::chrono::nanoseconds> replies =
      parseDuration("--wait", replyWait);
  for (const auto* parsed : {&wait, &pause, &replies}) {
    if (parsed->isError()) {
      std::cerr << "procession: " << parsed->error() << std::endl;
      return kUsage;
    }
  }
  if (wait->count() == 0) {
    std::cerr << "procession: --timeout must be more than 0" << std::endl;
    return kUsage;
  }

  if (!send->parsed() && !ping->parsed() && !from.empty()) {
    std::cerr << "procession: --from is for send and ping" << std::endl;
    return kUsage;
  }
  if (std::optional<int> status = inspect.run(wait.get())) {
    return *status;
  }
  if (send->parsed()) {
    sendOptions.from = from;
    sendOptions.timeout = wait.get();
    sendOptions.wait = replies.get();
    if (sendOptions.replies < 0 ||
        (sendOptions.replies > 0 && sendOptions.wait.count() == 0)) {
      std::cerr << "procession: --replies needs --wait, and at least 1"
                << std::endl;
      return kUsage;
    }
    return procession_cli::send(sendOptions);
  }
  pingOptions.from = from;
  pingOptions.timeout = wait.get();
  pingOptions.interval = pause.get();
  return procession_cli::ping(pingOptions);
}

}  // namespace

int main(int argc, char** argv) {
  // Quiet: the output is the answer. Errors the library logs still show.
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = google::GLOG_ERROR;
  google::InitGoogleLogging(argv[0]);
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "procession: " << error.what() << std::endl;
  } catch (...) {
    std::cerr << "procession: an unknown error" << std::endl;
  }
  return kInternal;
}
