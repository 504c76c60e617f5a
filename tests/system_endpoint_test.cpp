// GET /system/stats.json (process "system"): libprocess's figures of the
// machine and ours of this OS process; and what all the system endpoints
// share: Context::Options::systemEndpoints and PROCESSION_SYSTEM_ENDPOINTS
// turn them off, finalize() leaves them, the node's limits guard them.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "system_helpers.hpp"

using namespace process;
using system_test::get;
using system_test::json;

namespace {

TEST(SystemEndpoint, StatsShowTheMachineAndThisProcess) {
  Context::Options options;
  options.workers = 2;
  Context node(options);
  Future<http::Response> response = get(node, "system", "/stats.json");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  const nlohmann::json stats = json(response.get());
  for (const char* key :
       {"avg_load_1min", "avg_load_5min", "avg_load_15min", "mem_total_bytes",
        "mem_free_bytes", "process_cpu_user_seconds",
        "process_cpu_system_seconds", "process_uptime_seconds"}) {
    ASSERT_TRUE(stats[key].is_number()) << key << " in " << stats;
    EXPECT_GE(stats[key].get<double>(), 0) << key;
  }
  EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), stats["cpus_total"]);
  EXPECT_GT(stats["mem_total_bytes"], stats["mem_free_bytes"]);
  EXPECT_GT(stats["process_rss_bytes"].get<int64_t>(), 1 << 20);
  // This node's two workers and the test's thread at least.
  EXPECT_GE(stats["process_threads"].get<int64_t>(), 3);
  // The node's listening socket and epoll at least.
  EXPECT_GE(stats["process_open_fds"].get<int64_t>(), 2);
}

TEST(SystemEndpoint, StatsWrapForJsonp) {
  Context node;
  Future<http::Response> response =
      get(node, "system", "/stats.json", "jsonp=cb");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ(0u, response->body.rfind("cb({", 0)) << response->body;
}

TEST(SystemEndpoint, AnOptionTurnsThemAllOff) {
  Context::Options options;
  options.systemEndpoints = false;
  Context node(options);
  for (const char* id :
       {"__processes__", "__network__", "help", "logging", "system"}) {
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::NotFound().status, get(node, id))
        << id;
  }
  // The ids are free for the program's own processes.
  class Help : public Process<Help> {
   public:
    Help() : ProcessBase("help") {}
  };
  Help help;
  EXPECT_TRUE(node.spawn(help));
  terminate(help);
  wait(help);
}

// The default context is made once per OS process: a child of its own
// (a death test, re-run from the start) makes it from this environment.
TEST(SystemEndpoint, TheEnvironmentTurnsThemOffForTheDefaultContext) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("PROCESSION_SYSTEM_ENDPOINTS", "0", 1);
        Future<http::Response> help = get(Context::instance(), "help");
        const bool answered = help.await(Seconds(30)) && help.isReady();
        std::_Exit(answered && help->code == http::Status::NOT_FOUND ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(SystemEndpoint, FinalizeLeavesThem) {
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status,
                                  get(Context::instance(), "help"));
  finalize();
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status,
                                  get(Context::instance(), "help"));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      http::OK().status, get(Context::instance(), "system", "/stats.json"));
}

// The system endpoints are routes like any other: the node's limits hold.
TEST(SystemEndpoint, TheNodesRequestLimitsGuardThem) {
  Context::Options options;
  options.limits.maxHeaderBytes = 1024;
  Context node(options);
  const http::Headers big = {{"X-Padding", std::string(4096, 'x')}};
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::RequestHeaderFieldsTooLarge().status,
                                  get(node, "__processes__", "", "", big));
}

}  // namespace
