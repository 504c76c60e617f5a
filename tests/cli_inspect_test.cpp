// The procession tool's commands that read a node's system endpoints
// (processes, metrics, help, top), run as a child process against a node
// of this test with processes, a route and a metric of known names.
#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/help.hpp>
#include <process/http.hpp>
#include <process/metrics/counter.hpp>
#include <process/metrics/metrics.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "cli_run.hpp"
#include "gate.hpp"

using namespace process;
using cli_testing::lines;
using cli_testing::Outcome;
using cli_testing::runCli;
using cli_testing::Socket;

namespace {

// A process with a route and its help text, linked to another.
class Worker : public Process<Worker> {
 public:
  explicit Worker(const ProcessBase* peer)
      : ProcessBase("worker(1)"), peer_(peer) {}

 protected:
  void initialize() override {
    route("/state",
          HELP(TLDR("Shows the worker's state."),
               DESCRIPTION("The jobs it runs, as JSON.")),
          [](const http::Request&) { return http::OK("{}"); });
    link(peer_->self());
  }

 private:
  const ProcessBase* peer_;
};

class Peer : public Process<Peer> {
 public:
  Peer() : ProcessBase("peer") {}
};

// The words of a line.
std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> result;
  for (std::string word; in >> word;) {
    result.push_back(word);
  }
  return result;
}

// The words of the line whose first word is `first`, in `text`.
std::vector<std::string> row(const std::string& text,
                             const std::string& first) {
  for (const std::string& line : lines(text)) {
    std::vector<std::string> found = words(line);
    if (!found.empty() && found[0] == first) {
      return found;
    }
  }
  return {};
}

size_t count(const std::string& text, const std::string& part) {
  size_t found = 0;
  for (size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size())) {
    ++found;
  }
  return found;
}

class CliInspectTest : public ::testing::Test {
 protected:
  CliInspectTest()
      : worker_(&peer_),
        node_(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 2}),
        peerPid_(node_.spawn(peer_)),
        ticks_("test/ticks") {
    node_.spawn(worker_);
    ticks_ += 42;
    EXPECT_TRUE(metrics::add(node_, ticks_).await(Seconds(15)));
  }

  ~CliInspectTest() override {
    metrics::remove(node_, ticks_).await(Seconds(15));
  }

  std::string node() const {
    return "127.0.0.1:" + std::to_string(node_.address().port);
  }

  // Destroyed in reverse: the node terminates and waits for its processes.
  Peer peer_;
  Worker worker_;
  Context node_;
  UPID peerPid_;
  metrics::Counter ticks_;
};

TEST_F(CliInspectTest, ProcessesIsATableOfTheNodesProcesses) {
  Outcome run = runCli({"processes", node()});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("", run.err);
  EXPECT_EQ((std::vector<std::string>{"ID", "QUEUED", "STATE", "LINKS",
                                      "LINKERS", "ROUTES"}),
            words(lines(run.out).at(0)));
  // id, queued, state, links, linkers, routes.
  const std::vector<std::string> worker = row(run.out, "worker(1)");
  ASSERT_EQ(6u, worker.size()) << run.out;
  EXPECT_EQ("1", worker[3]);
  EXPECT_EQ("/state", worker[5]);
  const std::vector<std::string> peer = row(run.out, "peer");
  ASSERT_EQ(5u, peer.size()) << run.out;  // no routes
  EXPECT_EQ("0", peer[3]);
  EXPECT_EQ("1", peer[4]);
  const std::vector<std::string> metrics = row(run.out, "metrics");
  ASSERT_EQ(7u, metrics.size()) << run.out;
  EXPECT_EQ("/snapshot", metrics[5]);
  EXPECT_EQ("/prometheus", metrics[6]);
  EXPECT_NE(std::string::npos, lines(run.out).back().find(" processes, "))
      << run.out;
}

TEST_F(CliInspectTest, ProcessesJsonIsTheEndpoints) {
  Outcome run = runCli({"processes", "--json", node()});
  ASSERT_EQ(0, run.status) << run.err;
  const nlohmann::json json = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(json.is_array()) << run.out;
  bool found = false;
  for (const nlohmann::json& process : json) {
    if (process.at("id") == "worker(1)") {
      found = true;
      EXPECT_EQ(nlohmann::json::array({"/state"}), process.at("routes"));
      EXPECT_EQ(nlohmann::json::array({std::string(peerPid_)}),
                process.at("links"));
      EXPECT_TRUE(process.at("events").is_array());
      EXPECT_TRUE(process.at("queued").is_number());
    }
  }
  EXPECT_TRUE(found) << run.out;
}

TEST_F(CliInspectTest, TheNodeMayBeAUpidOrAUrl) {
  const std::string port = std::to_string(node_.address().port);
  for (const std::string& given :
       {"worker(1)@127.0.0.1:" + port, "http://127.0.0.1:" + port,
        "http://localhost:" + port + "/__processes__", "localhost:" + port}) {
    Outcome run = runCli({"processes", given});
    EXPECT_EQ(0, run.status) << given << ": " << run.err;
    EXPECT_EQ(6u, row(run.out, "worker(1)").size()) << given;
  }
}

TEST_F(CliInspectTest, MetricsAreSortedAndAligned) {
  Outcome run = runCli({"metrics", node()});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ((std::vector<std::string>{"test/ticks", "42"}),
            row(run.out, "test/ticks"));
  const std::vector<std::string> all = lines(run.out);
  ASSERT_GT(all.size(), 10u);
  std::vector<std::string> names;
  for (const std::string& line : all) {
    names.push_back(words(line).at(0));
    EXPECT_EQ(all[0].size(), line.size()) << "not aligned: " << line;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(1u, row(run.out, "procession/processes").size() - 1);
}

TEST_F(CliInspectTest, MetricsFiltersAndJson) {
  Outcome run = runCli({"metrics", node(), "test/", "uptime"});
  ASSERT_EQ(0, run.status) << run.err;
  const std::vector<std::string> shown = lines(run.out);
  ASSERT_EQ(2u, shown.size()) << run.out;
  EXPECT_EQ("procession/uptime_secs", words(shown[0]).at(0));
  EXPECT_EQ("test/ticks", words(shown[1]).at(0));

  run = runCli({"metrics", "--json", node()});
  ASSERT_EQ(0, run.status) << run.err;
  const nlohmann::json json = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << run.out;
  EXPECT_EQ(42.0, json.at("test/ticks"));
  EXPECT_TRUE(json.contains("procession/events_run"));
}

TEST_F(CliInspectTest, MetricsPrometheusIsTheText) {
  Outcome run = runCli({"metrics", "--prometheus", node()});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_NE(std::string::npos, run.out.find("# TYPE test_ticks_total counter\n"
                                            "test_ticks_total 42\n"))
      << run.out;
  EXPECT_NE(std::string::npos,
            run.out.find("# TYPE procession_processes gauge"));

  run = runCli({"metrics", "--prometheus", node(), "test/ticks"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ(
      "# HELP test_ticks_total Procession metric 'test/ticks'\n"
      "# TYPE test_ticks_total counter\ntest_ticks_total 42\n",
      run.out);
}

// Two frames: the counter's rate is "-" in the first (nothing to compare
// with) and a number in the second; a gauge has none.
TEST_F(CliInspectTest, MetricsWatchRefreshesWithRates) {
  Outcome run = runCli({"metrics", node(), "--watch", "10ms", "--count", "2",
                        "test/", "procession/processes"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ(2u, count(run.out, "procession metrics " + node() + ", every "))
      << run.out;
  EXPECT_EQ(std::string::npos, run.out.find('\x1b'));  // not a terminal
  const size_t second = run.out.find("refresh 2 of 2");
  ASSERT_NE(std::string::npos, second) << run.out;
  const std::string first = run.out.substr(0, second);
  const std::string last = run.out.substr(second);
  EXPECT_EQ((std::vector<std::string>{"test/ticks", "42", "-"}),
            row(first, "test/ticks"));
  EXPECT_EQ((std::vector<std::string>{"test/ticks", "42", "0.0"}),
            row(last, "test/ticks"));
  EXPECT_EQ(2u, row(last, "procession/processes").size()) << last;

  // --watch with no interval before a filter: the filter stays a filter.
  run = runCli({"metrics", node(), "--count", "1", "--watch", "test/"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_NE(std::string::npos, run.out.find("every 1secs")) << run.out;
  EXPECT_EQ(3u, row(run.out, "test/ticks").size()) << run.out;
}

TEST_F(CliInspectTest, MetricsWatchJsonIsOneObjectPerLine) {
  Outcome run = runCli(
      {"metrics", node(), "--json", "--watch", "10ms", "-n", "2", "test/"});
  ASSERT_EQ(0, run.status) << run.err;
  const std::vector<std::string> frames = lines(run.out);
  ASSERT_EQ(2u, frames.size()) << run.out;
  for (const std::string& frame : frames) {
    EXPECT_EQ(nlohmann::json({{"test/ticks", 42.0}}),
              nlohmann::json::parse(frame, nullptr, false));
  }
}

TEST_F(CliInspectTest, HelpListsTheRoutesAndTheirTexts) {
  Outcome run = runCli({"help", node()});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ((std::vector<std::string>{"/worker(1)/state", "Shows", "the",
                                      "worker's", "state."}),
            row(run.out, "/worker(1)/state"))
      << run.out;
  EXPECT_NE(std::string::npos, run.out.find("/logging/toggle "));

  run = runCli({"help", node(), "worker(1)"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ("/worker(1)/state  Shows the worker's state.\n", run.out);

  run = runCli({"help", node(), "worker(1)", "state"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ(0u, run.out.find("### USAGE ###\n>        /worker(1)/state\n"))
      << run.out;
  EXPECT_NE(std::string::npos, run.out.find("The jobs it runs, as JSON."));

  // The route "/" of a process, which /help/<id>/<route> cannot name.
  run = runCli({"help", node(), "__network__", "/"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_NE(std::string::npos, run.out.find("Shows the node's connections"));
}

TEST_F(CliInspectTest, HelpJsonHasTheEndpointsShapes) {
  Outcome run = runCli({"help", "--json", node()});
  ASSERT_EQ(0, run.status) << run.err;
  nlohmann::json json = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(json.contains("processes")) << run.out;
  bool found = false;
  for (const nlohmann::json& process : json.at("processes")) {
    found = found || process.at("id") == "worker(1)";
  }
  EXPECT_TRUE(found);

  run = runCli({"help", "--json", node(), "worker(1)"});
  ASSERT_EQ(0, run.status) << run.err;
  json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_EQ("worker(1)", json.value("id", ""));
  ASSERT_EQ(1u, json.at("endpoints").size());
  EXPECT_EQ("/state", json.at("endpoints")[0].at("name"));

  run = runCli({"help", "--json", node(), "worker(1)", "/state"});
  ASSERT_EQ(0, run.status) << run.err;
  json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_EQ("worker(1)", json.value("id", ""));
  EXPECT_EQ("/state", json.value("name", ""));
  EXPECT_EQ("Shows the worker's state.", json.value("tldr", ""));
  EXPECT_NE(std::string::npos, json.value("text", "").find("### USAGE ###"));
}

TEST_F(CliInspectTest, HelpForAnUnknownProcessIsTheNodesRefusal) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help", node(), "nobody"},
        {"help", node(), "worker(1)", "nothing"}}) {
    Outcome run = runCli(args);
    EXPECT_EQ(2, run.status) << run.err;
    EXPECT_EQ("", run.out);
    ASSERT_EQ(1u, lines(run.err).size()) << run.err;
    EXPECT_EQ(0u, run.err.find("procession: 400 Bad Request: /help/"))
        << run.err;
    EXPECT_NE(std::string::npos, run.err.find("No help available for '/"));
  }
}

TEST_F(CliInspectTest, TopPrintsOneFramePerRefresh) {
  Outcome run = runCli({"top", node(), "--count", "2", "--interval", "10ms"});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ(2u, count(run.out, "procession top " + node() + ", every 10ms"))
      << run.out;
  EXPECT_EQ(2u, count(run.out, "\nEVENTS/s  QUEUED  STATE")) << run.out;
  EXPECT_EQ(2u, count(run.out, "  worker(1)\n"));
  EXPECT_EQ(std::string::npos, run.out.find('\x1b'));
  // The first frame has no rates yet; the second has the node's events.
  const size_t second = run.out.find("refresh 2 of 2");
  ASSERT_NE(std::string::npos, second);
  EXPECT_NE(std::string::npos, run.out.find("events -/s, messages in -/s"));
  EXPECT_EQ(std::string::npos, run.out.find("events -/s", second)) << run.out;

  run = runCli({"top", node(), "--json", "-n", "2", "-d", "10ms"});
  ASSERT_EQ(0, run.status) << run.err;
  const std::vector<std::string> frames = lines(run.out);
  ASSERT_EQ(2u, frames.size()) << run.out;
  for (const std::string& frame : frames) {
    const nlohmann::json json = nlohmann::json::parse(frame, nullptr, false);
    ASSERT_TRUE(json.is_object()) << frame;
    EXPECT_TRUE(json.at("processes").is_array());
    EXPECT_EQ(42.0, json.at("metrics").at("test/ticks"));
  }
}

// A process that keeps dispatching to itself runs far more events a second
// than any other: from the second frame on, it heads the list.
TEST_F(CliInspectTest, TopListsTheProcessRunningMostEventsFirst) {
  class Spinner : public Process<Spinner> {
   public:
    Spinner() : ProcessBase("spinner") {}
    void spin() {
      if (!stop.load()) {
        dispatch(self(), &Spinner::spin);
      }
    }
    std::atomic<bool> stop{false};
  };
  Spinner spinner;
  node_.spawn(spinner);
  dispatch(spinner.self(), &Spinner::spin);
  Outcome run = runCli({"top", node(), "-n", "2", "-d", "200ms"});
  spinner.stop = true;
  terminate(spinner);
  wait(spinner);
  ASSERT_EQ(0, run.status) << run.err;
  const size_t second = run.out.find("refresh 2 of 2");
  ASSERT_NE(std::string::npos, second) << run.out;
  const std::vector<std::string> shown = lines(run.out.substr(second));
  ASSERT_GT(shown.size(), 5u) << run.out;
  const std::vector<std::string> first = words(shown[5]);
  ASSERT_EQ(4u, first.size()) << run.out;
  EXPECT_EQ("spinner", first[3]) << run.out;
  EXPECT_NE("-", first[0]) << run.out;
  EXPECT_NE("0", first[0]) << run.out;
  // The first frame has no earlier one to compute a rate from.
  std::vector<std::string> firstFrameRow;
  for (const std::string& line : lines(run.out.substr(0, second))) {
    const std::vector<std::string> found = words(line);
    if (found.size() == 4 && found[3] == "spinner") {
      firstFrameRow = found;
    }
  }
  ASSERT_EQ(4u, firstFrameRow.size()) << run.out;
  EXPECT_EQ("-", firstFrameRow[0]) << run.out;
}

TEST_F(CliInspectTest, TopOnATerminalRedrawsEachFrame) {
  Outcome run =
      runCli({"top", node(), "-n", "2", "-d", "10ms"}, {.terminal = true});
  ASSERT_EQ(0, run.status) << run.err;
  EXPECT_EQ(2u, count(run.out, "\x1b[H\x1b[2J")) << run.out;
  EXPECT_EQ(0u, run.out.find("\x1b[H\x1b[2Jprocession top ")) << run.out;
}

// A process inside one long event does not answer the inspection within
// the node's ?timeout= (half of --timeout): top lists it first.
TEST_F(CliInspectTest, TopListsAStuckProcessFirst) {
  class Stuck : public Process<Stuck> {
   public:
    Stuck() : ProcessBase("stuck") {}
  };
  Stuck stuck;
  node_.spawn(stuck);
  Gate entered;
  Gate release;
  dispatch(stuck.self(), [&] {
    entered.open();
    release.wait(std::chrono::seconds(60));
  });
  ASSERT_TRUE(entered.wait());
  Outcome run = runCli({"--timeout", "1s", "top", node(), "-n", "1"});
  release.open();
  terminate(stuck);
  wait(stuck);
  ASSERT_EQ(0, run.status) << run.err;
  const std::vector<std::string> shown = lines(run.out);
  ASSERT_GT(shown.size(), 5u) << run.out;
  EXPECT_EQ((std::vector<std::string>{"-", "-", "unresponsive", "stuck"}),
            words(shown[5]))
      << run.out;
}

TEST_F(CliInspectTest, EndpointsTurnedOffAre404) {
  Context quiet(Context::Options{
      .ip = "127.0.0.1", .port = 0, .workers = 1, .systemEndpoints = false});
  const std::string at = "127.0.0.1:" + std::to_string(quiet.address().port);
  Outcome run = runCli({"metrics", at});
  EXPECT_EQ(2, run.status);
  EXPECT_EQ("procession: 404 Not Found: /metrics/snapshot\n", run.err);
  run = runCli({"processes", at});
  EXPECT_EQ(2, run.status);
  EXPECT_EQ(0u, run.err.find("procession: 404 Not Found: /__processes__"))
      << run.err;
}

TEST(CliInspect, AClosedPortIsNoAnswer) {
  Socket closed(false);
  const std::string at = "127.0.0.1:" + std::to_string(closed.port());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"processes", at},
        {"metrics", at},
        {"metrics", at, "--prometheus"},
        {"metrics", at, "--watch", "10ms"},
        {"help", at, "logging"},
        {"top", at}}) {
    Outcome run = runCli(args);
    EXPECT_EQ(3, run.status) << args[0];
    EXPECT_EQ("", run.out);
    EXPECT_EQ("procession: cannot connect to " + at + ": Connection refused\n",
              run.err);
  }
}

TEST(CliInspect, UsageErrorsAreOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"processes"},
        {"processes", "nohost"},
        {"processes", "127.0.0.1:99999"},
        {"processes", "https://127.0.0.1:5050"},
        {"processes", "--from", "a@10.0.0.1:1", "127.0.0.1:5050"},
        {"metrics", "127.0.0.1:5050", "--count", "2"},
        {"metrics", "127.0.0.1:5050", "--prometheus", "--json"},
        {"metrics", "127.0.0.1:5050", "--watch", "0"},
        {"help", "127.0.0.1:5050", "--bogus"},
        {"top", "127.0.0.1:5050", "--interval", "soon"},
        {"top", "127.0.0.1:5050", "--count", "0"}}) {
    Outcome run = runCli(args);
    EXPECT_EQ(64, run.status) << args.back() << ": " << run.err;
    EXPECT_EQ("", run.out);
    EXPECT_EQ(1u, lines(run.err).size()) << run.err;
    EXPECT_EQ(0u, run.err.find("procession: ")) << run.err;
  }
}

TEST(CliInspect, HelpSaysTheCommandsAndExitStatuses) {
  Outcome run = runCli({"--help"});
  EXPECT_EQ(0, run.status);
  for (const char* command : {"processes", "metrics", "help", "top"}) {
    EXPECT_NE(std::string::npos, run.out.find(command)) << command;
  }
  for (const char* command : {"processes", "metrics", "help", "top"}) {
    run = runCli({command, "--help"});
    EXPECT_EQ(0, run.status) << command;
    EXPECT_NE(std::string::npos, run.out.find("Exit status")) << command;
    EXPECT_NE(std::string::npos, run.out.find("--json")) << command;
  }
  run = runCli({"metrics", "--help"});
  EXPECT_NE(std::string::npos, run.out.find("--watch"));
  EXPECT_NE(std::string::npos, run.out.find("--prometheus"));
}

}  // namespace
