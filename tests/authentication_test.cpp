// HTTP authentication and authorization of routes: a route with a realm
// runs the realm's authenticator first (401 with WWW-Authenticate naming
// the realm, 403, 500 when the authenticator fails), its handler sees the
// principal; http::authorization's callbacks answer 403 for false; the
// node's own endpoints go behind the realms Context::Options names. Over
// real HTTP: the library's client, and curl -u as an operator would.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/authenticator.hpp>
#include <process/context.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

#include "log_capture.hpp"
#include "system_helpers.hpp"

using namespace process;
using namespace process::http;
using process::http::authentication::AuthenticationResult;
using process::http::authentication::Authenticator;
using process::http::authentication::BasicAuthenticator;
using process::http::authentication::Principal;
using system_test::get;

namespace {

std::string base64(const std::string& text) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < text.size(); i += 3) {
    uint32_t group = static_cast<unsigned char>(text[i]) << 16;
    if (i + 1 < text.size())
      group |= static_cast<unsigned char>(text[i + 1]) << 8;
    if (i + 2 < text.size())
      group |= static_cast<unsigned char>(text[i + 2]);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += i + 1 < text.size() ? kAlphabet[(group >> 6) & 63] : '=';
    out += i + 2 < text.size() ? kAlphabet[group & 63] : '=';
  }
  return out;
}

Headers basic(const std::string& user, const std::string& password) {
  return {{"Authorization", "Basic " + base64(user + ":" + password)}};
}

Owned<Authenticator> alice(const std::string& realm) {
  return Owned<Authenticator>(
      new BasicAuthenticator(realm, {{"alice", "s3cret:pw"}}));
}

// Routes that say who asked, and count their calls.
class Guarded : public Process<Guarded> {
 public:
  Guarded() : ProcessBase("guarded") {}
  std::atomic<int> calls{0};

 protected:
  void initialize() override {
    route("/who", "realm", None(), &Guarded::who);
    route("/open", None(), [this](const Request&) {
      ++calls;
      return OK("open\n");
    });
  }

 private:
  Future<Response> who(const Request&, const Option<Principal>& principal) {
    ++calls;
    return OK(principal.isSome() ? stringify(principal.get()) + "\n"
                                 : std::string("nobody\n"));
  }
};

struct Node {
  Context context;
  Guarded* guarded = new Guarded();
  Node() { context.spawn(guarded, true); }
  explicit Node(const Context::Options& options) : context(options) {
    context.spawn(guarded, true);
  }
  Future<Response> who(const Option<Headers>& headers = None()) {
    return get(context, "guarded", "/who", "", headers);
  }
};

// An authenticator whose answer the test gives.
class Scripted : public Authenticator {
 public:
  Future<AuthenticationResult> authenticate(const Request&) override {
    std::lock_guard<std::mutex> guard(mutex);
    return result;
  }
  std::string scheme() const override { return "Scripted"; }
  std::mutex mutex;
  Future<AuthenticationResult> result;
};

TEST(Authentication, PrincipalComparesAndPrintsAsLibprocess) {
  EXPECT_EQ(Principal("alice"), Principal("alice"));
  EXPECT_TRUE(Principal("alice") == std::string("alice"));
  EXPECT_TRUE(Principal("alice") != std::string("bob"));
  EXPECT_FALSE(Principal("alice") == Principal("alice", {{"role", "ops"}}));
  EXPECT_EQ("alice", stringify(Principal("alice")));
  EXPECT_EQ(R"({"value":"alice","claims":{"role":"ops"}})",
            stringify(Principal("alice", {{"role", "ops"}})));
  EXPECT_EQ(R"({"claims":{"sub":"x"}})",
            stringify(Principal(None(), {{"sub", "x"}})));
}

TEST(Authentication, BasicAuthenticatorChecksTheHeader) {
  BasicAuthenticator authenticator("ops", {{"alice", "pw"}});
  EXPECT_EQ("Basic", authenticator.scheme());
  Request request;
  Future<AuthenticationResult> none = authenticator.authenticate(request);
  ASSERT_TRUE(none.isReady());
  ASSERT_TRUE(none->unauthorized.isSome());
  EXPECT_EQ("Basic realm=\"ops\"",
            none->unauthorized->headers.get("WWW-Authenticate").getOrElse(""));
  for (const std::string& bad :
       {"Basic " + base64("alice:nope"), "Basic " + base64("bob:pw"),
        "Basic " + base64("alicepw"), std::string("Basic !!!!"),
        "Bearer " + base64("alice:pw"), std::string("Basic")}) {
    request.headers["Authorization"] = bad;
    Future<AuthenticationResult> refused = authenticator.authenticate(request);
    ASSERT_TRUE(refused.isReady());
    EXPECT_TRUE(refused->unauthorized.isSome()) << bad;
    EXPECT_TRUE(refused->principal.isNone()) << bad;
  }
  request.headers["Authorization"] = "basic " + base64("alice:pw");
  Future<AuthenticationResult> ok = authenticator.authenticate(request);
  ASSERT_TRUE(ok.isReady());
  ASSERT_TRUE(ok->principal.isSome());
  EXPECT_EQ(Principal("alice"), ok->principal.get());
}

TEST(Authentication, MissingOrWrongCredentialsAre401NamingTheRealm) {
  Node node;
  AWAIT_READY(
      authentication::setAuthenticator(node.context, "realm", alice("realm")));
  Future<Response> none = node.who();
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Unauthorized({}).status, none);
  AWAIT_EXPECT_RESPONSE_HEADER_EQ("Basic realm=\"realm\"", "WWW-Authenticate",
                                  none);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Unauthorized({}).status,
                                  node.who(basic("alice", "wrong")));
  EXPECT_EQ(0, node.guarded->calls.load());
  // The handler sees who it was; the password may hold a colon.
  AWAIT_EXPECT_RESPONSE_BODY_EQ("alice\n",
                                node.who(basic("alice", "s3cret:pw")));
  EXPECT_EQ(1, node.guarded->calls.load());
}

TEST(Authentication, CredentialsNeverReachTheLog) {
  FLAGS_v = 2;  // the VLOGs of the request path too
  LogCapture log;
  {
    Context::Options options;
    options.httpErrorDetails = true;
    Node node(options);
    AWAIT_READY(authentication::setAuthenticator(node.context, "realm",
                                                 alice("realm")));
    const Headers wrong = basic("alice", "hunter2-password");
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(Unauthorized({}).status, node.who(wrong));
    // And a failing authenticator, whose failure is logged.
    auto* scripted = new Scripted();
    scripted->result = Failure("backend down");
    AWAIT_READY(authentication::setAuthenticator(
        node.context, "realm", Owned<Authenticator>(scripted)));
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(InternalServerError().status,
                                    node.who(wrong));
    EXPECT_NE(std::string::npos, log.text().find("backend down"));
  }
  FLAGS_v = 0;
  const std::string text = log.text();
  EXPECT_EQ(std::string::npos, text.find("hunter2")) << text;
  EXPECT_EQ(std::string::npos, text.find(base64("alice:hunter2-password")))
      << text;
  EXPECT_EQ(std::string::npos, text.find("Authorization")) << text;
}

TEST(Authentication, ForbiddenFailedAndDiscardedAuthenticators) {
  Node node;
  auto* scripted = new Scripted();
  AWAIT_READY(authentication::setAuthenticator(node.context, "realm",
                                               Owned<Authenticator>(scripted)));
  AuthenticationResult forbidden;
  forbidden.forbidden = Forbidden("not you\n");
  scripted->result = forbidden;
  Future<Response> refused = node.who();
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Forbidden().status, refused);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("not you\n", refused);

  // Failed later, while the request waits: a generic 500.
  Promise<AuthenticationResult> later;
  {
    std::lock_guard<std::mutex> guard(scripted->mutex);
    scripted->result = later.future();
  }
  Future<Response> failed = node.who();
  EXPECT_TRUE(failed.isPending());  // the authenticator has not answered
  later.fail("directory unreachable");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(InternalServerError().status, failed);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("Internal Server Error\n", failed);

  Promise<AuthenticationResult> discarded;
  discarded.discard();
  {
    std::lock_guard<std::mutex> guard(scripted->mutex);
    scripted->result = discarded.future();
  }
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(InternalServerError().status, node.who());

  // Two answers at once is the authenticator's bug: 500.
  AuthenticationResult both;
  both.principal = Principal("x");
  both.forbidden = Forbidden();
  {
    std::lock_guard<std::mutex> guard(scripted->mutex);
    scripted->result = both;
  }
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(InternalServerError().status, node.who());
  EXPECT_EQ(0, node.guarded->calls.load());
}

// Answers with the results given, one per request, in order.
class Queued : public Authenticator {
 public:
  Future<AuthenticationResult> authenticate(const Request&) override {
    std::lock_guard<std::mutex> guard(mutex);
    Future<AuthenticationResult> next = results.at(asked);
    if (++asked == results.size()) {
      allAsked.set(Nothing());
    }
    return next;
  }
  std::string scheme() const override { return "Queued"; }
  std::mutex mutex;
  std::vector<Future<AuthenticationResult>> results;
  size_t asked = 0;
  Promise<Nothing> allAsked;
};

class Ordered : public Process<Ordered> {
 public:
  Ordered() : ProcessBase("ordered") {}
  std::mutex mutex;
  std::vector<std::string> calls;

 protected:
  void initialize() override {
    route("/who", "realm", None(),
          [this](const Request&, const Option<Principal>& principal) {
            record(stringify(principal.get()));
            return OK();
          });
    route("/open", None(), [this](const Request&) {
      record("open");
      return OK();
    });
  }

 private:
  void record(const std::string& call) {
    std::lock_guard<std::mutex> guard(mutex);
    calls.push_back(call);
  }
};

TEST(Authentication, HandlersRunInTheOrderRequestsCame) {
  Context node;
  auto* ordered = new Ordered();
  node.spawn(ordered, true);
  auto* queued = new Queued();
  Promise<AuthenticationResult> slow;
  AuthenticationResult second;
  second.principal = Principal("second");
  queued->results = {slow.future(), second};
  AWAIT_READY(authentication::setAuthenticator(node, "realm",
                                               Owned<Authenticator>(queued)));
  // One connection, so the requests reach the process in this order.
  Future<Connection> connection =
      http::connect(URL("http", node.address().ip, node.address().port, "/"));
  AWAIT_READY(connection);
  Request request;
  request.url =
      URL("http", node.address().ip, node.address().port, "/ordered/who");
  request.keepAlive = true;
  Future<Response> first = connection->send(request);
  Future<Response> secondAnswer = connection->send(request);
  request.url.path = "/ordered/open";
  Future<Response> open = connection->send(request);
  // The second is authenticated first, but its handler waits.
  AWAIT_READY(queued->allAsked.future());
  {
    std::lock_guard<std::mutex> guard(ordered->mutex);
    EXPECT_EQ((std::vector<std::string>{}), ordered->calls);
  }
  EXPECT_TRUE(first.isPending());
  AuthenticationResult firstResult;
  firstResult.principal = Principal("first");
  slow.set(firstResult);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status, first);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status, secondAnswer);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status, open);
  std::lock_guard<std::mutex> guard(ordered->mutex);
  // The open route came after both: it ran after them.
  EXPECT_EQ((std::vector<std::string>{"first", "second", "open"}),
            ordered->calls);
}

TEST(Authentication, ARealmWithoutAuthenticatorLetsEveryoneIn) {
  Node node;
  // As libprocess: no authenticator for the realm, no authentication.
  AWAIT_EXPECT_RESPONSE_BODY_EQ("nobody\n", node.who());
  AWAIT_READY(
      authentication::setAuthenticator(node.context, "realm", alice("realm")));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Unauthorized({}).status, node.who());
  AWAIT_READY(authentication::unsetAuthenticator(node.context, "realm"));
  AWAIT_EXPECT_RESPONSE_BODY_EQ("nobody\n", node.who());
}

TEST(Authentication, AuthorizationCallbacksByEndpointPath) {
  Node node;
  AWAIT_READY(
      authentication::setAuthenticator(node.context, "realm", alice("realm")));
  std::vector<std::string> seen;
  std::mutex mutex;
  authorization::setCallbacks(
      node.context,
      {{"/guarded/who",
        [&](const Request& request, const Option<Principal>& principal) {
          std::lock_guard<std::mutex> guard(mutex);
          seen.push_back(principal.isSome() ? stringify(principal.get())
                                            : "none");
          return Future<bool>(request.url.query.contains("allow"));
        }},
       {"/guarded/open", [](const Request&, const Option<Principal>&) {
          return Future<bool>(false);
        }}});
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      Forbidden().status,
      get(node.context, "guarded", "/who", "", basic("alice", "s3cret:pw")));
  AWAIT_EXPECT_RESPONSE_BODY_EQ("alice\n",
                                get(node.context, "guarded", "/who", "allow=1",
                                    basic("alice", "s3cret:pw")));
  // A route without a realm is authorized too, with no principal.
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Forbidden().status,
                                  get(node.context, "guarded", "/open"));
  EXPECT_EQ(1, node.guarded->calls.load());
  {
    std::lock_guard<std::mutex> guard(mutex);
    EXPECT_EQ((std::vector<std::string>{"alice", "alice"}), seen);
  }
  authorization::unsetCallbacks(node.context);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("open\n",
                                get(node.context, "guarded", "/open"));
}

TEST(Authentication, SystemEndpointsBehindTheContextsRealms) {
  Context::Options options;
  options.readonlyAuthenticationRealm = "ro";
  options.readwriteAuthenticationRealm = "rw";
  Context node(options);
  AWAIT_READY(authentication::setAuthenticator(
      node, "ro",
      Owned<Authenticator>(
          new BasicAuthenticator("ro", {{"viewer", "v"}, {"admin", "a"}}))));
  AWAIT_READY(authentication::setAuthenticator(
      node, "rw",
      Owned<Authenticator>(new BasicAuthenticator("rw", {{"admin", "a"}}))));
  const std::vector<std::pair<std::string, std::string>> readonly = {
      {"metrics", "/snapshot"},
      {"metrics", "/prometheus"},
      {"__processes__", ""},
      {"__network__", ""},
      {"help", ""},
      {"help", "/logging/toggle"},
      {"system", "/stats.json"},
      {"__ui__", ""}};
  for (const auto& [id, path] : readonly) {
    Future<Response> anonymous = get(node, id, path);
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(Unauthorized({}).status, anonymous)
        << id << path;
    AWAIT_EXPECT_RESPONSE_HEADER_EQ("Basic realm=\"ro\"", "WWW-Authenticate",
                                    anonymous);
    AWAIT_EXPECT_RESPONSE_STATUS_EQ(
        OK().status, get(node, id, path, "", basic("viewer", "v")))
        << id << path;
  }
  // /logging/toggle is read-write.
  Future<Response> viewer =
      get(node, "logging", "/toggle", "", basic("viewer", "v"));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(Unauthorized({}).status, viewer);
  AWAIT_EXPECT_RESPONSE_HEADER_EQ("Basic realm=\"rw\"", "WWW-Authenticate",
                                  viewer);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      OK().status, get(node, "logging", "/toggle", "", basic("admin", "a")));
}

TEST(Authentication, OpenSystemEndpointsWithoutRealms) {
  Context node;
  AWAIT_READY(authentication::setAuthenticator(node, "ro", alice("ro")));
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(OK().status,
                                  get(node, "metrics", "/snapshot"));
}

// curl -u, as an operator logs in.
std::string curl(const std::string& args) {
  const std::string command =
      "/usr/bin/curl -s --noproxy '*' --max-time 10 "
      "-o /dev/null -w '%{http_code}' " +
      args;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return "";
  }
  std::string out;
  char buffer[256];
  while (size_t got = std::fread(buffer, 1, sizeof(buffer), pipe)) {
    out.append(buffer, got);
  }
  ::pclose(pipe);
  return out;
}

TEST(Authentication, CurlLogsInWithBasic) {
  if (::access("/usr/bin/curl", X_OK) != 0) {
    GTEST_SKIP() << "/usr/bin/curl is not installed";
  }
  Node node;
  AWAIT_READY(
      authentication::setAuthenticator(node.context, "realm", alice("realm")));
  const std::string url =
      "http://" + stringify(node.context.address()) + "/guarded/who";
  EXPECT_EQ("401", curl(url));
  EXPECT_EQ("401", curl("-u alice:wrong " + url));
  EXPECT_EQ("200", curl("-u 'alice:s3cret:pw' " + url));
  EXPECT_EQ(1, node.guarded->calls.load());
}

}  // namespace
