// <process/gtest.hpp>'s checks of an HTTP response future, libprocess's:
// AWAIT_{ASSERT,EXPECT}_RESPONSE_{STATUS,BODY,HEADER}_EQ[_FOR]. Each waits
// for the response, then compares one part of it.
#include <string>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>

using namespace process;

namespace {

Future<http::Response> hello() {
  http::Response response = http::OK("hello");
  response.headers["Content-Type"] = "text/plain";
  return response;
}

}  // namespace

TEST(GTestResponse, MatchingResponsesPass) {
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, hello());
  AWAIT_ASSERT_RESPONSE_STATUS_EQ(http::OK().status, hello());
  AWAIT_EXPECT_RESPONSE_BODY_EQ("hello", hello());
  AWAIT_ASSERT_RESPONSE_BODY_EQ("hello", hello());
  AWAIT_EXPECT_RESPONSE_HEADER_EQ("text/plain", "Content-Type", hello());
  AWAIT_ASSERT_RESPONSE_HEADER_EQ("text/plain", "Content-Type", hello());
  // Header names compare without regard to case, as HTTP's do.
  AWAIT_EXPECT_RESPONSE_HEADER_EQ("text/plain", "content-type", hello());
  AWAIT_EXPECT_RESPONSE_BODY_EQ_FOR("hello", hello(), Seconds(1));
}

TEST(GTestResponse, DifferencesAreReported) {
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::NotFound().status, hello()),
      "Body: \"hello\"");
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_RESPONSE_BODY_EQ("bye", hello()),
                          "->body");
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_RESPONSE_HEADER_EQ("text/html", "Content-Type", hello()),
      "Which is: \"text/html\"");
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_RESPONSE_HEADER_EQ("1", "X-Missing", hello()),
      "Response does not contain header 'X-Missing'");
}

TEST(GTestResponse, AFailedOrPendingResponseIsReported) {
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_RESPONSE_BODY_EQ(
          "hello", Future<http::Response>::failed("refused")),
      "refused");
  Promise<http::Response> never;
  EXPECT_NONFATAL_FAILURE(
      AWAIT_EXPECT_RESPONSE_STATUS_EQ_FOR(http::OK().status, never.future(),
                                          Milliseconds(1)),
      "Failed to wait");
}

// The ASSERT forms end the test.
TEST(GTestResponse, AssertFormsAreFatal) {
  EXPECT_FATAL_FAILURE(AWAIT_ASSERT_RESPONSE_BODY_EQ("bye", hello()),
                       "->body");
  EXPECT_FATAL_FAILURE(
      AWAIT_ASSERT_RESPONSE_STATUS_EQ(http::NotFound().status, hello()),
      "->status");
  EXPECT_FATAL_FAILURE(
      AWAIT_ASSERT_RESPONSE_HEADER_EQ("x", "Content-Type", hello()),
      "->headers[");
}
