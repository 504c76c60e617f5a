// The vocabulary of HTTP, as libprocess code speaks it: URL, Headers,
// Request and Response (with OK, NotFound, … for each common status), the
// status table, percent-encoding and query strings, and the path check that
// keeps a request inside the tree it names. Nothing here touches a socket:
// the server and client build on these types.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <process/address.hpp>
#include <process/option.hpp>
#include <process/pipe.hpp>
#include <process/try.hpp>

namespace process::http {

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
Try<std::map<std::string, std::string>> decode(const std::string& query);

// The inverse: "key=value" pairs joined by '&', in key order, each side
// encoded with encode() (so '+', '&', '=' and spaces never appear raw).
std::string encode(const std::map<std::string, std::string>& query);

}  // namespace query

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
class Headers : public std::map<std::string, std::string, CaseInsensitiveLess> {
 public:
  using std::map<std::string, std::string, CaseInsensitiveLess>::map;

  Option<std::string> get(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != end(); }
};

struct URL {
  URL() = default;
  // `host` is kept as a domain even when it is a dotted quad; parse() tells
  // the two apart.
  URL(std::string scheme, std::string host, uint16_t port,
      std::string path = "/", std::map<std::string, std::string> query = {},
      Option<std::string> fragment = None());
  URL(std::string scheme, const net::IP& ip, uint16_t port,
      std::string path = "/", std::map<std::string, std::string> query = {},
      Option<std::string> fragment = None());

  // "http://host:port/path?x=1#f". The host is an IPv4 address (ip) or a
  // name (domain); user info and IPv6 literals are refused. Without a port,
  // http gets 80 and https 443. Path, query and fragment are decoded.
  static Try<URL> parse(const std::string& text);

  // What a request line carries: the encoded path and query, "/a%20b?x=1".
  std::string target() const;

  friend bool operator==(const URL& left, const URL& right) = default;

  std::string scheme = "http";
  Option<std::string> domain;
  Option<net::IP> ip;
  Option<uint16_t> port;
  std::string path = "/";                    // decoded
  std::map<std::string, std::string> query;  // decoded
  Option<std::string> fragment;              // decoded
};

// scheme://host[:port]/path[?query][#fragment], percent-encoded so that
// URL::parse gives the same URL back. The domain is printed rather than the
// ip when both are set.
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
  explicit OK(std::string body) : Response(std::move(body), Status::OK) {}
  OK(std::string body, const std::string& contentType)
      : Response(std::move(body), Status::OK, contentType) {}
  explicit OK(Pipe::Reader reader, const std::string& contentType = "")
      : Response(std::move(reader), Status::OK, contentType) {}
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

}  // namespace process::http
