// Percent-encoding (RFC 3986 2.1), for paths, queries and fragments, and for
// the receivers and names in libprocess message paths: one decoder for all.
#pragma once

#include <string>
#include <string_view>

#include <process/try.hpp>

namespace process::http::internal {

// RFC 3986 unreserved characters: never encoded.
bool isUnreserved(unsigned char c);

// ASCII lower case; other bytes as they are.
inline char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// %XX for every byte that is neither unreserved nor in `keep`.
std::string encodePercentExcept(std::string_view text, std::string_view keep);
// %XX for every byte that is not unreserved, and for those in `also`.
std::string encodePercentAlso(std::string_view text, std::string_view also);

// "%41b" -> "Ab"; with plusIsSpace (a query's keys and values) "+" is a
// space. An Error for a truncated or non-hex escape, naming it.
Try<std::string> decodePercent(std::string_view text, bool plusIsSpace = false);

}  // namespace process::http::internal
