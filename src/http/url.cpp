// URLs (http.hpp): parsing, the request target, printing.
#include <process/http.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "http/percent.hpp"

namespace process::http {

using internal::encodePercentExcept;
using internal::lowerAscii;

namespace {

// Sub-delimiters, ':' and '@' are legal in a path segment (RFC 3986 pchar);
// leaving them raw keeps printed paths readable.
constexpr std::string_view kPathKeeps = "/:@!$&'()*+,;=";
constexpr std::string_view kFragmentKeeps = "/?:@!$&'()*+,;=";

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
bool isHostCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}
}  // namespace

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
    const char c = lowerAscii(text[i]);
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
  out += encodePercentExcept(path, kPathKeeps);
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
    stream << '#' << encodePercentExcept(url.fragment.get(), kFragmentKeeps);
  }
  return stream;
}

std::string stringify(const URL& url) {
  std::ostringstream stream;
  stream << url;
  return stream.str();
}
}  // namespace process::http
