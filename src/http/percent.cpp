#include "http/percent.hpp"

namespace process::http::internal {

namespace {

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
std::string percentEncode(std::string_view text, Keep keep) {
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

}  // namespace

bool isUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string encodePercentExcept(std::string_view text, std::string_view keep) {
  return percentEncode(text, [keep](char c) {
    return isUnreserved(static_cast<unsigned char>(c)) ||
           keep.find(c) != std::string_view::npos;
  });
}

std::string encodePercentAlso(std::string_view text, std::string_view also) {
  return percentEncode(text, [also](char c) {
    return isUnreserved(static_cast<unsigned char>(c)) &&
           also.find(c) == std::string_view::npos;
  });
}

Try<std::string> decodePercent(std::string_view text, bool plusIsSpace) {
  std::string decoded;
  // Most text has no escape: copied whole.
  const size_t first = text.find_first_of(plusIsSpace ? "%+" : "%");
  if (first == std::string_view::npos) {
    decoded.assign(text);
    return decoded;
  }
  decoded.reserve(text.size());
  decoded.assign(text.substr(0, first));
  for (size_t i = first; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plusIsSpace) {
      decoded += ' ';
      continue;
    }
    if (c != '%') {
      decoded += c;
      continue;
    }
    if (i + 2 >= text.size()) {
      return Error("truncated escape at offset " + std::to_string(i) + " in '" +
                   std::string(text) + "'");
    }
    const int high = hexValue(text[i + 1]);
    const int low = hexValue(text[i + 2]);
    if (high < 0 || low < 0) {
      return Error("invalid escape '" + std::string(text.substr(i, 3)) +
                   "' at offset " + std::to_string(i) + " in '" +
                   std::string(text) + "'");
    }
    decoded += static_cast<char>((high << 4) | low);
    i += 2;
  }
  return decoded;
}

}  // namespace process::http::internal
