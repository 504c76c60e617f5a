// libprocess's <process/http.hpp> vocabulary as Mesos code uses it: the
// client declared by http.hpp alone, hashmap-style get/contains/put on the
// query and the headers, URL constructors and parse, path::parse, Scheme,
// isValidStatus, content negotiation (acceptsEncoding, acceptsMediaType),
// createRequest, OK(json) with and without a JSONP callback (parsed back),
// and a JSON route fetched with get() and streaming::get().
#include <process/http.hpp>

// Before any other header: http.hpp alone must declare the client, as
// libprocess's does. These fail to compile if it does not.
namespace http_hpp_alone {
using process::http::Connection;
using GetByUrl = process::Future<process::http::Response> (*)(
    const process::http::URL&, const process::Option<process::http::Headers>&);
[[maybe_unused]] const GetByUrl kGet = &process::http::get;
[[maybe_unused]] const auto kConnect =
    static_cast<process::Future<Connection> (*)(const process::http::URL&)>(
        &process::http::connect);
}  // namespace http_hpp_alone

#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <process/address.hpp>
#include <process/clock.hpp>
#include <process/gtest.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

using namespace process;
using namespace process::http;

namespace {

net::IP ip(const std::string& text) {
  return net::IP::parse(text).get();
}

nlohmann::json parse(const std::string& text) {
  return nlohmann::json::parse(text);
}

}  // namespace

// ---------------------------------------------------------------------------
// The maps.

TEST(HttpCompatMapTest, QueryHasHashmapsVocabulary) {
  URL url("http", "host", 80, "/x", {{"a", "1"}, {"b", "2"}});
  Query& query = url.query;
  EXPECT_EQ(Option<std::string>("1"), query.get("a"));
  EXPECT_TRUE(query.get("z").isNone());
  EXPECT_TRUE(query.contains("b"));
  EXPECT_FALSE(query.contains("z"));
  EXPECT_TRUE(query.contains_value("2"));
  EXPECT_FALSE(query.contains_value("3"));

  query.put("a", "one");  // replaces
  query.put("c", "3");
  EXPECT_EQ("one", query.at("a"));
  EXPECT_EQ("3", query["c"]);
  EXPECT_EQ((std::set<std::string>{"a", "b", "c"}), query.keys());
  EXPECT_EQ((std::vector<std::string>{"one", "2", "3"}), query.values());
  EXPECT_EQ(1u, query.erase("c"));
  EXPECT_EQ(2u, query.size());
  EXPECT_FALSE(query.empty());

  // A std::map converts both ways: libprocess code passes maps in, and
  // our own older code reads the query as one.
  const std::map<std::string, std::string> plain = {{"k", "v"}};
  url.query = plain;
  EXPECT_EQ(Option<std::string>("v"), url.query.get("k"));
  const std::map<std::string, std::string>& asMap = url.query;
  EXPECT_EQ(plain, asMap);
  EXPECT_EQ(plain, url.query);
}

TEST(HttpCompatMapTest, DecodedQueryAssignsToAUrl) {
  Try<std::map<std::string, std::string>> decoded =
      query::decode("jsonp=cb&full=1");
  ASSERT_TRUE(decoded.isSome());
  Request request;
  request.url.query = decoded.get();
  EXPECT_EQ(Option<std::string>("cb"), request.url.query.get("jsonp"));
  EXPECT_TRUE(request.url.query.contains("full"));
}

TEST(HttpCompatMapTest, HeadersGetContainsPutIgnoreCase) {
  Headers headers = {{"Content-Type", "text/plain"}};
  EXPECT_EQ(Option<std::string>("text/plain"), headers.get("content-type"));
  EXPECT_TRUE(headers.contains("CONTENT-TYPE"));
  EXPECT_FALSE(headers.contains("Accept"));
  headers.put("content-TYPE", "application/json");
  EXPECT_EQ(1u, headers.size());
  EXPECT_EQ("application/json", headers.at("Content-Type"));
  EXPECT_EQ(1u, headers.keys().count("CONTENT-type"));

  // operator+: the left side's value wins on a shared name.
  const Headers more = {{"CONTENT-TYPE", "x/y"}, {"Accept", "*/*"}};
  const Headers sum = headers + more;
  EXPECT_EQ(2u, sum.size());
  EXPECT_EQ("application/json", sum.at("content-type"));
  EXPECT_EQ("*/*", sum.at("accept"));

  const std::map<std::string, std::string> plain = {{"X-A", "1"}};
  const Headers fromMap = plain;
  EXPECT_EQ(Option<std::string>("1"), fromMap.get("x-a"));
}

// ---------------------------------------------------------------------------
// URL.

TEST(HttpCompatUrlTest, ConstructorsAsLibprocess) {
  const URL noPort("http", "example.com", "/a", {{"q", "1"}}, "f");
  EXPECT_EQ(Option<std::string>("http"), noPort.scheme);
  EXPECT_EQ(Option<std::string>("example.com"), noPort.domain);
  EXPECT_TRUE(noPort.port.isNone());
  EXPECT_EQ("/a", noPort.path);
  EXPECT_EQ(Option<std::string>("1"), noPort.query.get("q"));
  EXPECT_EQ(Option<std::string>("f"), noPort.fragment);
  EXPECT_EQ("http://example.com/a?q=1#f", stringify(noPort));

  const URL defaults("http", "example.com");
  EXPECT_EQ(Option<uint16_t>(80), defaults.port);
  EXPECT_EQ("/", defaults.path);

  const URL byIp("http", ip("10.1.2.3"));
  EXPECT_EQ(Option<uint16_t>(80), byIp.port);
  EXPECT_TRUE(byIp.domain.isNone());
  EXPECT_EQ("http://10.1.2.3:80/", stringify(byIp));
  EXPECT_TRUE(byIp.isAbsolute());
}

TEST(HttpCompatUrlTest, ParseGivesATry) {
  Try<URL> url = URL::parse("http://10.0.0.1:5050/master/state?jsonp=cb");
  ASSERT_TRUE(url.isSome()) << url.error();
  EXPECT_EQ(Option<std::string>("http"), url->scheme);
  EXPECT_EQ(ip("10.0.0.1"), url->ip.get());
  EXPECT_EQ(5050, url->port.get());
  EXPECT_EQ("/master/state", url->path);
  EXPECT_EQ(Option<std::string>("cb"), url->query.get("jsonp"));

  Try<URL> bad = URL::parse("no scheme here");
  ASSERT_TRUE(bad.isError());
  EXPECT_NE(std::string::npos, bad.error().find("no scheme here"));
}

TEST(HttpCompatUrlTest, RelativeUrlsPrintWithoutScheme) {
  URL relative;
  relative.path = "/x y";
  EXPECT_FALSE(relative.isAbsolute());
  EXPECT_EQ("/x%20y", stringify(relative));
  relative.domain = "h";
  EXPECT_EQ("//h/x%20y", stringify(relative));
}

// ---------------------------------------------------------------------------
// path::parse, isValidStatus, Scheme.

TEST(HttpCompatPathTest, ParseFillsPlaceholders) {
  Try<Query> parsed =
      path::parse("/books/{isbn}/chapters/{chapter}", "/books/0304/chapters/2");
  ASSERT_TRUE(parsed.isSome()) << parsed.error();
  EXPECT_EQ(Option<std::string>("0304"), parsed->get("isbn"));
  EXPECT_EQ(Option<std::string>("2"), parsed->get("chapter"));
  EXPECT_EQ(Option<std::string>("books"), parsed->get("books"));
  EXPECT_EQ(4u, parsed->size());

  // A prefix of the pattern matches; empty segments do not count.
  Try<Query> prefix = path::parse("/books/{isbn}/chapters", "//books/7/");
  ASSERT_TRUE(prefix.isSome()) << prefix.error();
  EXPECT_EQ(Option<std::string>("7"), prefix->get("isbn"));
  EXPECT_FALSE(prefix->contains("chapters"));
}

TEST(HttpCompatPathTest, ParseRefusesMismatches) {
  Try<Query> literal = path::parse("/books/{isbn}", "/films/1");
  ASSERT_TRUE(literal.isError());
  EXPECT_NE(std::string::npos, literal.error().find("'films'"));

  Try<Query> longer = path::parse("/books/{isbn}", "/books/1/extra/bits");
  ASSERT_TRUE(longer.isError());
  EXPECT_NE(std::string::npos, longer.error().find("extra/bits"));
}

TEST(HttpCompatStatusTest, IsValidStatus) {
  EXPECT_TRUE(isValidStatus(200));
  EXPECT_TRUE(isValidStatus(Status::NOT_FOUND));
  EXPECT_TRUE(isValidStatus(Status::REQUEST_ENTITY_TOO_LARGE));
  EXPECT_FALSE(isValidStatus(0));
  EXPECT_FALSE(isValidStatus(299));
  EXPECT_FALSE(isValidStatus(999));
}

TEST(HttpCompatSchemeTest, OnlyHttpConnects) {
  const Address nowhere(ip("127.0.0.1"), 1);
  AWAIT_EXPECT_FAILED(connect(nowhere, Scheme::HTTP_UNIX));
  AWAIT_EXPECT_FAILED(connect(nowhere, Scheme::HTTP_UNIX, "name"));
}

// ---------------------------------------------------------------------------
// Request.

TEST(HttpCompatRequestTest, ReceivedIsWhenItWasMade) {
  Clock::pause();
  const Time before = Clock::now();
  Clock::advance(Seconds(5));
  const Request request;
  EXPECT_EQ(before + Seconds(5), request.received);
  Clock::resume();
}

TEST(HttpCompatRequestTest, AcceptsEncoding) {
  Request request;
  EXPECT_FALSE(request.acceptsEncoding("gzip"));  // no header: identity only

  request.headers["Accept-Encoding"] = "GZIP;q=0.5, deflate;q=0, br";
  EXPECT_TRUE(request.acceptsEncoding("gzip"));
  EXPECT_FALSE(request.acceptsEncoding("deflate"));
  EXPECT_TRUE(request.acceptsEncoding("br"));
  EXPECT_FALSE(request.acceptsEncoding("zstd"));

  request.headers["Accept-Encoding"] = "gzip;q=0, *";
  EXPECT_FALSE(request.acceptsEncoding("gzip"));  // named beats '*'
  EXPECT_TRUE(request.acceptsEncoding("zstd"));

  request.headers["Accept-Encoding"] = "*;q=0.000";
  EXPECT_FALSE(request.acceptsEncoding("gzip"));
  request.headers["Accept-Encoding"] = "gzip;q=high";  // unparsable q
  EXPECT_FALSE(request.acceptsEncoding("gzip"));
}

TEST(HttpCompatRequestTest, AcceptsMediaType) {
  Request request;
  EXPECT_TRUE(request.acceptsMediaType("application/json"));  // no header
  EXPECT_FALSE(request.acceptsMediaType("json"));             // not a type

  request.headers["Accept"] = "application/x-protobuf;q=0, application/*";
  EXPECT_FALSE(request.acceptsMediaType("application/x-protobuf"));
  EXPECT_TRUE(request.acceptsMediaType("application/json"));
  EXPECT_FALSE(request.acceptsMediaType("text/html"));

  request.headers["Accept"] = "text/html, */*;q=0.1";
  EXPECT_TRUE(request.acceptsMediaType("image/png"));

  request.headers["Message-Accept"] = "application/json";
  EXPECT_TRUE(request.acceptsMediaType("Message-Accept", "application/json"));
  EXPECT_FALSE(request.acceptsMediaType("Message-Accept", "text/plain"));
  EXPECT_TRUE(request.acceptsMediaType("Absent-Header", "text/plain"));
}

TEST(HttpCompatRequestTest, CreateRequest) {
  const URL url("http", ip("127.0.0.1"), 8080, "/api");
  const Request post =
      createRequest(url, "POST", Headers{{"X-A", "1"}}, std::string("{}"),
                    std::string("application/json"));
  EXPECT_EQ("POST", post.method);
  EXPECT_EQ(url, post.url);
  EXPECT_FALSE(post.keepAlive);
  EXPECT_EQ("{}", post.body);
  EXPECT_EQ(Option<std::string>("1"), post.headers.get("x-a"));
  EXPECT_EQ(Option<std::string>("application/json"),
            post.headers.get("Content-Type"));

  const UPID upid("worker(1)", Address(ip("127.0.0.1"), 5051));
  const Request get = createRequest(upid, "GET", false, std::string("state"));
  EXPECT_EQ("GET", get.method);
  EXPECT_EQ(Option<std::string>("http"), get.url.scheme);
  EXPECT_EQ("/worker(1)/state", get.url.path);
  EXPECT_EQ(5051, get.url.port.get());
  EXPECT_EQ(Option<std::string>("https"),
            createRequest(upid, "GET", true).url.scheme);
}

// ---------------------------------------------------------------------------
// JSON answers.

TEST(HttpCompatJsonTest, OkWithJson) {
  const nlohmann::json value = {{"name", "master"}, {"ports", {5050, 5051}}};
  const OK ok(value);
  EXPECT_EQ(200, ok.code);
  EXPECT_EQ("200 OK", ok.status);
  EXPECT_EQ(Response::BODY, ok.type);
  EXPECT_EQ(Option<std::string>("application/json"),
            ok.headers.get("Content-Type"));
  EXPECT_EQ(R"({"name":"master","ports":[5050,5051]})", ok.body);
  EXPECT_EQ(value, parse(ok.body));
}

TEST(HttpCompatJsonTest, OkWithJsonp) {
  const nlohmann::json value = {{"a", 1}};
  const OK ok(value, std::string("app.on_state"));
  EXPECT_EQ(200, ok.code);
  EXPECT_EQ(Option<std::string>("text/javascript"),
            ok.headers.get("Content-Type"));
  EXPECT_EQ(R"(app.on_state({"a":1}))", ok.body);
  const std::string prefix = "app.on_state(";
  ASSERT_EQ(0u, ok.body.rfind(prefix, 0));
  EXPECT_EQ(value, parse(ok.body.substr(prefix.size(),
                                        ok.body.size() - prefix.size() - 1)));

  // The query's Option goes straight in, as Mesos passes it.
  Request request;
  request.url.query = {{"jsonp", "cb"}};
  EXPECT_EQ("cb(1)",
            OK(nlohmann::json(1), request.url.query.get("jsonp")).body);
  EXPECT_EQ("1", OK(nlohmann::json(1), request.url.query.get("none")).body);
}

TEST(HttpCompatJsonTest, ScriptInTheCallbackIsRefused) {
  for (const std::string callback :
       {"", "alert(1);cb", "cb)", "1cb", "a..b", "a.", ".a", "cb</script>"}) {
    const OK ok(nlohmann::json::object(), callback);
    EXPECT_EQ(400, ok.code) << callback;
    EXPECT_EQ("400 Bad Request", ok.status);
    EXPECT_EQ(Option<std::string>(kTextPlain), ok.headers.get("Content-Type"));
    EXPECT_NE(std::string::npos, ok.body.find("JSONP")) << ok.body;
  }
  EXPECT_EQ(200, OK(nlohmann::json::object(), std::string("$_x9.y")).code);
}

TEST(HttpCompatJsonTest, BadUtf8IsReplacedNotThrown) {
  const OK ok(nlohmann::json{{"s", std::string("a\xff"
                                               "b")}});
  EXPECT_EQ(200, ok.code);
  EXPECT_EQ(
      "a\xEF\xBF\xBD"
      "b",
      parse(ok.body).at("s").get<std::string>());
}

TEST(HttpCompatJsonTest, TextStillPicksTheStringConstructors) {
  // With <nlohmann/json.hpp> included a string could also become a JSON
  // string; the text constructors must win.
  EXPECT_EQ("text", OK("text").body);
  EXPECT_EQ(Option<std::string>(kTextPlain),
            OK("text").headers.get("Content-Type"));
  const std::string body = "more";
  EXPECT_EQ("more", OK(body).body);
  EXPECT_EQ(Option<std::string>("text/html"),
            OK(body, "text/html").headers.get("Content-Type"));
}

// ---------------------------------------------------------------------------
// A JSON route, fetched with the client.

namespace {

class StateProcess : public Process<StateProcess> {
 protected:
  void initialize() override {
    route("/state", None(), [](const Request& request) {
      return OK(nlohmann::json{{"path", request.url.path},
                               {"full", request.url.query.contains("full")}},
                request.url.query.get("jsonp"));
    });
  }
};

}  // namespace

TEST(HttpCompatClientTest, JsonRouteThroughGetAndStreamingGet) {
  StateProcess process;
  const PID<StateProcess> pid = spawn(process);

  Future<Response> plain = http::get(pid, "state", "full=1");
  AWAIT_READY(plain);
  EXPECT_EQ(200, plain->code);
  EXPECT_EQ(Option<std::string>("application/json"),
            plain->headers.get("Content-Type"));
  const nlohmann::json state = parse(plain->body);
  EXPECT_EQ("/" + pid.id + "/state", state.at("path"));
  EXPECT_TRUE(state.at("full").get<bool>());

  Future<Response> jsonp = http::get(pid, "state", "jsonp=cb");
  AWAIT_READY(jsonp);
  EXPECT_EQ(Option<std::string>("text/javascript"),
            jsonp->headers.get("Content-Type"));
  EXPECT_EQ(0u, jsonp->body.rfind("cb({", 0)) << jsonp->body;

  Future<Response> refused = http::get(pid, "state", "jsonp=alert(1)");
  AWAIT_READY(refused);
  EXPECT_EQ(400, refused->code);

  Future<Response> streamed = http::streaming::get(pid, "state");
  AWAIT_READY(streamed);
  ASSERT_EQ(Response::PIPE, streamed->type);
  ASSERT_TRUE(streamed->reader.isSome());
  Future<std::string> body = streamed->reader->readAll();
  AWAIT_READY(body);
  EXPECT_FALSE(parse(body.get()).at("full").get<bool>());

  Future<Response> posted =
      http::post(pid, "state", None(), std::string("{}"),
                 std::string("application/json"), std::string("http"));
  AWAIT_READY(posted);
  EXPECT_EQ(200, posted->code);

  terminate(pid);
  wait(pid);
}
