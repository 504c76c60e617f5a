// GET /help, /help/<id>, /help/<id>/<route>: the help texts given to
// route(), in libprocess's Markdown (to curl), as a page (to a browser) or
// JSON (?format=json); HELP() and its parts format as libprocess's.
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/gtest.hpp>
#include <process/help.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "system_helpers.hpp"

using namespace process;
using system_test::get;
using system_test::json;

namespace {

const http::Headers kCurl = {{"User-Agent", "curl/7.88.1"}};

std::string stateHelp() {
  return HELP(TLDR("Shows the leader's state."),
              DESCRIPTION("The followers it knows.", "", "As JSON."),
              AUTHENTICATION(false));
}

class Leader : public Process<Leader> {
 public:
  Leader() : ProcessBase("leader") {}

 protected:
  void initialize() override {
    auto answer = [](const http::Request&) {
      return Future<http::Response>(http::OK("{}"));
    };
    route("/state", stateHelp(), answer);
    route("/quiet", None(), answer);
  }
};

TEST(HelpFormat, HelpPutsThePartsUnderTheirHeadings) {
  EXPECT_EQ(">        /a/b\n", USAGE("/a/b"));
  EXPECT_EQ("x\n", TLDR("x"));
  EXPECT_EQ("a\nb\n\n", DESCRIPTION("a", "b"));
  EXPECT_EQ(
      "### TL;DR; ###\nShows it.\n\n### DESCRIPTION ###\nMore.\n\n\n"
      "### AUTHENTICATION ###\n"
      "This endpoint does not require authentication.\n",
      HELP(TLDR("Shows it."), DESCRIPTION("More."), AUTHENTICATION(false)));
  EXPECT_EQ("### TL;DR; ###\nOnly\n", HELP("Only"));
  EXPECT_EQ("### TL;DR; ###\nT\n\n[x]: y\n\n",
            HELP(TLDR("T"), None(), None(), None(), REFERENCES("[x]: y")));
}

TEST(HelpEndpoint, ListsEveryProcessWithRoutesAndTheirSummaries) {
  Context node;
  Leader leader;
  node.spawn(leader);
  Future<http::Response> response = get(node, "help", "", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ("text/x-markdown", response->headers.get("Content-Type"));
  const std::string& body = response->body;
  EXPECT_EQ(0u, body.rfind("## HELP\n", 0)) << body;
  EXPECT_NE(std::string::npos, body.find("> [/leader][leader]\n")) << body;
  EXPECT_NE(std::string::npos,
            body.find(">     /leader/state: Shows the leader's state.\n"))
      << body;
  EXPECT_NE(std::string::npos, body.find(">     /leader/quiet\n")) << body;
  EXPECT_NE(std::string::npos, body.find("> [/logging][logging]\n")) << body;
  EXPECT_NE(std::string::npos, body.find("[leader]: help/leader\n")) << body;
  // As libprocess: no help for help itself, nor for /__processes__.
  EXPECT_EQ(std::string::npos, body.find("[/help]")) << body;
  EXPECT_EQ(std::string::npos, body.find("[/__processes__]")) << body;
  terminate(leader);
  wait(leader);
}

TEST(HelpEndpoint, ListsTheRoutesOfOneProcess) {
  Context node;
  Leader leader;
  node.spawn(leader);
  Future<http::Response> response = get(node, "help", "/leader", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ(
      "## `/leader` ##\n"
      "> [/leader/state][leader/state] Shows the leader's state.\n"
      "> [/leader/quiet][leader/quiet]\n"
      "\n"
      "[leader/state]: leader/state\n"
      "[leader/quiet]: leader/quiet\n",
      response->body);
  terminate(leader);
  wait(leader);
}

TEST(HelpEndpoint, ShowsTheHelpTextOfARoute) {
  Context node;
  Leader leader;
  node.spawn(leader);
  Future<http::Response> response =
      get(node, "help", "/leader/state", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ("### USAGE ###\n>        /leader/state\n\n" + stateHelp() + "\n",
            response->body);

  Future<http::Response> quiet = get(node, "help", "/leader/quiet", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, quiet);
  EXPECT_EQ("## No help page for `/leader/quiet`\n\n", quiet->body);

  Future<http::Response> toggle =
      get(node, "help", "/logging/toggle", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, toggle);
  EXPECT_NE(std::string::npos,
            toggle->body.find("Sets the logging verbosity level"))
      << toggle->body;
  terminate(leader);
  wait(leader);
}

TEST(HelpEndpoint, UnknownProcessesAndRoutesAreBadRequests) {
  Context node;
  Leader leader;
  node.spawn(leader);
  Future<http::Response> none = get(node, "help", "/nobody", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::BadRequest().status, none);
  EXPECT_EQ("No help available for '/nobody'.\n", none->body);
  Future<http::Response> route =
      get(node, "help", "/leader/nothing", "", kCurl);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::BadRequest().status, route);
  EXPECT_EQ("No help available for '/leader/nothing'.\n", route->body);
  terminate(leader);
  wait(leader);
}

TEST(HelpEndpoint, AnswersJsonWhenAsked) {
  Context node;
  Leader leader;
  node.spawn(leader);
  Future<http::Response> response = get(node, "help", "", "format=json");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  const nlohmann::json help = json(response.get());
  nlohmann::json found;
  for (const nlohmann::json& process : help["processes"]) {
    if (process["id"] == "leader") {
      found = process;
    }
  }
  ASSERT_TRUE(found.is_object()) << help;
  ASSERT_EQ(2u, found["endpoints"].size());
  EXPECT_EQ("/state", found["endpoints"][0]["name"]);
  EXPECT_EQ("Shows the leader's state.", found["endpoints"][0]["tldr"]);
  EXPECT_EQ("### USAGE ###\n>        /leader/state\n\n" + stateHelp(),
            found["endpoints"][0]["text"]);
  terminate(leader);
  wait(leader);
}

TEST(HelpEndpoint, ABrowserGetsAPage) {
  Context node;
  Future<http::Response> response = get(node, "help", "/logging");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ("text/html", response->headers.get("Content-Type"));
  EXPECT_NE(std::string::npos, response->body.find("<pre>## `/logging` ##"))
      << response->body;
  EXPECT_NE(std::string::npos, response->body.find("&gt; [/logging/toggle]"))
      << response->body;
}

// curl itself, as an operator would ask.
TEST(HelpEndpoint, CurlGetsTheMarkdown) {
  if (std::FILE* probe = std::fopen("/usr/bin/curl", "r")) {
    std::fclose(probe);
  } else {
    GTEST_SKIP() << "no /usr/bin/curl";
  }
  Context node;
  std::ostringstream command;
  command << "/usr/bin/curl -s --max-time 30 http://" << node.address()
          << "/help/logging/toggle";
  std::FILE* curl = ::popen(command.str().c_str(), "r");
  ASSERT_NE(nullptr, curl);
  std::string out;
  char buffer[4096];
  for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, curl)) > 0;) {
    out.append(buffer, got);
  }
  EXPECT_EQ(0, ::pclose(curl));
  EXPECT_EQ(0u, out.rfind("### USAGE ###\n>        /logging/toggle\n", 0))
      << out;
}

}  // namespace
