// The endpoint firewall: firewall::install's rules see every request for a
// route, with the connection it came on, before its process does; a
// DisabledEndpointsFirewallRule answers 403 Forbidden for its paths and the
// handler never runs. Over real HTTP with the library's client.
#include <atomic>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/firewall.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

#include "system_helpers.hpp"

using namespace process;
using namespace process::http;
using system_test::get;

namespace {

class Server : public Process<Server> {
 public:
  Server() : ProcessBase("server") {}
  std::atomic<int> hidden{0};
  std::atomic<int> shown{0};

 protected:
  void initialize() override {
    route("/hidden", None(), [this](const Request&) {
      ++hidden;
      return OK("hidden\n");
    });
    route("/shown", None(), [this](const Request&) {
      ++shown;
      return OK("shown\n");
    });
  }
};

const std::string kTeapot = Response("", 418).status;

std::vector<Owned<firewall::FirewallRule>> disabling(
    const std::set<std::string>& paths) {
  std::vector<Owned<firewall::FirewallRule>> rules;
  rules.emplace_back(new firewall::DisabledEndpointsFirewallRule(paths));
  return rules;
}

TEST(Firewall, ADisabledEndpointIs403AndItsHandlerNeverRuns) {
  Context node;
  auto* server = new Server();
  node.spawn(server, true);
  firewall::install(node, disabling({"/server/hidden", "/logging/toggle"}));

  Future<Response> refused = get(node, "server", "/hidden");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Forbidden().status, refused);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("Endpoint '/server/hidden' is disabled",
                                refused);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Forbidden().status,
                                  get(node, "logging", "/toggle"));
  // Exact paths only: the rest is served.
  AWAIT_EXPECT_RESPONSE_BODY_EQ("shown\n", get(node, "server", "/shown"));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status,
                                  get(node, "server", "/hidden/more"));
  EXPECT_EQ(1, server->hidden.load());  // /hidden/more's
  EXPECT_EQ(1, server->shown.load());

  // Installing again replaces the rules; none lifts them.
  firewall::install(node, {});
  AWAIT_EXPECT_RESPONSE_BODY_EQ("hidden\n", get(node, "server", "/hidden"));
  EXPECT_EQ(2, server->hidden.load());
}

// A rule of the program's own sees the request and both ends of its
// connection; it can refuse with any answer.
class Recording : public firewall::FirewallRule {
 public:
  Option<Response> apply(const network::inet::Socket& socket,
                         const Request& request) override {
    std::lock_guard<std::mutex> guard(mutex);
    Try<network::inet::Address> peer = socket.peer();
    Try<network::inet::Address> local = socket.address();
    peers.push_back(peer.isSome() ? stringify(peer->ip) : peer.error());
    locals.push_back(local.isSome() ? stringify(local.get()) : local.error());
    paths.push_back(request.url.path);
    if (request.url.query.contains("teapot")) {
      return Response("refused\n", 418);
    }
    return None();
  }
  std::mutex mutex;
  std::vector<std::string> peers, locals, paths;
};

TEST(Firewall, ARuleSeesTheConnectionAndTheRequest) {
  Context node;
  auto* server = new Server();
  node.spawn(server, true);
  auto* rule = new Recording();
  std::vector<Owned<firewall::FirewallRule>> rules;
  rules.emplace_back(rule);
  firewall::install(node, std::move(rules));

  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status, get(node, "server", "/shown"));
  Future<Response> teapot = get(node, "server", "/shown", "teapot=1");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(kTeapot, teapot);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("refused\n", teapot);
  // Before the process is looked for, as libprocess.
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(kTeapot,
                                  get(node, "nobody", "/x", "teapot=1"));
  EXPECT_EQ(1, server->shown.load());
  std::lock_guard<std::mutex> guard(rule->mutex);
  EXPECT_EQ(
      (std::vector<std::string>{"/server/shown", "/server/shown", "/nobody/x"}),
      rule->paths);
  EXPECT_EQ("127.0.0.1", rule->peers.front());
  EXPECT_EQ(stringify(node.address()), rule->locals.front());
}

TEST(Firewall, ContextsHaveTheirOwn) {
  Context guarded;
  Context open;
  guarded.spawn(new Server(), true);
  open.spawn(new Server(), true);
  firewall::install(guarded, disabling({"/server/shown"}));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Forbidden().status,
                                  get(guarded, "server", "/shown"));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status, get(open, "server", "/shown"));
}

}  // namespace
