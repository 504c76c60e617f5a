// What a route's failure tells the client: a handler that throws, or whose
// future fails (at once or later), answers 500 Internal Server Error with a
// generic body, and the reason is logged with the route's path; with
// Context::Options::httpErrorDetails (PROCESSION_HTTP_ERROR_DETAILS=1) the
// reason is in the body too, for development.
#include <mutex>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

#include "log_capture.hpp"
#include "system_helpers.hpp"

using namespace process;
using namespace process::http;
using system_test::get;

namespace {

class Failing : public Process<Failing> {
 public:
  Failing() : ProcessBase("failing") {}
  Promise<Response> later;
  Promise<Nothing> asked;  // /later's handler has run

 protected:
  void initialize() override {
    route("/boom", None(), [](const Request&) -> Future<Response> {
      throw std::runtime_error("boom route: secret internals");
    });
    route("/int", None(), [](const Request&) -> Future<Response> { throw 7; });
    route("/failed", None(), [](const Request&) {
      return Future<Response>(Failure("database password rejected"));
    });
    route("/later", None(), [this](const Request&) {
      asked.set(Nothing());
      return later.future();
    });
  }
};

TEST(RouteErrors, AGenericBodyAndTheReasonInTheLog) {
  LogCapture log;
  Context node;
  auto* failing = new Failing();
  node.spawn(failing, true);
  for (const char* path : {"/boom", "/int", "/failed"}) {
    Future<Response> response = get(node, "failing", path);
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(InternalServerError().status, response)
        << path;
    AWAIT_EXPECT_RESPONSE_BODY_EQ("Internal Server Error\n", response) << path;
  }
  Future<Response> later = get(node, "failing", "/later");
  AWAIT_READY(failing->asked.future());
  EXPECT_TRUE(later.isPending());
  failing->later.fail("timed out talking to the disk");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(InternalServerError().status, later);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("Internal Server Error\n", later);

  const std::string text = log.text();
  EXPECT_NE(std::string::npos,
            text.find("for '/failing/boom': the handler threw: boom route: "
                      "secret internals"))
      << text;
  EXPECT_NE(std::string::npos,
            text.find("for '/failing/int': the handler threw"))
      << text;
  EXPECT_NE(std::string::npos,
            text.find("for '/failing/failed': database password rejected"))
      << text;
  EXPECT_NE(std::string::npos,
            text.find("for '/failing/later': timed out talking to the disk"))
      << text;
  // The node and the process live on.
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(NotFound().status,
                                  get(node, "failing", "/absent"));
}

TEST(RouteErrors, DetailsInTheBodyForDevelopment) {
  Context::Options options;
  options.httpErrorDetails = true;
  Context node(options);
  node.spawn(new Failing(), true);
  AWAIT_EXPECT_RESPONSE_BODY_EQ(
      "the handler threw: boom route: secret internals\n",
      get(node, "failing", "/boom"));
  AWAIT_EXPECT_RESPONSE_BODY_EQ("database password rejected\n",
                                get(node, "failing", "/failed"));
}

}  // namespace
