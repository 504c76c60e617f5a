// The vocabulary of HTTP, as libprocess code speaks it: URL, Headers,
// Request and Response (with OK, NotFound, … for each common status, and
// OK(json) for JSON answers), the status table, percent-encoding and query
// strings, and the path check that keeps a request inside the tree it
// names. As in libprocess, this header also gives the client (get, post,
// requestDelete, request, connect, Connection: see http_client.hpp).
//
//   route("/state", None(), [](const http::Request& request) {
//     if (!request.url.query.contains("full")) {
//       return http::Response(http::BadRequest("'full' is required"));
//     }
//     return http::Response(http::OK(nlohmann::json{{"full", true}},
//                                    request.url.query.get("jsonp")));
//   });
//
// The maps (URL::query, Headers) are std::maps with stout hashmap's
// vocabulary besides: get(key) gives an Option, contains(key), put(key,
// value), keys(), values(). Ours: they iterate in key order (libprocess's
// hashmap in no order).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <process/address.hpp>
#include <process/clock.hpp>
#include <process/option.hpp>
#include <process/pipe.hpp>
#include <process/time.hpp>
#include <process/try.hpp>

namespace process::http {

// How a connection is made: HTTP, or HTTPS (TLS with the caller's
// context's settings, Context::Tls). HTTP_UNIX is refused with a failed
// future, but code that names it compiles.
enum class Scheme {
  HTTP,
  HTTP_UNIX,
  HTTPS,
};

// A std::map from strings to strings with stout hashmap's vocabulary.
template <typename Compare = std::less<std::string>>
class StringMap : public std::map<std::string, std::string, Compare> {
  using Base = std::map<std::string, std::string, Compare>;

 public:
  using Base::Base;
  StringMap() = default;
  // A plain std::map converts, as it does to libprocess's hashmap.
  // NOLINTNEXTLINE(google-explicit-constructor)
  StringMap(const std::map<std::string, std::string>& map)
      : Base(map.begin(), map.end()) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  StringMap(std::map<std::string, std::string>&& map)
      : Base(adopt(std::move(map))) {}

  Option<std::string> get(const std::string& key) const {
    const auto it = this->find(key);
    if (it == this->end()) {
      return None();
    }
    return it->second;
  }

  bool contains(const std::string& key) const {
    return this->find(key) != this->end();
  }

  // stout's name.
  // NOLINTNEXTLINE(readability-identifier-naming)
  bool contains_value(const std::string& value) const {
    for (const auto& entry : *this) {
      if (entry.second == value) {
        return true;
      }
    }
    return false;
  }

  // Sets the value, replacing any there was.
  void put(const std::string& key, std::string value) {
    this->insert_or_assign(key, std::move(value));
  }

  std::set<std::string, Compare> keys() const {
    std::set<std::string, Compare> result;
    for (const auto& entry : *this) {
      result.insert(result.end(), entry.first);
    }
    return result;
  }

  std::vector<std::string> values() const {
    std::vector<std::string> result;
    result.reserve(this->size());
    for (const auto& entry : *this) {
      result.push_back(entry.second);
    }
    return result;
  }

 private:
  // With the default order the map's nodes are taken over, not copied.
  static Base adopt(std::map<std::string, std::string>&& map) {
    if constexpr (std::is_same_v<Base, std::map<std::string, std::string>>) {
      return std::move(map);
    } else {
      return Base(std::make_move_iterator(map.begin()),
                  std::make_move_iterator(map.end()));
    }
  }
};

// Decoded query parameters (URL::query), path parameters (path::parse).
using Query = StringMap<>;

// Whether the code is a status this library knows by name (Status below).
bool isValidStatus(uint16_t code);

// Percent-decoding: "%2F" becomes "/". A '%' not followed by two hex digits
// is an error. '+' stays '+': it means a space only in a query string, which
// query::decode handles.
Try<std::string> decode(const std::string& encoded);

// Percent-encodes every byte but RFC 3986's unreserved characters (letters,
// digits, "-._~"), and those too if they are in `additional`.
std::string encode(const std::string& text, const std::string& additional = "");

namespace query {

// "a=1&b=x%20y" to {a: "1", b: "x y"}. Keys and values are percent-decoded
// with '+' as a space; a key without '=' has the empty value; empty pieces
// ("a=1&&b=2") are skipped; a repeated key keeps its last value. Only '&'
// separates: ';' is data, as in today's browsers.
// (Ours: the result is a std::map; assign it to a Query, or to a URL's
// query, for get() and contains().)
Try<std::map<std::string, std::string>> decode(const std::string& query);

// The inverse: "key=value" pairs joined by '&', in key order, each side
// encoded with encode() (so '+', '&', '=' and spaces never appear raw).
std::string encode(const std::map<std::string, std::string>& query);

}  // namespace query

namespace path {

// Matches `path` against `pattern`, both '/'-separated, and gives the
// pattern's "{name}" segments their values from the path:
// parse("/books/{isbn}/chapters/{chapter}", "/books/0304/chapters/2") is
// {books: "books", isbn: "0304", chapters: "chapters", chapter: "2"} (a
// literal segment maps to itself, as in libprocess). Empty segments are
// ignored; a path shorter than the pattern matches its prefix. An error if
// a literal segment differs or the path is longer than the pattern.
Try<Query> parse(const std::string& pattern, const std::string& path);

}  // namespace path

// A request path (percent-encoded, as it comes on the request line) turned
// into the decoded path it names: "." and empty segments dropped, a trailing
// '/' kept. An error if it does not start with '/', has a bad escape or a NUL
// byte, or has a ".." segment in any spelling ("/%2e%2e/x", "/a/..%2Fb"):
// such a request would reach outside the tree its first segments name.
Try<std::string> normalizePath(const std::string& encodedPath);

// Whether an already decoded path (a URL::path) is free of ".." segments and
// NUL bytes. Never decode a URL::path again before this: "%2e%2e" in it is a
// literal name, and decoding it twice would turn it into "..".
bool safePath(const std::string& decodedPath);

// Status codes, with libprocess's names, and their text.
struct Status {
  static constexpr uint16_t CONTINUE = 100;
  static constexpr uint16_t SWITCHING_PROTOCOLS = 101;
  static constexpr uint16_t PROCESSING = 102;
  static constexpr uint16_t EARLY_HINTS = 103;
  static constexpr uint16_t OK = 200;
  static constexpr uint16_t CREATED = 201;
  static constexpr uint16_t ACCEPTED = 202;
  static constexpr uint16_t NON_AUTHORITATIVE_INFORMATION = 203;
  static constexpr uint16_t NO_CONTENT = 204;
  static constexpr uint16_t RESET_CONTENT = 205;
  static constexpr uint16_t PARTIAL_CONTENT = 206;
  static constexpr uint16_t MULTI_STATUS = 207;
  static constexpr uint16_t ALREADY_REPORTED = 208;
  static constexpr uint16_t IM_USED = 226;
  static constexpr uint16_t MULTIPLE_CHOICES = 300;
  static constexpr uint16_t MOVED_PERMANENTLY = 301;
  static constexpr uint16_t FOUND = 302;
  static constexpr uint16_t SEE_OTHER = 303;
  static constexpr uint16_t NOT_MODIFIED = 304;
  static constexpr uint16_t USE_PROXY = 305;
  static constexpr uint16_t TEMPORARY_REDIRECT = 307;
  static constexpr uint16_t PERMANENT_REDIRECT = 308;
  static constexpr uint16_t BAD_REQUEST = 400;
  static constexpr uint16_t UNAUTHORIZED = 401;
  static constexpr uint16_t PAYMENT_REQUIRED = 402;
  static constexpr uint16_t FORBIDDEN = 403;
  static constexpr uint16_t NOT_FOUND = 404;
  static constexpr uint16_t METHOD_NOT_ALLOWED = 405;
  static constexpr uint16_t NOT_ACCEPTABLE = 406;
  static constexpr uint16_t PROXY_AUTHENTICATION_REQUIRED = 407;
  static constexpr uint16_t REQUEST_TIMEOUT = 408;
  static constexpr uint16_t CONFLICT = 409;
  static constexpr uint16_t GONE = 410;
  static constexpr uint16_t LENGTH_REQUIRED = 411;
  static constexpr uint16_t PRECONDITION_FAILED = 412;
  static constexpr uint16_t PAYLOAD_TOO_LARGE = 413;
  static constexpr uint16_t REQUEST_ENTITY_TOO_LARGE = 413;
  static constexpr uint16_t URI_TOO_LONG = 414;
  static constexpr uint16_t REQUEST_URI_TOO_LARGE = 414;
  static constexpr uint16_t UNSUPPORTED_MEDIA_TYPE = 415;
  static constexpr uint16_t RANGE_NOT_SATISFIABLE = 416;
  static constexpr uint16_t REQUESTED_RANGE_NOT_SATISFIABLE = 416;
  static constexpr uint16_t EXPECTATION_FAILED = 417;
  static constexpr uint16_t MISDIRECTED_REQUEST = 421;
  static constexpr uint16_t UNPROCESSABLE_ENTITY = 422;
  static constexpr uint16_t LOCKED = 423;
  static constexpr uint16_t FAILED_DEPENDENCY = 424;
  static constexpr uint16_t TOO_EARLY = 425;
  static constexpr uint16_t UPGRADE_REQUIRED = 426;
  static constexpr uint16_t PRECONDITION_REQUIRED = 428;
  static constexpr uint16_t TOO_MANY_REQUESTS = 429;
  static constexpr uint16_t REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
  static constexpr uint16_t UNAVAILABLE_FOR_LEGAL_REASONS = 451;
  static constexpr uint16_t INTERNAL_SERVER_ERROR = 500;
  static constexpr uint16_t NOT_IMPLEMENTED = 501;
  static constexpr uint16_t BAD_GATEWAY = 502;
  static constexpr uint16_t SERVICE_UNAVAILABLE = 503;
  static constexpr uint16_t GATEWAY_TIMEOUT = 504;
  static constexpr uint16_t HTTP_VERSION_NOT_SUPPORTED = 505;
  static constexpr uint16_t VARIANT_ALSO_NEGOTIATES = 506;
  static constexpr uint16_t INSUFFICIENT_STORAGE = 507;
  static constexpr uint16_t LOOP_DETECTED = 508;
  static constexpr uint16_t NOT_EXTENDED = 510;
  static constexpr uint16_t NETWORK_AUTHENTICATION_REQUIRED = 511;

  // The status line's text, as libprocess gives it: "404 Not Found". A code
  // without a registered phrase gives just its number, "599".
  static std::string string(uint16_t code);

  // The reason phrase alone, "Not Found"; empty for an unregistered code.
  static std::string_view reason(uint16_t code);
};

// Header names compare without regard to ASCII case (RFC 9110), so
// headers["content-type"] finds "Content-Type".
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view left, std::string_view right) const;
};

// One value per name: a header sent several times is one value joined with
// ", ", which RFC 9110 makes equivalent. Iterates in name order.
class Headers : public StringMap<CaseInsensitiveLess> {
 public:
  using StringMap<CaseInsensitiveLess>::StringMap;
  Headers() = default;

  // These headers with `that`'s added; on a name in both, this one's value
  // stays (as libprocess's).
  Headers operator+(const Headers& that) const {
    Headers result = *this;
    result.insert(that.begin(), that.end());
    return result;
  }
};

struct URL {
  URL() = default;
  // A URL without a port (the scheme's default is used when connecting).
  URL(std::string scheme, std::string domain, std::string path,
      Query query = {}, Option<std::string> fragment = None());
  // `domain` is kept as a domain even when it is a dotted quad; parse()
  // tells the two apart.
  URL(std::string scheme, std::string domain, uint16_t port = 80,
      std::string path = "/", Query query = {},
      Option<std::string> fragment = None());
  URL(std::string scheme, const net::IP& ip, uint16_t port = 80,
      std::string path = "/", Query query = {},
      Option<std::string> fragment = None());

  // "http://host:port/path?x=1#f". The host is an IPv4 address (ip) or a
  // name (domain); user info and IPv6 literals are refused. Without a port,
  // http gets 80 and https 443. Path, query and fragment are decoded.
  static Try<URL> parse(const std::string& text);

  // Whether it has a scheme (RFC 3986 section 4.3). A request a server
  // received has none: its URL is the request line's path and query.
  bool isAbsolute() const { return scheme.isSome(); }

  // What a request line carries: the encoded path and query, "/a%20b?x=1".
  std::string target() const;

  friend bool operator==(const URL& left, const URL& right) = default;

  Option<std::string> scheme;  // lower case, "http"
  Option<std::string> domain;
  Option<net::IP> ip;
  Option<uint16_t> port;
  std::string path = "/";        // decoded
  Query query;                   // decoded
  Option<std::string> fragment;  // decoded
};

// scheme://host[:port]/path[?query][#fragment], percent-encoded so that
// URL::parse gives the same URL back. The domain is printed rather than the
// ip when both are set; a URL without a scheme prints as //host/path…, or
// as just /path… without a host either.
std::ostream& operator<<(std::ostream& stream, const URL& url);
std::string stringify(const URL& url);

struct Request {
  // How the body comes: whole in `body`, or piece by piece from `reader`.
  enum Type { BODY, PIPE };

  std::string method = "GET";
  URL url;
  Headers headers;
  Type type = BODY;
  std::string body;
  Option<Pipe::Reader> reader;
  bool keepAlive = true;
  Option<Address> client;  // the peer, for a request a server received
  Time received = Clock::now();

  // Whether the Accept-Encoding header accepts `encoding` (by name or by
  // "*"), with a q-value that is not zero. False without the header, as in
  // libprocess: a server should then send the identity encoding.
  bool acceptsEncoding(const std::string& encoding) const;

  // Whether the Accept header (or the header `name`, which has Accept's
  // form) accepts `mediaType` ("type/subtype") as itself, as "type/*" or as
  // "*/*", with a q-value that is not zero. True without the header.
  bool acceptsMediaType(const std::string& mediaType) const;
  bool acceptsMediaType(const std::string& name,
                        const std::string& mediaType) const;
};

inline constexpr char kTextPlain[] = "text/plain; charset=utf-8";

struct Response {
  // NONE: no body. BODY: `body`. PATH: the file at `path`. PIPE: what
  // `reader` gives, sent chunked.
  enum Type { NONE, BODY, PATH, PIPE };

  // 200 OK with no body.
  Response() : Response(Status::OK) {}
  explicit Response(uint16_t code);
  // Content-Type is set to `contentType` when both are non-empty.
  // Content-Length is left to whoever encodes the response, so that it
  // cannot disagree with a body changed after construction.
  explicit Response(std::string body, uint16_t code,
                    const std::string& contentType = kTextPlain);
  // A streaming response: the body is what `reader` gives until its end,
  // sent with Transfer-Encoding: chunked.
  explicit Response(Pipe::Reader reader, uint16_t code,
                    const std::string& contentType = "");

  std::string status;  // the status line's text, "200 OK"
  uint16_t code = Status::OK;
  Headers headers;
  Type type = NONE;
  std::string body;
  std::string path;
  Option<Pipe::Reader> reader;
};

// One helper per common status. A helper given a body sets Content-Type to
// text/plain unless it says otherwise; without one, the response has none.

struct OK : Response {
  OK() : Response(Status::OK) {}
  explicit OK(const char* body) : Response(std::string(body), Status::OK) {}
  explicit OK(std::string body) : Response(std::move(body), Status::OK) {}
  // A template only so that it can refuse a json first argument (a json
  // converts to a std::string): OK(json, "cb") is the JSONP answer below.
  template <typename Body>
  requires(std::is_constructible_v<std::string, Body> &&
           !std::is_same_v<std::remove_cvref_t<Body>, nlohmann::json>)
      OK(Body&& body, const std::string& contentType)
      : Response(std::string(std::forward<Body>(body)), Status::OK,
                 contentType) {}
  explicit OK(Pipe::Reader reader, const std::string& contentType = "")
      : Response(std::move(reader), Status::OK, contentType) {}

  // JSON, as libprocess's OK(JSON::Value): the body is the compact text
  // ({"a":1}) with Content-Type application/json; with a `jsonp` callback
  // it is callback({"a":1}) with Content-Type text/javascript. Build the
  // value with <nlohmann/json.hpp>.
  //
  // Ours: a string that is not valid UTF-8 is written with U+FFFD in place
  // of the bad bytes rather than throwing. A callback that is not a
  // JavaScript name or dotted path ("cb", "app.on_data") would let whoever
  // wrote the request put script in the answer; instead of that, the
  // response is 400 Bad Request, saying why (libprocess sends it as given).
  OK(const nlohmann::json& value,  // NOLINT(google-explicit-constructor)
     const Option<std::string>& jsonp = None());
};

struct Accepted : Response {
  Accepted() : Response(Status::ACCEPTED) {}
  explicit Accepted(std::string body)
      : Response(std::move(body), Status::ACCEPTED) {}
};

// Location: url. A 307 keeps the method and body when the client follows it.
struct TemporaryRedirect : Response {
  explicit TemporaryRedirect(const std::string& url);
  explicit TemporaryRedirect(const URL& url)
      : TemporaryRedirect(stringify(url)) {}
};

struct BadRequest : Response {
  BadRequest() : Response(Status::BAD_REQUEST) {}
  explicit BadRequest(std::string body)
      : Response(std::move(body), Status::BAD_REQUEST) {}
};

// WWW-Authenticate: the challenges joined by ", " (e.g. {"Basic
// realm=\"mesos\""}); RFC 9110 makes a 401 carry at least one.
struct Unauthorized : Response {
  explicit Unauthorized(const std::vector<std::string>& challenges,
                        std::string body = "");
};

struct Forbidden : Response {
  Forbidden() : Response(Status::FORBIDDEN) {}
  explicit Forbidden(std::string body)
      : Response(std::move(body), Status::FORBIDDEN) {}
};

struct NotFound : Response {
  NotFound() : Response(Status::NOT_FOUND) {}
  explicit NotFound(std::string body)
      : Response(std::move(body), Status::NOT_FOUND) {}
};

// Allow: the methods joined by ", ". The body names them, and the method
// refused when it is given. There is deliberately no plain string-body
// constructor: MethodNotAllowed({"GET", "POST"}) would then be ambiguous with
// std::string's iterator-pair constructor.
struct MethodNotAllowed : Response {
  explicit MethodNotAllowed(std::initializer_list<std::string> allowed,
                            const Option<std::string>& requestMethod = None())
      : MethodNotAllowed(std::vector<std::string>(allowed), requestMethod) {}
  explicit MethodNotAllowed(const std::vector<std::string>& allowed,
                            const Option<std::string>& requestMethod = None());
  explicit MethodNotAllowed(const std::set<std::string>& allowed,
                            const Option<std::string>& requestMethod = None())
      : MethodNotAllowed(
            std::vector<std::string>(allowed.begin(), allowed.end()),
            requestMethod) {}
};

struct NotAcceptable : Response {
  NotAcceptable() : Response(Status::NOT_ACCEPTABLE) {}
  explicit NotAcceptable(std::string body)
      : Response(std::move(body), Status::NOT_ACCEPTABLE) {}
};

struct RequestTimeout : Response {
  RequestTimeout() : Response(Status::REQUEST_TIMEOUT) {}
  explicit RequestTimeout(std::string body)
      : Response(std::move(body), Status::REQUEST_TIMEOUT) {}
};

struct Conflict : Response {
  Conflict() : Response(Status::CONFLICT) {}
  explicit Conflict(std::string body)
      : Response(std::move(body), Status::CONFLICT) {}
};

struct PreconditionFailed : Response {
  PreconditionFailed() : Response(Status::PRECONDITION_FAILED) {}
  explicit PreconditionFailed(std::string body)
      : Response(std::move(body), Status::PRECONDITION_FAILED) {}
};

struct PayloadTooLarge : Response {
  PayloadTooLarge() : Response(Status::PAYLOAD_TOO_LARGE) {}
  explicit PayloadTooLarge(std::string body)
      : Response(std::move(body), Status::PAYLOAD_TOO_LARGE) {}
};
using RequestEntityTooLarge = PayloadTooLarge;  // libprocess's name

struct UnsupportedMediaType : Response {
  UnsupportedMediaType() : Response(Status::UNSUPPORTED_MEDIA_TYPE) {}
  explicit UnsupportedMediaType(std::string body)
      : Response(std::move(body), Status::UNSUPPORTED_MEDIA_TYPE) {}
};

struct TooManyRequests : Response {
  TooManyRequests() : Response(Status::TOO_MANY_REQUESTS) {}
  explicit TooManyRequests(std::string body)
      : Response(std::move(body), Status::TOO_MANY_REQUESTS) {}
};

struct RequestHeaderFieldsTooLarge : Response {
  RequestHeaderFieldsTooLarge()
      : Response(Status::REQUEST_HEADER_FIELDS_TOO_LARGE) {}
  explicit RequestHeaderFieldsTooLarge(std::string body)
      : Response(std::move(body), Status::REQUEST_HEADER_FIELDS_TOO_LARGE) {}
};

struct InternalServerError : Response {
  InternalServerError() : Response(Status::INTERNAL_SERVER_ERROR) {}
  explicit InternalServerError(std::string body)
      : Response(std::move(body), Status::INTERNAL_SERVER_ERROR) {}
};

struct NotImplemented : Response {
  NotImplemented() : Response(Status::NOT_IMPLEMENTED) {}
  explicit NotImplemented(std::string body)
      : Response(std::move(body), Status::NOT_IMPLEMENTED) {}
};

struct ServiceUnavailable : Response {
  ServiceUnavailable() : Response(Status::SERVICE_UNAVAILABLE) {}
  explicit ServiceUnavailable(std::string body)
      : Response(std::move(body), Status::SERVICE_UNAVAILABLE) {}
};

// Authorization of requests to routes, by endpoint path ("/<id><route>",
// e.g. "/logging/toggle"): the callback of a route's path runs after
// authentication with the request and its principal (None without a realm
// or an authenticator); false answers 403 Forbidden. Ours: per context, as
// authenticators (process/authenticator.hpp) are; these act on the default
// one.
namespace authentication {
struct Principal;
}  // namespace authentication
namespace authorization {
using AuthorizationCallbacks =
    std::map<std::string,
             std::function<Future<bool>(
                 const Request, const Option<authentication::Principal>)>>;
void setCallbacks(const AuthorizationCallbacks& callbacks);
void unsetCallbacks();
}  // namespace authorization

}  // namespace process::http

// libprocess declares the client in http.hpp; ours keeps it in its own
// header, which includes this one (either may be included first).
#include <process/http_client.hpp>  // IWYU pragma: export
