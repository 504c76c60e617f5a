#include <process/http.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

namespace process::http {

namespace {

bool isUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// %XX for every byte that `keep` does not keep.
template <typename Keep>
std::string percentEncode(const std::string& text, Keep keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (keep(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

// Encodes every byte that is neither unreserved nor in `keep`.
std::string encodeExcept(const std::string& text, std::string_view keep) {
  return percentEncode(text, [keep](char c) {
    return isUnreserved(static_cast<unsigned char>(c)) ||
           keep.find(c) != std::string_view::npos;
  });
}

Try<std::string> decodeWith(const std::string& encoded, bool plusIsSpace) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '%') {
      const bool complete = i + 2 < encoded.size();
      const int high = complete ? hexValue(encoded[i + 1]) : -1;
      const int low = complete ? hexValue(encoded[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return Error("Malformed percent-encoding at offset " +
                     std::to_string(i) + " of '" + encoded + "'");
      }
      out += static_cast<char>((high << 4) | low);
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Sub-delimiters, ':' and '@' are legal in a path segment (RFC 3986 pchar);
// leaving them raw keeps printed paths readable.
constexpr std::string_view kPathKeeps = "/:@!$&'()*+,;=";
constexpr std::string_view kFragmentKeeps = "/?:@!$&'()*+,;=";

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) {
      return segments;
    }
    start = slash + 1;
  }
}

struct Reason {
  uint16_t code;
  std::string_view phrase;
};

// RFC 9110 and the IANA registry; 413 and 414 keep their RFC 7231 names,
// which the network layer already answers with.
constexpr std::array kReasons = {
    Reason{100, "Continue"},
    Reason{101, "Switching Protocols"},
    Reason{102, "Processing"},
    Reason{103, "Early Hints"},
    Reason{200, "OK"},
    Reason{201, "Created"},
    Reason{202, "Accepted"},
    Reason{203, "Non-Authoritative Information"},
    Reason{204, "No Content"},
    Reason{205, "Reset Content"},
    Reason{206, "Partial Content"},
    Reason{207, "Multi-Status"},
    Reason{208, "Already Reported"},
    Reason{226, "IM Used"},
    Reason{300, "Multiple Choices"},
    Reason{301, "Moved Permanently"},
    Reason{302, "Found"},
    Reason{303, "See Other"},
    Reason{304, "Not Modified"},
    Reason{305, "Use Proxy"},
    Reason{307, "Temporary Redirect"},
    Reason{308, "Permanent Redirect"},
    Reason{400, "Bad Request"},
    Reason{401, "Unauthorized"},
    Reason{402, "Payment Required"},
    Reason{403, "Forbidden"},
    Reason{404, "Not Found"},
    Reason{405, "Method Not Allowed"},
    Reason{406, "Not Acceptable"},
    Reason{407, "Proxy Authentication Required"},
    Reason{408, "Request Timeout"},
    Reason{409, "Conflict"},
    Reason{410, "Gone"},
    Reason{411, "Length Required"},
    Reason{412, "Precondition Failed"},
    Reason{413, "Payload Too Large"},
    Reason{414, "URI Too Long"},
    Reason{415, "Unsupported Media Type"},
    Reason{416, "Range Not Satisfiable"},
    Reason{417, "Expectation Failed"},
    Reason{421, "Misdirected Request"},
    Reason{422, "Unprocessable Content"},
    Reason{423, "Locked"},
    Reason{424, "Failed Dependency"},
    Reason{425, "Too Early"},
    Reason{426, "Upgrade Required"},
    Reason{428, "Precondition Required"},
    Reason{429, "Too Many Requests"},
    Reason{431, "Request Header Fields Too Large"},
    Reason{451, "Unavailable For Legal Reasons"},
    Reason{500, "Internal Server Error"},
    Reason{501, "Not Implemented"},
    Reason{502, "Bad Gateway"},
    Reason{503, "Service Unavailable"},
    Reason{504, "Gateway Timeout"},
    Reason{505, "HTTP Version Not Supported"},
    Reason{506, "Variant Also Negotiates"},
    Reason{507, "Insufficient Storage"},
    Reason{508, "Loop Detected"},
    Reason{510, "Not Extended"},
    Reason{511, "Network Authentication Required"},
};

static_assert(std::is_sorted(kReasons.begin(), kReasons.end(),
                             [](const Reason& a, const Reason& b) {
                               return a.code < b.code;
                             }));

std::string join(const std::vector<std::string>& parts,
                 std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

Try<uint16_t> parsePort(const std::string& text) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Error("invalid port '" + text + "'");
  }
  const unsigned long port = std::stoul(text);
  if (port > 65535) {
    return Error("port " + text + " is out of range");
  }
  return static_cast<uint16_t>(port);
}

// The elements of a comma-separated header value, with their spaces
// removed: "gzip;q=0, *" gives {"gzip;q=0", "*"}.
std::vector<std::string> listElements(const std::string& value) {
  std::vector<std::string> elements;
  std::string element;
  for (const char c : value + ',') {
    if (c == ',') {
      if (!element.empty()) {
        elements.push_back(std::move(element));
      }
      element.clear();
    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      element += c;
    }
  }
  return elements;
}

bool equalsIgnoringCase(std::string_view left, std::string_view right) {
  return left.size() == right.size() &&
         std::equal(left.begin(), left.end(), right.begin(),
                    [](char a, char b) { return lower(a) == lower(b); });
}

// Whether the list `value` (Accept or Accept-Encoding) names `candidate`,
// and if so whether with a q-value above zero. RFC 9110 section 12.4.2: a
// missing q is 1; a q that does not parse accepts nothing. A q given twice
// is taken as no q (libprocess does the same).
Option<bool> accepts(const std::string& value, std::string_view candidate) {
  for (const std::string& element : listElements(value)) {
    const size_t semicolon = element.find(';');
    if (!equalsIgnoringCase(std::string_view(element).substr(0, semicolon),
                            candidate)) {
      continue;
    }
    std::vector<std::string> qualities;
    size_t start = semicolon;
    while (start != std::string::npos) {
      const size_t end = element.find(';', start + 1);
      const std::string parameter = element.substr(
          start + 1, end == std::string::npos ? end : end - start - 1);
      const size_t equals = parameter.find('=');
      if (equals != std::string::npos &&
          equalsIgnoringCase(parameter.substr(0, equals), "q")) {
        qualities.push_back(parameter.substr(equals + 1));
      }
      start = end;
    }
    if (qualities.size() != 1) {
      return true;
    }
    const std::string& q = qualities.front();
    char* end = nullptr;
    const double quality = std::strtod(q.c_str(), &end);
    return !q.empty() && end == q.c_str() + q.size() && quality > 0;
  }
  return None();
}

// A JavaScript identifier, or several joined by '.', in ASCII.
bool isCallbackName(const std::string& name) {
  bool atStart = true;
  for (const char c : name) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        c == '_' || c == '$';
    const bool digit = c >= '0' && c <= '9';
    if (c == '.' && !atStart) {
      atStart = true;
    } else if (letter || (digit && !atStart)) {
      atStart = false;
    } else {
      return false;
    }
  }
  return !atStart;
}

bool isHostCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

}  // namespace

Try<std::string> decode(const std::string& encoded) {
  return decodeWith(encoded, false);
}

std::string encode(const std::string& text, const std::string& additional) {
  return percentEncode(text, [&additional](char c) {
    return isUnreserved(static_cast<unsigned char>(c)) &&
           additional.find(c) == std::string::npos;
  });
}

namespace query {

Try<std::map<std::string, std::string>> decode(const std::string& query) {
  std::map<std::string, std::string> result;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) {
      end = query.size();
    }
    const std::string piece = query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) {
      continue;
    }
    const size_t equals = piece.find('=');
    Try<std::string> key = decodeWith(piece.substr(0, equals), true);
    if (key.isError()) {
      return Error(key.error());
    }
    Try<std::string> value = equals == std::string::npos
                                 ? Try<std::string>(std::string())
                                 : decodeWith(piece.substr(equals + 1), true);
    if (value.isError()) {
      return Error(value.error());
    }
    result.insert_or_assign(std::move(key.get()), std::move(value.get()));
  }
  return result;
}

std::string encode(const std::map<std::string, std::string>& query) {
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) {
      out += '&';
    }
    out += encodeExcept(key, {});
    out += '=';
    out += encodeExcept(value, {});
  }
  return out;
}

}  // namespace query

namespace path {

Try<Query> parse(const std::string& pattern, const std::string& path) {
  auto nonEmpty = [](std::string_view text) {
    std::vector<std::string_view> segments = splitPath(text);
    std::erase_if(segments,
                  [](std::string_view segment) { return segment.empty(); });
    return segments;
  };
  const std::vector<std::string_view> keys = nonEmpty(pattern);
  const std::vector<std::string_view> segments = nonEmpty(path);
  if (segments.size() > keys.size()) {
    std::string suffix;
    for (size_t i = keys.size(); i < segments.size(); ++i) {
      suffix += (i == keys.size() ? "" : "/") + std::string(segments[i]);
    }
    return Error("Path '" + path + "' has an unexpected suffix '" + suffix +
                 "' for pattern '" + pattern + "'");
  }
  Query result;
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view key = keys[i];
    if (key.size() >= 2 && key.front() == '{' && key.back() == '}') {
      key = key.substr(1, key.size() - 2);
    } else if (key != segments[i]) {
      return Error("Path '" + path + "' has '" + std::string(segments[i]) +
                   "' where pattern '" + pattern + "' expects '" +
                   std::string(key) + "'");
    }
    result.put(std::string(key), std::string(segments[i]));
  }
  return result;
}

}  // namespace path

bool isValidStatus(uint16_t code) {
  return !Status::reason(code).empty();
}

Try<std::string> normalizePath(const std::string& encodedPath) {
  // Checked before decoding: a request target must start with a real '/'.
  if (encodedPath.empty() || encodedPath.front() != '/') {
    return Error("Path '" + encodedPath + "' does not start with '/'");
  }
  Try<std::string> decoded = decode(encodedPath);
  if (decoded.isError()) {
    return Error(decoded.error());
  }
  const std::string& path = decoded.get();
  if (path.find('\0') != std::string::npos) {
    return Error("Path '" + encodedPath + "' contains a NUL byte");
  }
  std::string normal;
  const std::vector<std::string_view> segments =
      splitPath(std::string_view(path).substr(1));
  for (const std::string_view segment : segments) {
    if (segment == "..") {
      return Error("Path '" + encodedPath + "' has a '..' segment");
    }
    if (!segment.empty() && segment != ".") {
      normal += '/';
      normal += segment;
    }
  }
  const std::string_view last = segments.back();
  if (normal.empty() || last.empty() || last == ".") {
    normal += '/';
  }
  return normal;
}

bool safePath(const std::string& decodedPath) {
  if (decodedPath.find('\0') != std::string::npos) {
    return false;
  }
  const std::vector<std::string_view> segments = splitPath(decodedPath);
  return std::find(segments.begin(), segments.end(), "..") == segments.end();
}

std::string Status::string(uint16_t code) {
  const std::string_view phrase = reason(code);
  std::string text = std::to_string(code);
  if (!phrase.empty()) {
    text += ' ';
    text += phrase;
  }
  return text;
}

std::string_view Status::reason(uint16_t code) {
  const auto it = std::lower_bound(
      kReasons.begin(), kReasons.end(), code,
      [](const Reason& reason, uint16_t c) { return reason.code < c; });
  return (it != kReasons.end() && it->code == code) ? it->phrase
                                                    : std::string_view();
}

bool CaseInsensitiveLess::operator()(std::string_view left,
                                     std::string_view right) const {
  return std::lexicographical_compare(
      left.begin(), left.end(), right.begin(), right.end(),
      [](char a, char b) { return lower(a) < lower(b); });
}

URL::URL(std::string scheme, std::string domain, std::string path, Query query,
         Option<std::string> fragment)
    : scheme(std::move(scheme)),
      domain(std::move(domain)),
      path(std::move(path)),
      query(std::move(query)),
      fragment(std::move(fragment)) {}

URL::URL(std::string scheme, std::string domain, uint16_t port,
         std::string path, Query query, Option<std::string> fragment)
    : scheme(std::move(scheme)),
      domain(std::move(domain)),
      port(port),
      path(std::move(path)),
      query(std::move(query)),
      fragment(std::move(fragment)) {}

URL::URL(std::string scheme, const net::IP& ip, uint16_t port, std::string path,
         Query query, Option<std::string> fragment)
    : scheme(std::move(scheme)),
      ip(ip),
      port(port),
      path(std::move(path)),
      query(std::move(query)),
      fragment(std::move(fragment)) {}

Try<URL> URL::parse(const std::string& text) {
  auto error = [&text](const std::string& why) -> Try<URL> {
    return Error("Invalid URL '" + text + "': " + why);
  };
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte == 0x7f) {
      return error("whitespace or control character");
    }
  }

  const size_t separator = text.find("://");
  if (separator == std::string::npos || separator == 0) {
    return error("no scheme");
  }
  URL url;
  std::string scheme;
  for (size_t i = 0; i < separator; ++i) {
    const char c = lower(text[i]);
    const bool letter = c >= 'a' && c <= 'z';
    if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' ||
                                c == '-' || c == '.'))) {
      return error("bad scheme");
    }
    scheme += c;
  }
  url.scheme = scheme;

  const size_t hostStart = separator + 3;
  size_t hostEnd = text.find_first_of("/?#", hostStart);
  if (hostEnd == std::string::npos) {
    hostEnd = text.size();
  }
  const std::string authority = text.substr(hostStart, hostEnd - hostStart);
  if (authority.find('@') != std::string::npos) {
    return error("user information is not supported");
  }
  if (!authority.empty() && authority.front() == '[') {
    return error("IPv6 addresses are not supported");
  }
  std::string host = authority;
  const size_t colon = authority.rfind(':');
  if (colon != std::string::npos) {
    host = authority.substr(0, colon);
    Try<uint16_t> port = parsePort(authority.substr(colon + 1));
    if (port.isError()) {
      return error(port.error());
    }
    url.port = port.get();
  } else if (scheme == "http") {
    url.port = uint16_t{80};
  } else if (scheme == "https") {
    url.port = uint16_t{443};
  }
  if (host.empty()) {
    return error("no host");
  }
  if (!std::all_of(host.begin(), host.end(), isHostCharacter)) {
    return error("bad character in host");
  }
  Try<net::IP> ip = net::IP::parse(host);
  if (ip.isSome()) {
    url.ip = ip.get();
  } else {
    url.domain = host;
  }

  const size_t fragmentStart = text.find('#', hostEnd);
  const size_t queryStart = text.find('?', hostEnd);
  const size_t pathEnd = std::min(fragmentStart, queryStart);
  const std::string path =
      text.substr(hostEnd, pathEnd == std::string::npos ? std::string::npos
                                                        : pathEnd - hostEnd);
  if (!path.empty()) {
    Try<std::string> decoded = decode(path);
    if (decoded.isError()) {
      return error(decoded.error());
    }
    url.path = std::move(decoded.get());
  }
  // A '?' after the '#' belongs to the fragment.
  if (queryStart != std::string::npos && queryStart < fragmentStart) {
    const size_t queryEnd = fragmentStart == std::string::npos
                                ? std::string::npos
                                : fragmentStart - queryStart - 1;
    Try<std::map<std::string, std::string>> query =
        query::decode(text.substr(queryStart + 1, queryEnd));
    if (query.isError()) {
      return error(query.error());
    }
    url.query = std::move(query.get());
  }
  if (fragmentStart != std::string::npos) {
    Try<std::string> fragment = decode(text.substr(fragmentStart + 1));
    if (fragment.isError()) {
      return error(fragment.error());
    }
    url.fragment = std::move(fragment.get());
  }
  return url;
}

std::string URL::target() const {
  std::string out;
  if (path.empty() || path.front() != '/') {
    out += '/';
  }
  out += encodeExcept(path, kPathKeeps);
  if (!query.empty()) {
    out += '?';
    out += query::encode(query);
  }
  return out;
}

std::ostream& operator<<(std::ostream& stream, const URL& url) {
  if (url.scheme.isSome()) {
    stream << url.scheme.get() << ':';
  }
  const bool hasHost = url.domain.isSome() || url.ip.isSome();
  if (url.scheme.isSome() || hasHost) {
    stream << "//";
  }
  if (url.domain.isSome()) {
    stream << url.domain.get();
  } else if (url.ip.isSome()) {
    stream << url.ip.get();
  }
  if (hasHost && url.port.isSome()) {
    stream << ':' << url.port.get();
  }
  stream << url.target();
  if (url.fragment.isSome()) {
    stream << '#' << encodeExcept(url.fragment.get(), kFragmentKeeps);
  }
  return stream;
}

std::string stringify(const URL& url) {
  std::ostringstream stream;
  stream << url;
  return stream.str();
}

bool Request::acceptsEncoding(const std::string& encoding) const {
  const Option<std::string> accept = headers.get("Accept-Encoding");
  if (accept.isNone()) {
    return false;
  }
  Option<bool> named = accepts(accept.get(), encoding);
  if (named.isSome()) {
    return named.get();
  }
  return accepts(accept.get(), "*").getOrElse(false);
}

bool Request::acceptsMediaType(const std::string& mediaType) const {
  return acceptsMediaType("Accept", mediaType);
}

bool Request::acceptsMediaType(const std::string& name,
                               const std::string& mediaType) const {
  const size_t slash = mediaType.find('/');
  if (slash == std::string::npos || slash == 0 ||
      slash + 1 == mediaType.size() ||
      mediaType.find('/', slash + 1) != std::string::npos) {
    return false;
  }
  const Option<std::string> accept = headers.get(name);
  if (accept.isNone()) {
    return true;
  }
  // The most specific range that names the type decides.
  for (const std::string& candidate :
       {mediaType, mediaType.substr(0, slash) + "/*", std::string("*/*")}) {
    Option<bool> verdict = accepts(accept.get(), candidate);
    if (verdict.isSome()) {
      return verdict.get();
    }
  }
  return false;
}

Response::Response(uint16_t code) : status(Status::string(code)), code(code) {}

Response::Response(std::string body, uint16_t code,
                   const std::string& contentType)
    : status(Status::string(code)),
      code(code),
      type(BODY),
      body(std::move(body)) {
  if (!this->body.empty() && !contentType.empty()) {
    headers["Content-Type"] = contentType;
  }
}

Response::Response(Pipe::Reader reader, uint16_t code,
                   const std::string& contentType)
    : status(Status::string(code)),
      code(code),
      type(PIPE),
      reader(std::move(reader)) {
  headers["Transfer-Encoding"] = "chunked";
  if (!contentType.empty()) {
    headers["Content-Type"] = contentType;
  }
}

OK::OK(const nlohmann::json& value, const Option<std::string>& jsonp)
    : Response(Status::OK) {
  if (jsonp.isSome() && !isCallbackName(jsonp.get())) {
    *static_cast<Response*>(this) =
        BadRequest("Invalid JSONP callback name: '" + jsonp.get() +
                   "' (expected a JavaScript name, like 'cb' or 'app.cb')\n");
    return;
  }
  const std::string text =
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  type = BODY;
  if (jsonp.isSome()) {
    headers["Content-Type"] = "text/javascript";
    body.reserve(jsonp->size() + text.size() + 2);
    body += jsonp.get();
    body += '(';
    body += text;
    body += ')';
  } else {
    headers["Content-Type"] = "application/json";
    body = text;
  }
}

TemporaryRedirect::TemporaryRedirect(const std::string& url)
    : Response(Status::TEMPORARY_REDIRECT) {
  headers["Location"] = url;
}

Unauthorized::Unauthorized(const std::vector<std::string>& challenges,
                           std::string body)
    : Response(std::move(body), Status::UNAUTHORIZED) {
  if (this->body.empty()) {
    type = NONE;
  }
  if (!challenges.empty()) {
    headers["WWW-Authenticate"] = join(challenges, ", ");
  }
}

MethodNotAllowed::MethodNotAllowed(const std::vector<std::string>& allowed,
                                   const Option<std::string>& requestMethod)
    : Response(Status::METHOD_NOT_ALLOWED) {
  const std::string methods = join(allowed, ", ");
  headers["Allow"] = methods;
  body = requestMethod.isSome()
             ? "Method " + requestMethod.get() + " is not allowed here; " +
                   "allowed: " + methods
             : "Allowed methods: " + methods;
  type = BODY;
  headers["Content-Type"] = kTextPlain;
}

}  // namespace process::http
