// The metrics endpoints every node serves, as libprocess's: GET
// /metrics/snapshot (JSON, ?timeout=, ?jsonp=) and GET /metrics/prometheus
// (the text format 0.0.4, checked by Debian's `promtool check metrics`),
// and the built-in procession/ metrics moving as processes spawn, messages
// travel and HTTP requests are answered.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/metrics/counter.hpp>
#include <process/metrics/metrics.hpp>
#include <process/metrics/pull_gauge.hpp>
#include <process/metrics/push_gauge.hpp>
#include <process/metrics/timer.hpp>
#include <process/process.hpp>

using namespace process;

namespace {

Context::Options localNode(int workers = 2) {
  Context::Options options;
  options.workers = workers;
  return options;
}

UPID metricsOf(Context& node) {
  return UPID("metrics", node.address());
}

http::Response get(Context& node, const std::string& path,
                   const Option<std::string>& query = None()) {
  Future<http::Response> response = http::get(metricsOf(node), path, query);
  EXPECT_TRUE(response.await(Seconds(30)));
  EXPECT_TRUE(response.isReady()) << "no answer to GET /metrics/" << path;
  return response.isReady() ? response.get() : http::Response(599);
}

std::map<std::string, double> snapshotOf(Context& node) {
  Future<std::map<std::string, double>> snapshot =
      metrics::snapshot(node, None());
  EXPECT_TRUE(snapshot.await(Seconds(30)));
  return snapshot.isReady() ? snapshot.get() : std::map<std::string, double>{};
}

// Waits (bounded) until `name` on `node` is at least `least`.
double awaitAtLeast(Context& node, const std::string& name, double least) {
  double value = -1;
  for (int attempt = 0; attempt < 3000; ++attempt) {
    value = snapshotOf(node)[name];
    if (value >= least) {
      return value;
    }
    ::usleep(10 * 1000);  // polling a figure another thread moves
  }
  ADD_FAILURE() << name << " stayed at " << value << ", below " << least;
  return value;
}

class Sink : public Process<Sink> {
 public:
  Sink() : ProcessBase("sink") {}
  void initialize() override {
    install("ping", [this](const UPID&, const std::string&) { ++pings_; });
    route("/hello", None(), [](const http::Request&) {
      return Future<http::Response>(http::OK("hello"));
    });
  }

 private:
  int pings_ = 0;
};

class Sender : public Process<Sender> {
 public:
  void ping(const UPID& to, int times) {
    for (int i = 0; i < times; ++i) {
      send(to, "ping");
    }
  }
};

// promtool, which scripts/setup.sh installs (Debian's prometheus).
std::string promtool() {
  for (const char* candidate :
       {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
    if (::access(candidate, X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

}  // namespace

TEST(MetricsEndpointTest, SnapshotIsAJsonObjectOfEveryMetric) {
  Context node(localNode());
  metrics::Counter counter("test/served");
  AWAIT_READY(metrics::add(node, counter));
  counter += 2;
  http::Response response = get(node, "snapshot");
  EXPECT_EQ(200, response.code);
  EXPECT_EQ("application/json", response.headers["Content-Type"]);
  nlohmann::json body = nlohmann::json::parse(response.body);
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(2.0, body["test/served"].get<double>());
  for (const char* builtin :
       {"procession/processes", "procession/processes_spawned",
        "procession/processes_terminated", "procession/events_run",
        "procession/messages_sent", "procession/messages_received",
        "procession/messages_dropped",
        "procession/messages_dropped/no_such_process",
        "procession/messages_dropped/peer_lost",
        "procession/messages_dropped/invalid_upid",
        "procession/connections_outbound", "procession/connections_inbound",
        "procession/bytes_in", "procession/bytes_out",
        "procession/http_requests/2xx", "procession/http_requests/4xx",
        "procession/event_queue_depth_max", "procession/uptime_secs"}) {
    EXPECT_TRUE(body.contains(builtin)) << builtin;
    EXPECT_TRUE(body[builtin].is_number()) << builtin;
  }
}

TEST(MetricsEndpointTest, JsonpWrapsTheSnapshot) {
  Context node(localNode());
  http::Response response = get(node, "snapshot", std::string("jsonp=show"));
  EXPECT_EQ(200, response.code);
  EXPECT_EQ("text/javascript", response.headers["Content-Type"]);
  ASSERT_GT(response.body.size(), 6U);
  EXPECT_EQ("show(", response.body.substr(0, 5));
  EXPECT_EQ(')', response.body.back());
  nlohmann::json body =
      nlohmann::json::parse(response.body.substr(5, response.body.size() - 6));
  EXPECT_TRUE(body.contains("procession/processes"));
}

TEST(MetricsEndpointTest, ABadTimeoutIsABadRequest) {
  Context node(localNode());
  http::Response response = get(node, "snapshot", std::string("timeout=soon"));
  EXPECT_EQ(400, response.code);
  EXPECT_NE(std::string::npos, response.body.find("Invalid timeout 'soon'"));
  EXPECT_EQ(400, get(node, "prometheus", std::string("timeout=1x")).code);
}

TEST(MetricsEndpointTest, TimeoutLeavesOutAGaugeThatDoesNotAnswer) {
  Context node(localNode());
  Promise<double> never;
  Promise<Nothing> asked;
  metrics::PullGauge slow("test/slow", [&never, &asked] {
    asked.set(Nothing());
    return never.future();
  });
  AWAIT_READY(metrics::add(node, slow));
  AWAIT_READY(metrics::add(node, metrics::PushGauge("test/fast")));

  Clock::pause();
  Future<http::Response> response =
      http::get(metricsOf(node), "snapshot", std::string("timeout=5secs"));
  AWAIT_READY(asked.future());
  Clock::settle();
  EXPECT_TRUE(response.isPending());
  Clock::advance(Seconds(5));
  AWAIT_READY(response);
  EXPECT_EQ(200, response->code);
  nlohmann::json body = nlohmann::json::parse(response->body);
  EXPECT_FALSE(body.contains("test/slow"));
  EXPECT_TRUE(body.contains("test/fast"));
  Clock::resume();
  AWAIT_READY(metrics::remove(node, slow));
}

TEST(MetricsEndpointTest, SpawnsAndTerminationsAreCounted) {
  Context node(localNode());
  std::map<std::string, double> before = snapshotOf(node);
  const UPID pid = node.spawn(new Sender(), true);
  std::map<std::string, double> during = snapshotOf(node);
  EXPECT_EQ(before["procession/processes_spawned"] + 1,
            during["procession/processes_spawned"]);
  EXPECT_EQ(before["procession/processes"] + 1, during["procession/processes"]);
  node.terminate(pid);
  ASSERT_TRUE(node.wait(pid, Seconds(30)));
  std::map<std::string, double> after = snapshotOf(node);
  EXPECT_EQ(before["procession/processes_terminated"] + 1,
            after["procession/processes_terminated"]);
  EXPECT_EQ(before["procession/processes"], after["procession/processes"]);
  // A batch's events are counted as it ends, which may be after what they
  // did is seen (the answer sent, the process gone): ask until it shows.
  EXPECT_GT(awaitAtLeast(node, "procession/events_run",
                         before["procession/events_run"] + 1),
            before["procession/events_run"]);
}

TEST(MetricsEndpointTest, MessagesDropsConnectionsAndBytesAreCounted) {
  Context a(localNode());
  Context b(localNode());
  a.spawn(new Sink(), true);
  const PID<Sender> sender = b.spawn(new Sender(), true);
  dispatch(sender, &Sender::ping, UPID("sink", a.address()), 10);
  // Sent by b, over a socket, received by a's sink.
  awaitAtLeast(a, "procession/messages_received", 10);
  EXPECT_GE(snapshotOf(b)["procession/messages_sent"], 10);
  EXPECT_GE(snapshotOf(b)["procession/connections_outbound"], 1);
  EXPECT_GE(snapshotOf(a)["procession/connections_inbound"], 1);
  EXPECT_GT(snapshotOf(a)["procession/bytes_in"], 0);
  EXPECT_GT(snapshotOf(b)["procession/bytes_out"], 0);

  // To a process a does not have: dropped there, by reason.
  const double dropped = snapshotOf(a)["procession/messages_dropped"];
  dispatch(sender, &Sender::ping, UPID("nobody", a.address()), 3);
  awaitAtLeast(a, "procession/messages_dropped/no_such_process", 3);
  EXPECT_GE(snapshotOf(a)["procession/messages_dropped"], dropped + 3);
}

TEST(MetricsEndpointTest, HttpAnswersAreCountedByStatusClass) {
  Context node(localNode());
  node.spawn(new Sink(), true);
  std::map<std::string, double> before = snapshotOf(node);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      "200 OK", http::get(UPID("sink", node.address()), "hello"));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      "404 Not Found", http::get(UPID("sink", node.address()), "nothing"));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      "404 Not Found", http::get(UPID("nobody", node.address()), "x"));
  awaitAtLeast(node, "procession/http_requests/4xx",
               before["procession/http_requests/4xx"] + 2);
  EXPECT_GE(snapshotOf(node)["procession/http_requests/2xx"],
            before["procession/http_requests/2xx"] + 1);
}

TEST(MetricsEndpointTest, TheDeepestEventQueueIsMeasuredAtSnapshotTime) {
  Context node(localNode(2));
  const PID<Sender> busy = node.spawn(new Sender(), true);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  dispatch(busy, [&entered, released] {
    entered.set_value();
    // Holds the process (and one worker) while events queue behind it.
    released.wait_for(std::chrono::seconds(60));
  });
  entered.get_future().wait_for(std::chrono::seconds(60));
  for (int i = 0; i < 7; ++i) {
    dispatch(busy, [] {});
  }
  EXPECT_GE(snapshotOf(node)["procession/event_queue_depth_max"], 7);
  release.set_value();
  // Drained: the deepest queue is short again.
  for (int attempt = 0; attempt < 3000; ++attempt) {
    if (snapshotOf(node)["procession/event_queue_depth_max"] < 7) {
      break;
    }
    ::usleep(10 * 1000);
  }
  EXPECT_LT(snapshotOf(node)["procession/event_queue_depth_max"], 7);
}

TEST(MetricsEndpointTest, UptimeFollowsTheClock) {
  Clock::pause();
  Context node(localNode());
  Clock::advance(Seconds(90));
  EXPECT_GE(snapshotOf(node)["procession/uptime_secs"], 90);
  Clock::resume();
}

TEST(MetricsEndpointTest, PrometheusTextPassesPromtool) {
  Context node(localNode());
  Clock::pause();
  metrics::Counter counter("test/requests-served");
  metrics::PushGauge gauge("9lives");
  metrics::Timer<Milliseconds> timer("test/latency", Minutes(1));
  AWAIT_READY(metrics::add(node, counter));
  AWAIT_READY(metrics::add(node, gauge));
  AWAIT_READY(metrics::add(node, timer));
  counter += 3;
  gauge = 2.5;
  for (int ms = 1; ms <= 4; ++ms) {
    timer.start();
    Clock::advance(Milliseconds(ms));
    timer.stop();
  }
  Clock::resume();

  http::Response response = get(node, "prometheus");
  EXPECT_EQ(200, response.code);
  EXPECT_EQ("text/plain; version=0.0.4; charset=utf-8",
            response.headers["Content-Type"]);
  const std::string& text = response.body;
  auto has = [&text](const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has("# TYPE test_requests_served_total counter"));
  EXPECT_TRUE(has("test_requests_served_total 3"));
  EXPECT_TRUE(has("# TYPE _9lives gauge"));
  EXPECT_TRUE(has("_9lives 2.5"));
  // In seconds, Prometheus's base unit.
  EXPECT_TRUE(has("# TYPE test_latency_seconds summary"));
  EXPECT_TRUE(has("test_latency_seconds{quantile=\"0.5\"} 0.0025"));
  EXPECT_TRUE(has("test_latency_seconds_sum 0.01"));
  EXPECT_TRUE(has("test_latency_seconds_count 4"));
  EXPECT_TRUE(has("# TYPE procession_messages_sent_total counter"));
  EXPECT_TRUE(has("# TYPE procession_processes gauge"));
  EXPECT_TRUE(has("# TYPE system_cpus gauge"));  // system/cpus_total
  EXPECT_TRUE(
      has("# HELP procession_processes Procession metric "
          "'procession/processes'"));

  const std::string tool = promtool();
  ASSERT_FALSE(tool.empty())
      << "promtool is missing: install Debian's prometheus package "
         "(scripts/setup.sh does)";
  char path[] = "/tmp/procession-metrics-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << text;
  const std::string command =
      tool + " check metrics < " + path + " > " + path + ".out 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream output(std::string(path) + ".out");
  const std::string said((std::istreambuf_iterator<char>(output)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(0, status) << "promtool check metrics said:\n"
                       << said << "\non:\n"
                       << text;
  std::remove(path);
  std::remove((std::string(path) + ".out").c_str());
}

TEST(MetricsEndpointTest, SystemEndpointsCanBeTurnedOff) {
  Context::Options options = localNode();
  options.systemEndpoints = false;
  Context node(options);
  EXPECT_EQ(404, get(node, "snapshot").code);
  EXPECT_EQ(404, get(node, "prometheus").code);
  // The registry is still there.
  AWAIT_READY(metrics::add(node, metrics::Counter("test/quiet")));
  EXPECT_EQ(1U, snapshotOf(node).count("test/quiet"));
}

TEST(MetricsEndpointTest, TheNodesRequestLimitsApply) {
  Context::Options options = localNode();
  options.limits.maxHeaderBytes = 1024;
  Context node(options);
  http::Headers headers;
  headers["X-Padding"] = std::string(4096, 'x');
  Future<http::Response> response =
      http::get(metricsOf(node), std::string("snapshot"), None(), headers);
  AWAIT_READY(response);
  EXPECT_EQ(431, response->code);
}

// As libprocess: at most 2 snapshots a second unless told otherwise; one
// over the rate waits for its turn on the Clock.
TEST(MetricsEndpointTest, SnapshotsAreRateLimitedToTwoASecondByDefault) {
  Context node(localNode());
  Clock::pause();
  Future<http::Response> first = http::get(metricsOf(node), "snapshot");
  Future<http::Response> second = http::get(metricsOf(node), "snapshot");
  Future<http::Response> third = http::get(metricsOf(node), "snapshot");
  AWAIT_READY(first);
  Clock::settle();
  EXPECT_TRUE(second.isPending());
  Clock::advance(Milliseconds(500));
  AWAIT_READY(second);
  Clock::settle();
  EXPECT_TRUE(third.isPending());
  Clock::advance(Milliseconds(500));
  AWAIT_READY(third);
  EXPECT_EQ(200, third->code);
  // /metrics/prometheus (ours, libprocess has none) is not limited.
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status,
                                  http::get(metricsOf(node), "prometheus"));
  Clock::resume();
}

TEST(MetricsEndpointTest, TheSnapshotRateLimitCanBeChangedOrTurnedOff) {
  Context::Options options = localNode();
  options.metricsSnapshotRateLimit = None();
  Context unlimited(options);
  options.metricsSnapshotRateLimit =
      Context::Options::RateLimit{.requests = 10, .interval = Seconds(1)};
  Context tenASecond(options);
  Clock::pause();
  for (int i = 0; i < 5; ++i) {
    AWAIT_READY(http::get(metricsOf(unlimited), "snapshot"));
  }
  AWAIT_READY(http::get(metricsOf(tenASecond), "snapshot"));
  Future<http::Response> next = http::get(metricsOf(tenASecond), "snapshot");
  Clock::settle();
  EXPECT_TRUE(next.isPending());
  Clock::advance(Milliseconds(100));
  AWAIT_READY(next);
  Clock::resume();

  options.metricsSnapshotRateLimit =
      Context::Options::RateLimit{.requests = 0, .interval = Seconds(1)};
  EXPECT_TRUE(Context::create(options).isError());
}

TEST(MetricsEndpointTest, DefaultContextTakesTheRateLimitFromTheEnvironment) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT", "", 1);
        Clock::pause();
        for (int i = 0; i < 3; ++i) {
          Future<http::Response> response = http::get(
              UPID("metrics", Context::instance().address()), "snapshot");
          if (!response.await(Seconds(30)) || !response.isReady()) {
            std::_Exit(1);
          }
        }
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        ::setenv("LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT", "often", 1);
        Context::instance();
      },
      ::testing::ExitedWithCode(1),
      "LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT='often' is not "
      "<number of requests>/<interval duration>");
}

// libprocess's System process publishes the machine's figures as gauges.
TEST(MetricsEndpointTest, TheMachinesFiguresAreSystemGauges) {
  Context node(localNode());
  std::map<std::string, double> snapshot = snapshotOf(node);
  EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), snapshot["system/cpus_total"]);
  EXPECT_GT(snapshot["system/mem_total_bytes"],
            snapshot["system/mem_free_bytes"]);
  for (const char* load :
       {"system/load_1min", "system/load_5min", "system/load_15min"}) {
    EXPECT_EQ(1U, snapshot.count(load)) << load;
  }
}
