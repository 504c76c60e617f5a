// The HTTP vocabulary: percent-encoding and query strings (tricky characters,
// bad escapes), path safety, URL parsing and printing (round trips), headers'
// case-insensitivity, the status table, and every Response helper's code,
// status text and headers. Also the guide's HTTP samples, as far as they use
// these types.
#include <process/http.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/address.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/option.hpp>
#include <process/pipe.hpp>

using namespace process;
using namespace process::http;

namespace {

std::string print(const URL& url) {
  std::ostringstream out;
  out << url;
  return out.str();
}

net::IP ip(const std::string& text) {
  return net::IP::parse(text).get();
}

// The guide's HttpProcess, without route() (the server's part): its
// handler as it would be routed, and the endpoint it calls.
class GuideSample {
 public:
  static Future<Response> testing(
      const std::map<std::string, std::string>& query) {
    auto value = query.find("value");
    const std::string s = value == query.end() ? "" : value->second;
    return http::OK("String returned in body: " + s);
  }

  static auto handler() {
    // The guide writes request.query (older libprocess); it is now
    // request.url.query.
    return [](const Request& request) { return testing(request.url.query); };
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// Percent-encoding.

TEST(HttpEncodeTest, UnreservedCharactersStayRaw) {
  EXPECT_EQ("AZaz09-._~", encode("AZaz09-._~"));
}

TEST(HttpEncodeTest, EverythingElseIsEncodedInUppercaseHex) {
  EXPECT_EQ("a%20b%2Bc%26d%3De%25f%2Fg%3Fh%23i", encode("a b+c&d=e%f/g?h#i"));
  EXPECT_EQ("%00%0A%7F%FF", encode(std::string("\0\n\x7f\xff", 4)));
  EXPECT_EQ("%C3%A9", encode("\xc3\xa9"));  // é in UTF-8, byte by byte
  EXPECT_EQ("", encode(""));
}

TEST(HttpEncodeTest, AdditionalCharactersAreEncodedToo) {
  EXPECT_EQ("a%2Eb%7Ec", encode("a.b~c", ".~"));
  EXPECT_EQ("%61bc", encode("abc", "a"));
}

TEST(HttpDecodeTest, DecodesEscapesInEitherCase) {
  EXPECT_EQ("a b/c", decode("a%20b%2Fc").get());
  EXPECT_EQ("\xff\xfe", decode("%ff%FE").get());
  EXPECT_EQ(std::string("a\0b", 3), decode("a%00b").get());
  EXPECT_EQ("", decode("").get());
}

TEST(HttpDecodeTest, PlusStaysAPlusOutsideQueries) {
  EXPECT_EQ("a+b", decode("a+b").get());
}

TEST(HttpDecodeTest, DecodesOnlyOnce) {
  EXPECT_EQ("%41", decode("%2541").get());
}

TEST(HttpDecodeTest, RefusesBadEscapes) {
  for (const std::string bad :
       {"%", "%4", "a%", "%zz", "%4g", "%g4", "%%41", "abc%2", "% 41"}) {
    EXPECT_TRUE(decode(bad).isError()) << bad;
  }
}

TEST(HttpDecodeTest, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) {
    all += static_cast<char>(c);
  }
  EXPECT_EQ(all, decode(encode(all)).get());
}

// ---------------------------------------------------------------------------
// Query strings.

TEST(HttpQueryTest, DecodesPairs) {
  const std::map<std::string, std::string> expected = {{"a", "1"},
                                                       {"b", "two"}};
  EXPECT_EQ(expected, query::decode("a=1&b=two").get());
}

TEST(HttpQueryTest, PlusIsASpaceAndEscapesAreDecoded) {
  const std::map<std::string, std::string> expected = {
      {"k y", "v a+l&u=e"}, {"empty", ""}, {"x", "a=b"}};
  EXPECT_EQ(expected,
            query::decode("k+y=v%20a%2Bl%26u%3De&empty=&x=a=b").get());
}

TEST(HttpQueryTest, KeyWithoutValueAndEmptyPieces) {
  const std::map<std::string, std::string> expected = {{"flag", ""},
                                                       {"a", "1"}};
  EXPECT_EQ(expected, query::decode("&flag&&a=1&").get());
  EXPECT_TRUE(query::decode("").get().empty());
}

TEST(HttpQueryTest, LastRepeatedKeyWins) {
  EXPECT_EQ("3", query::decode("a=1&a=2&a=3").get().at("a"));
}

TEST(HttpQueryTest, SemicolonIsData) {
  const std::map<std::string, std::string> expected = {{"a", "1;b=2"}};
  EXPECT_EQ(expected, query::decode("a=1;b=2").get());
}

TEST(HttpQueryTest, RefusesBadEscapesInKeysAndValues) {
  EXPECT_TRUE(query::decode("a=%zz").isError());
  EXPECT_TRUE(query::decode("a%=1").isError());
  EXPECT_TRUE(query::decode("ok=1&bad=%4").isError());
}

TEST(HttpQueryTest, EncodesInKeyOrderWithNothingRaw) {
  const std::map<std::string, std::string> query = {
      {"b", "x y"}, {"a", "1+1=2&3"}, {"c", ""}};
  EXPECT_EQ("a=1%2B1%3D2%263&b=x%20y&c=", query::encode(query));
  EXPECT_EQ("", query::encode({}));
}

TEST(HttpQueryTest, RoundTrips) {
  const std::map<std::string, std::string> query = {
      {"a b", "c+d"}, {"=&?#", "%%"}, {"\xc3\xa9", "\n"}, {"k", ""}};
  EXPECT_EQ(query, query::decode(query::encode(query)).get());
}

// ---------------------------------------------------------------------------
// Path safety.

TEST(HttpPathTest, NormalizeRefusesDotDotInAnySpelling) {
  for (const std::string bad :
       {"/..", "/../x", "/a/../b", "/a/..", "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x",
        "/%2e./x", "/a/..%2Fb", "/a%2F..%2Fb", "/a/%2e%2e"}) {
    EXPECT_TRUE(normalizePath(bad).isError()) << bad;
  }
}

TEST(HttpPathTest, NormalizeAllowsDotsInsideNames) {
  EXPECT_EQ("/a..b", normalizePath("/a..b").get());
  EXPECT_EQ("/..a/b..", normalizePath("/..a/b..").get());
  EXPECT_EQ("/.hidden", normalizePath("/.hidden").get());
  EXPECT_EQ("/...", normalizePath("/...").get());
}

TEST(HttpPathTest, NormalizeDropsDotAndEmptySegments) {
  EXPECT_EQ("/", normalizePath("/").get());
  EXPECT_EQ("/", normalizePath("//").get());
  EXPECT_EQ("/", normalizePath("/.").get());
  EXPECT_EQ("/a/b", normalizePath("/a//./b").get());
  EXPECT_EQ("/a/b/", normalizePath("/a/b/").get());
  EXPECT_EQ("/a/", normalizePath("/a/.").get());
  EXPECT_EQ("/a b/c", normalizePath("/a%20b/c").get());
}

TEST(HttpPathTest, NormalizeRefusesOtherBadPaths) {
  EXPECT_TRUE(normalizePath("").isError());
  EXPECT_TRUE(normalizePath("a/b").isError());
  EXPECT_TRUE(normalizePath("%2Fa").isError());  // the '/' must be real
  EXPECT_TRUE(normalizePath("/a%00b").isError());
  EXPECT_TRUE(normalizePath("/a%zz").isError());
}

TEST(HttpPathTest, SafePathJudgesDecodedPaths) {
  EXPECT_FALSE(safePath("/a/../b"));
  EXPECT_FALSE(safePath("/.."));
  EXPECT_FALSE(safePath(".."));
  EXPECT_FALSE(safePath("../x"));
  EXPECT_FALSE(safePath("/a/.."));
  EXPECT_FALSE(safePath(std::string("/a\0b", 4)));
  EXPECT_TRUE(safePath("/a..b"));
  EXPECT_TRUE(safePath("/a/./b"));
  EXPECT_TRUE(safePath("/"));
  // Already decoded: this is a file named "%2e%2e", not a parent.
  EXPECT_TRUE(safePath("/%2e%2e/x"));
}

TEST(HttpPathTest, ParsedUrlPathsAreCheckedAfterTheirOneDecoding) {
  EXPECT_FALSE(safePath(URL::parse("http://h/%2e%2e/x").get().path));
  EXPECT_FALSE(safePath(URL::parse("http://h/a/..%2Fb").get().path));
  EXPECT_TRUE(safePath(URL::parse("http://h/%252e%252e/x").get().path));
}

// ---------------------------------------------------------------------------
// URL.

TEST(HttpUrlTest, DefaultsAndConstructors) {
  // As libprocess's: no scheme until one is given (a relative URL).
  const URL empty;
  EXPECT_TRUE(empty.scheme.isNone());
  EXPECT_FALSE(empty.isAbsolute());
  EXPECT_EQ("/", empty.path);
  EXPECT_TRUE(empty.domain.isNone());
  EXPECT_TRUE(empty.ip.isNone());
  EXPECT_TRUE(empty.port.isNone());

  // The guide's sample.
  URL url = URL("http", "hostname", 1234, "/testing");
  EXPECT_EQ("hostname", url.domain.get());
  EXPECT_TRUE(url.ip.isNone());
  EXPECT_EQ(1234, url.port.get());
  EXPECT_EQ("/testing", url.path);
  EXPECT_EQ("http://hostname:1234/testing", print(url));

  const URL byIp("https", ip("10.0.0.5"), 443, "/a", {{"x", "1"}}, "top");
  EXPECT_EQ(ip("10.0.0.5"), byIp.ip.get());
  EXPECT_TRUE(byIp.domain.isNone());
  EXPECT_EQ("https://10.0.0.5:443/a?x=1#top", print(byIp));
  EXPECT_EQ("https://10.0.0.5:443/a?x=1#top", stringify(byIp));
}

TEST(HttpUrlTest, ParsesEveryPart) {
  Try<URL> url = URL::parse("http://host:8080/p/q?x=1&y=a+b#frag");
  ASSERT_TRUE(url.isSome()) << url.error();
  EXPECT_EQ("http", url->scheme);
  EXPECT_EQ("host", url->domain.get());
  EXPECT_TRUE(url->ip.isNone());
  EXPECT_EQ(8080, url->port.get());
  EXPECT_EQ("/p/q", url->path);
  const std::map<std::string, std::string> query = {{"x", "1"}, {"y", "a b"}};
  EXPECT_EQ(query, url->query);
  EXPECT_EQ("frag", url->fragment.get());
}

TEST(HttpUrlTest, ParsesAnIpv4HostAsAnIp) {
  Try<URL> url = URL::parse("http://127.0.0.1:5050/master/state");
  ASSERT_TRUE(url.isSome()) << url.error();
  EXPECT_EQ(ip("127.0.0.1"), url->ip.get());
  EXPECT_TRUE(url->domain.isNone());
  // Not a dotted quad: a name.
  EXPECT_EQ("1.2.3", URL::parse("http://1.2.3/").get().domain.get());
}

TEST(HttpUrlTest, DefaultPortsAndPath) {
  Try<URL> url = URL::parse("http://example.com");
  ASSERT_TRUE(url.isSome()) << url.error();
  EXPECT_EQ(80, url->port.get());
  EXPECT_EQ("/", url->path);
  EXPECT_TRUE(url->query.empty());
  EXPECT_TRUE(url->fragment.isNone());
  EXPECT_EQ(443, URL::parse("HTTPS://example.com/").get().port.get());
  EXPECT_EQ("https", URL::parse("HTTPS://example.com/").get().scheme);
  EXPECT_TRUE(URL::parse("ftp://example.com/").get().port.isNone());
  EXPECT_EQ("/", URL::parse("http://h?x=1").get().path);
  EXPECT_EQ("1", URL::parse("http://h?x=1").get().query.at("x"));
  EXPECT_EQ("f", URL::parse("http://h#f").get().fragment.get());
}

TEST(HttpUrlTest, DecodesPathAndFragment) {
  Try<URL> url = URL::parse("http://h/a%20b/c+d?q=%3F#x%20y?z");
  ASSERT_TRUE(url.isSome()) << url.error();
  EXPECT_EQ("/a b/c+d", url->path);
  EXPECT_EQ("?", url->query.at("q"));
  EXPECT_EQ("x y?z", url->fragment.get());
  // A '?' after the '#' is part of the fragment, not a query.
  Try<URL> late = URL::parse("http://h/p#f?x=1");
  EXPECT_TRUE(late->query.empty());
  EXPECT_EQ("f?x=1", late->fragment.get());
}

TEST(HttpUrlTest, RefusesMalformedUrls) {
  for (const std::string bad : {
           "",
           "host:80/path",         // no scheme
           "://host/",             // empty scheme
           "1http://host/",        // scheme starts with a digit
           "ht tp://host/",        // whitespace
           "http://",              // no host
           "http:///path",         // no host
           "http://:80/",          // no host
           "http://host:/",        // empty port
           "http://host:65536/",   // port out of range
           "http://host:8o/",      // port not a number
           "http://host:123456/",  // port too long
           "http://user@host/",    // user info
           "http://[::1]:80/",     // IPv6
           "http://ho%20st/",      // escape in host
           "http://host/a%zz",     // bad escape in path
           "http://host/?a=%4",    // bad escape in query
           "http://host/#%",       // bad escape in fragment
           "http://host/a b",      // raw space
           "http://host/a\nb",     // control character
       }) {
    EXPECT_TRUE(URL::parse(bad).isError()) << "'" << bad << "'";
  }
}

TEST(HttpUrlTest, PrintsWithEncoding) {
  URL url("http", "h", 80, "/a b/c?d#e%f", {{"k&=", "v +/"}}, "g h#");
  EXPECT_EQ("http://h:80/a%20b/c%3Fd%23e%25f?k%26%3D=v%20%2B%2F#g%20h%23",
            print(url));
  // Characters legal in a path stay readable.
  EXPECT_EQ("http://h:80/a:b@c/d+e,f;g=h!",
            print(URL("http", "h", 80, "/a:b@c/d+e,f;g=h!")));
  // A path without its leading slash still prints as one.
  EXPECT_EQ("http://h:80/testing", print(URL("http", "h", 80, "testing")));
}

TEST(HttpUrlTest, PrintsWithoutPortWhenNone) {
  URL url;
  url.scheme = "http";
  url.domain = "example.com";
  EXPECT_EQ("http://example.com/", print(url));
}

TEST(HttpUrlTest, TargetIsPathAndQuery) {
  URL url("http", "h", 80, "/a b", {{"x", "1 2"}}, "ignored");
  EXPECT_EQ("/a%20b?x=1%202", url.target());
  EXPECT_EQ("/", URL().target());
}

TEST(HttpUrlTest, ParsePrintRoundTrips) {
  for (const std::string text : {
           "http://host:8080/",
           "http://10.1.2.3:5050/master/state",
           "https://example.com:443/a%20b/c?x=1&y=%2B#frag",
           "http://h:1/%25/%3F%23?%26=%3D#%23",
           "http://h:80/a:b@c/d+e?k=#",
           "http://h:80/%C3%A9t%C3%A9?caf%C3%A9=cr%C3%A8me",
       }) {
    Try<URL> url = URL::parse(text);
    ASSERT_TRUE(url.isSome()) << url.error();
    EXPECT_EQ(text, print(url.get()));
  }
}

TEST(HttpUrlTest, PrintParseRoundTrips) {
  const std::vector<URL> urls = {
      URL("http", "h", 80, "/", {}, None()),
      URL("http", "h", 1234, "/a b/c+d/%/?/#", {{"a b", "c&d"}, {"e", ""}},
          "x y"),
      URL("https", ip("192.168.0.1"), 443, "/x", {{"=", "+"}}, ""),
      URL("http", "h", 80, "/\xc3\xa9", {{"\xc3\xa9", "\t"}}, None()),
  };
  for (const URL& url : urls) {
    Try<URL> parsed = URL::parse(print(url));
    ASSERT_TRUE(parsed.isSome()) << parsed.error();
    EXPECT_EQ(url, parsed.get()) << print(url);
  }
}

TEST(HttpUrlTest, EqualityComparesEveryField) {
  const URL a("http", "h", 80, "/p");
  EXPECT_EQ(a, URL("http", "h", 80, "/p"));
  EXPECT_NE(a, URL("http", "h", 81, "/p"));
  EXPECT_NE(a, URL("http", "g", 80, "/p"));
  EXPECT_NE(a, URL("http", "h", 80, "/q"));
  EXPECT_NE(a, URL("http", "h", 80, "/p", {{"x", ""}}));
  EXPECT_NE(a, URL("http", "h", 80, "/p", {}, "f"));
  // The constructor keeps a dotted quad as a domain; parse() makes it an ip.
  EXPECT_NE(URL("http", "1.2.3.4", 80), URL::parse("http://1.2.3.4:80/").get());
  EXPECT_EQ(URL("http", ip("1.2.3.4"), 80),
            URL::parse("http://1.2.3.4:80/").get());
}

// ---------------------------------------------------------------------------
// Headers.

TEST(HttpHeadersTest, NamesAreCaseInsensitive) {
  Headers headers;
  headers["Content-Type"] = "text/html";
  EXPECT_EQ("text/html", headers["content-type"]);
  EXPECT_EQ("text/html", headers.at("CONTENT-TYPE"));
  EXPECT_TRUE(headers.contains("cOnTeNt-TyPe"));
  EXPECT_EQ("text/html", headers.get("CONTENT-type").get());
  EXPECT_TRUE(headers.get("Content-Length").isNone());
  EXPECT_FALSE(headers.contains("Content-Length"));

  headers["CONTENT-TYPE"] = "application/json";
  EXPECT_EQ(1u, headers.size());
  EXPECT_EQ("application/json", headers.get("content-type").get());
  // The name keeps the spelling it was first stored with.
  EXPECT_EQ("Content-Type", headers.begin()->first);

  EXPECT_EQ(1u, headers.erase("content-TYPE"));
  EXPECT_TRUE(headers.empty());
}

TEST(HttpHeadersTest, InitializerListAndOrder) {
  const Headers headers = {{"b", "2"}, {"A", "1"}, {"c", "3"}, {"B", "dup"}};
  EXPECT_EQ(3u, headers.size());
  EXPECT_EQ("2", headers.get("B").get());  // the first insertion wins
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    names.push_back(name);
  }
  EXPECT_EQ((std::vector<std::string>{"A", "b", "c"}), names);
}

TEST(HttpHeadersTest, ComparatorIsAsciiOnly) {
  const CaseInsensitiveLess less;
  EXPECT_FALSE(less("abc", "ABC"));
  EXPECT_FALSE(less("ABC", "abc"));
  EXPECT_TRUE(less("abc", "ABD"));
  EXPECT_TRUE(less("ab", "ABC"));
  // '_' sits between the upper and lower case letters in ASCII: folding to
  // lower case puts it before every letter, consistently.
  EXPECT_TRUE(less("A_", "ab"));
  EXPECT_TRUE(less("a_", "AB"));
}

// ---------------------------------------------------------------------------
// Status table.

TEST(HttpStatusTest, StringIsTheStatusLineText) {
  EXPECT_EQ("200 OK", Status::string(200));
  EXPECT_EQ("404 Not Found", Status::string(Status::NOT_FOUND));
  EXPECT_EQ("413 Payload Too Large", Status::string(413));
  EXPECT_EQ("431 Request Header Fields Too Large", Status::string(431));
  EXPECT_EQ("511 Network Authentication Required", Status::string(511));
  EXPECT_EQ("599", Status::string(599));
  EXPECT_EQ("0", Status::string(0));
}

TEST(HttpStatusTest, EveryStandardCodeHasAPhrase) {
  const std::vector<uint16_t> codes = {
      100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208,
      226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403,
      404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416,
      417, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501,
      502, 503, 504, 505, 506, 507, 508, 510, 511};
  for (const uint16_t code : codes) {
    EXPECT_FALSE(Status::reason(code).empty()) << code;
    EXPECT_EQ(std::to_string(code) + " " + std::string(Status::reason(code)),
              Status::string(code));
  }
  for (const uint16_t code : {99, 199, 306, 418, 499, 509, 600}) {
    EXPECT_TRUE(Status::reason(code).empty()) << code;
  }
}

// ---------------------------------------------------------------------------
// Responses.

namespace {

struct Expected {
  uint16_t code;
  std::string status;
};

void expectBodyResponse(const Response& response, const Expected& expected,
                        const std::string& body) {
  EXPECT_EQ(expected.code, response.code);
  EXPECT_EQ(expected.status, response.status);
  EXPECT_EQ(Response::BODY, response.type);
  EXPECT_EQ(body, response.body);
  EXPECT_EQ(kTextPlain, response.headers.get("Content-Type").getOrElse(""));
}

void expectEmptyResponse(const Response& response, const Expected& expected) {
  EXPECT_EQ(expected.code, response.code);
  EXPECT_EQ(expected.status, response.status);
  EXPECT_EQ(Response::NONE, response.type);
  EXPECT_EQ("", response.body);
  EXPECT_FALSE(response.headers.contains("Content-Type"));
}

// Each helper with a plain body and without one.
template <typename Helper>
void expectHelper(const Expected& expected) {
  SCOPED_TRACE(expected.status);
  expectEmptyResponse(Helper(), expected);
  expectBodyResponse(Helper("why"), expected, "why");
  static_assert(std::is_base_of_v<Response, Helper>);
}

}  // namespace

TEST(HttpResponseTest, BaseConstructors) {
  const Response plain;
  EXPECT_EQ(200, plain.code);
  EXPECT_EQ("200 OK", plain.status);
  EXPECT_EQ(Response::NONE, plain.type);
  EXPECT_TRUE(plain.headers.empty());
  EXPECT_TRUE(plain.reader.isNone());

  const Response code(Status::NO_CONTENT);
  EXPECT_EQ(204, code.code);
  EXPECT_EQ("204 No Content", code.status);
  EXPECT_EQ(Response::NONE, code.type);

  const Response body("{}", 201, "application/json");
  EXPECT_EQ("201 Created", body.status);
  EXPECT_EQ(Response::BODY, body.type);
  EXPECT_EQ("application/json", body.headers.get("content-type").get());
  // Content-Length is the encoder's business.
  EXPECT_FALSE(body.headers.contains("Content-Length"));

  const Response emptyBody("", 200);
  EXPECT_EQ(Response::BODY, emptyBody.type);
  EXPECT_FALSE(emptyBody.headers.contains("Content-Type"));

  const Response noType("x", 200, "");
  EXPECT_FALSE(noType.headers.contains("Content-Type"));
}

TEST(HttpResponseTest, PlainHelpers) {
  expectHelper<OK>({200, "200 OK"});
  expectHelper<Accepted>({202, "202 Accepted"});
  expectHelper<BadRequest>({400, "400 Bad Request"});
  expectHelper<Forbidden>({403, "403 Forbidden"});
  expectHelper<NotFound>({404, "404 Not Found"});
  expectHelper<NotAcceptable>({406, "406 Not Acceptable"});
  expectHelper<RequestTimeout>({408, "408 Request Timeout"});
  expectHelper<Conflict>({409, "409 Conflict"});
  expectHelper<PreconditionFailed>({412, "412 Precondition Failed"});
  expectHelper<PayloadTooLarge>({413, "413 Payload Too Large"});
  expectHelper<RequestEntityTooLarge>({413, "413 Payload Too Large"});
  expectHelper<UnsupportedMediaType>({415, "415 Unsupported Media Type"});
  expectHelper<TooManyRequests>({429, "429 Too Many Requests"});
  expectHelper<RequestHeaderFieldsTooLarge>(
      {431, "431 Request Header Fields Too Large"});
  expectHelper<InternalServerError>({500, "500 Internal Server Error"});
  expectHelper<NotImplemented>({501, "501 Not Implemented"});
  expectHelper<ServiceUnavailable>({503, "503 Service Unavailable"});
}

TEST(HttpResponseTest, OkWithContentType) {
  const OK json("{\"a\":1}", "application/json");
  EXPECT_EQ("200 OK", json.status);
  EXPECT_EQ(Response::BODY, json.type);
  EXPECT_EQ("{\"a\":1}", json.body);
  EXPECT_EQ("application/json", json.headers.get("Content-Type").get());
}

TEST(HttpResponseTest, Unauthorized) {
  const Unauthorized one({"Basic realm=\"mesos\""});
  EXPECT_EQ(401, one.code);
  EXPECT_EQ("401 Unauthorized", one.status);
  EXPECT_EQ(Response::NONE, one.type);
  EXPECT_EQ("Basic realm=\"mesos\"", one.headers.get("WWW-Authenticate").get());
  EXPECT_FALSE(one.headers.contains("Content-Type"));

  const Unauthorized two({"Basic realm=\"a\"", "Bearer realm=\"b\""}, "log in");
  EXPECT_EQ("Basic realm=\"a\", Bearer realm=\"b\"",
            two.headers.get("www-authenticate").get());
  EXPECT_EQ(Response::BODY, two.type);
  EXPECT_EQ("log in", two.body);
  EXPECT_EQ(kTextPlain, two.headers.get("Content-Type").get());

  EXPECT_FALSE(Unauthorized({}).headers.contains("WWW-Authenticate"));
}

TEST(HttpResponseTest, MethodNotAllowed) {
  const MethodNotAllowed list({"GET", "POST"});
  EXPECT_EQ(405, list.code);
  EXPECT_EQ("405 Method Not Allowed", list.status);
  EXPECT_EQ("GET, POST", list.headers.get("Allow").get());
  EXPECT_EQ(Response::BODY, list.type);
  EXPECT_NE(std::string::npos, list.body.find("GET, POST"));

  const MethodNotAllowed withMethod({"GET"}, "DELETE");
  EXPECT_EQ("GET", withMethod.headers.get("Allow").get());
  EXPECT_NE(std::string::npos, withMethod.body.find("DELETE"));

  const MethodNotAllowed fromSet(std::set<std::string>{"PUT", "GET"});
  EXPECT_EQ("GET, PUT", fromSet.headers.get("Allow").get());

  const MethodNotAllowed fromVector(std::vector<std::string>{"HEAD"},
                                    std::string("GET"));
  EXPECT_EQ("HEAD", fromVector.headers.get("Allow").get());
}

TEST(HttpResponseTest, TemporaryRedirect) {
  const TemporaryRedirect text("http://elsewhere:5050/master");
  EXPECT_EQ(307, text.code);
  EXPECT_EQ("307 Temporary Redirect", text.status);
  EXPECT_EQ(Response::NONE, text.type);
  EXPECT_EQ("http://elsewhere:5050/master", text.headers.get("Location").get());

  const TemporaryRedirect url(URL("http", "h", 80, "/a b"));
  EXPECT_EQ("http://h:80/a%20b", url.headers.get("location").get());
}

TEST(HttpResponseTest, Streaming) {
  Pipe pipe;
  const OK ok(pipe.reader(), "application/json");
  EXPECT_EQ("200 OK", ok.status);
  EXPECT_EQ(Response::PIPE, ok.type);
  ASSERT_TRUE(ok.reader.isSome());
  EXPECT_TRUE(ok.reader.get() == pipe.reader());
  EXPECT_EQ("chunked", ok.headers.get("Transfer-Encoding").get());
  EXPECT_EQ("application/json", ok.headers.get("Content-Type").get());
  EXPECT_TRUE(ok.body.empty());

  const Response plain(pipe.reader(), Status::OK);
  EXPECT_FALSE(plain.headers.contains("Content-Type"));

  // What the writer writes is what the response streams.
  Future<std::string> all = ok.reader->readAll();
  EXPECT_TRUE(pipe.writer().write("{\"a\":"));
  EXPECT_TRUE(pipe.writer().write("1}"));
  EXPECT_TRUE(pipe.writer().close());
  AWAIT_EXPECT_EQ("{\"a\":1}", all);
}

TEST(HttpResponseTest, HelpersConvertToResponseAndFutures) {
  const std::string s = "42";
  Response response = http::OK("String returned in body: " + s);
  EXPECT_EQ("String returned in body: 42", response.body);

  Future<Response> future = http::OK("String returned in body: " + s);
  AWAIT_READY(future);
  EXPECT_EQ("String returned in body: 42", future->body);
  EXPECT_EQ(200, future->code);

  Future<Response> notFound = NotFound("no such thing");
  AWAIT_READY(notFound);
  EXPECT_EQ(404, notFound->code);

  Request get;
  get.url = URL::parse("http://h:1/testing?value=7").get();
  Future<Response> answer = GuideSample::handler()(get);
  AWAIT_READY(answer);
  EXPECT_EQ("String returned in body: 7", answer->body);

  // A handler that answers with different helpers converts each.
  auto handler = [](const Request& request) -> Future<Response> {
    if (request.method != "GET") {
      return MethodNotAllowed({"GET"}, request.method);
    }
    return OK("fine");
  };

  Request post;
  post.method = "POST";
  AWAIT_READY(handler(post));
  EXPECT_EQ(405, handler(post)->code);
}

// ---------------------------------------------------------------------------
// Request.

TEST(HttpRequestTest, DefaultsAndTheGuidesSample) {
  const Request plain;
  EXPECT_EQ("GET", plain.method);
  EXPECT_EQ(Request::BODY, plain.type);
  EXPECT_TRUE(plain.keepAlive);
  EXPECT_TRUE(plain.client.isNone());
  EXPECT_TRUE(plain.reader.isNone());
  EXPECT_TRUE(plain.body.empty());

  URL url = URL("http", "hostname", 1234, "/testing");
  Request request;
  request.method = "GET";
  request.url = url;
  request.body = "Amazing prose goes here.";
  request.keepAlive = true;
  EXPECT_EQ(url, request.url);
  request.headers["Accept"] = "text/plain";
  request.client = Address(ip("10.0.0.1"), 40000);
  EXPECT_EQ("text/plain", request.headers.get("accept").get());
  EXPECT_EQ(40000, request.client->port);

  const Request copy = request;
  EXPECT_EQ("Amazing prose goes here.", copy.body);
  EXPECT_EQ(url, copy.url);
}
