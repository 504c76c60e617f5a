// Percent-encoded paths and queries (http.hpp): decode/encode, query::,
// path::parse, normalizePath and safePath.
#include <process/http.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "http/percent.hpp"

namespace process::http {

using internal::decodePercent;
using internal::encodePercentExcept;

namespace {

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

}  // namespace

Try<std::string> decode(const std::string& encoded) {
  return decodePercent(encoded);
}

std::string encode(const std::string& text, const std::string& additional) {
  return internal::encodePercentAlso(text, additional);
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
    Try<std::string> key = decodePercent(piece.substr(0, equals), true);
    if (key.isError()) {
      return Error(key.error());
    }
    Try<std::string> value =
        equals == std::string::npos
            ? Try<std::string>(std::string())
            : decodePercent(piece.substr(equals + 1), true);
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
    out += encodePercentExcept(key, {});
    out += '=';
    out += encodePercentExcept(value, {});
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
      std::string message = "Path '" + path + "' has '";
      message += segments[i];
      message += "' where pattern '" + pattern + "' expects '";
      message += key;
      message += "'";
      return Error(message);
    }
    result.put(std::string(key), std::string(segments[i]));
  }
  return result;
}

}  // namespace path

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
}  // namespace process::http
