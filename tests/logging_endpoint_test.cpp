// GET /logging/toggle?level=N&duration=D (process "logging"): glog's
// verbosity is N for D on process::Clock, then what it was; without
// parameters, the level now; bad parameters are 400s with libprocess's
// texts.
#include <string>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/logging.hpp>

#include "system_helpers.hpp"

using namespace process;
using system_test::get;

namespace {

Future<http::Response> toggle(const Context& node, const std::string& query) {
  return get(node, "logging", "/toggle", query);
}

TEST(LoggingEndpoint, RaisesTheLevelForAWhileOnTheClock) {
  Context node;
  const int32_t original = Logging::level();
  Clock::pause();
  Future<http::Response> raised = toggle(node, "level=3&duration=10secs");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, raised);
  EXPECT_EQ(3, Logging::level());
  AWAIT_EXPECT_RESPONSE_BODY_EQ("3\n", toggle(node, ""));

  Clock::advance(Seconds(9));
  Clock::settle();
  EXPECT_EQ(3, Logging::level());
  Clock::advance(Seconds(1));
  Clock::settle();
  EXPECT_EQ(original, Logging::level());
  AWAIT_EXPECT_RESPONSE_BODY_EQ(std::to_string(original) + "\n",
                                toggle(node, ""));
  Clock::resume();
}

TEST(LoggingEndpoint, ALaterToggleReplacesTheDuration) {
  Context node;
  const int32_t original = Logging::level();
  Clock::pause();
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status,
                                  toggle(node, "level=2&duration=5secs"));
  Clock::advance(Seconds(4));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status,
                                  toggle(node, "level=2&duration=5secs"));
  Clock::advance(Seconds(2));  // the first toggle's end: not the last one's
  Clock::settle();
  EXPECT_EQ(2, Logging::level());
  Clock::advance(Seconds(3));
  Clock::settle();
  EXPECT_EQ(original, Logging::level());
  Clock::resume();
}

TEST(LoggingEndpoint, BadParametersAreBadRequests) {
  Context node;
  const struct {
    const char* query;
    const char* answer;
  } cases[] = {
      {"level=1", "Expecting 'duration=value' in query.\n"},
      {"duration=1secs", "Expecting 'level=value' in query.\n"},
      {"level=loud&duration=1secs", "Failed to convert 'loud' to a number.\n"},
      {"level=-1&duration=1secs", "Invalid level '-1'.\n"},
  };
  for (const auto& bad : cases) {
    Future<http::Response> response = toggle(node, bad.query);
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::BadRequest().status, response);
    EXPECT_EQ(bad.answer, response->body) << bad.query;
  }
  Future<http::Response> duration = toggle(node, "level=1&duration=a while");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::BadRequest().status, duration);
  EXPECT_FALSE(duration->body.empty());
  EXPECT_EQ(0, Logging::level());
}

TEST(LoggingEndpoint, SetLevelFromCode) {
  Context node;
  const int32_t original = Logging::level();
  Clock::pause();
  const PID<Logging> logging(UPID("logging", node.address()));
  AWAIT_READY(dispatch(logging, &Logging::set_level, 1, Seconds(1)));
  EXPECT_EQ(1, Logging::level());
  Clock::advance(Seconds(1));
  Clock::settle();
  EXPECT_EQ(original, Logging::level());
  Clock::resume();
}

}  // namespace
