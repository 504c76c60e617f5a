// Requests and responses (http.hpp): what a request accepts, and the
// responses' constructors.
#include <process/http.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "http/percent.hpp"

namespace process::http {

using internal::lowerAscii;

namespace {

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
         std::equal(
             left.begin(), left.end(), right.begin(),
             [](char a, char b) { return lowerAscii(a) == lowerAscii(b); });
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
}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view left,
                                     std::string_view right) const {
  return std::lexicographical_compare(
      left.begin(), left.end(), right.begin(), right.end(),
      [](char a, char b) { return lowerAscii(a) < lowerAscii(b); });
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
