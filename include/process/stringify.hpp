// stringify(x): the text of anything that prints, as stout's stringify:
// through operator<<, except that a std::string is itself, a bool is "true"
// or "false", an Error is its message, and containers print their elements
// (each stringified) as "[ a, b ]" (vector, list, deque), "{ a, b }" (set,
// unordered_set) and "{ k: v, k2: v2 }" (map, unordered_map); empty ones as
// "[  ]" and "{  }", as stout prints them.
//
// clang-format off
//   stringify(42)                                   // "42"
//   stringify(true)                                 // "true"
//   stringify(std::vector<int>{1, 2})               // "[ 1, 2 ]"
//   stringify(std::map<std::string, int>{{"a", 1}}) // "{ a: 1 }"
//   stringify(Seconds(5))                           // "5secs"
// clang-format on
//
// Overloads for one type (stringify(const UPID&), stringify(const URL&),
// stringify(const Duration&)) are declared next to the type and win over
// these templates. <process/stout.hpp> makes stringify usable unqualified at
// global scope, as stout's is.
//
// Ours: a type that cannot be printed fails to compile (a constraint), and a
// stream error gives "" after a LOG(ERROR) instead of stout's abort.
#pragma once

#include <deque>
#include <list>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <glog/logging.h>

#include <process/error.hpp>

namespace process {

namespace detail {
template <typename T>
concept Printable = requires(std::ostream& stream, const T& value) {
  stream << value;
};
}  // namespace detail

template <typename T>
requires detail::Printable<T> std::string stringify(const T& value);
inline std::string stringify(const std::string& text) {
  return text;
}
inline std::string stringify(bool value) {
  return value ? "true" : "false";
}
inline std::string stringify(const Error& error) {
  return error.message;
}

// Declared before any is defined, so that containers of containers find
// each other whatever the nesting order.
template <typename T, typename A>
std::string stringify(const std::vector<T, A>& vector);
template <typename T, typename A>
std::string stringify(const std::list<T, A>& list);
template <typename T, typename A>
std::string stringify(const std::deque<T, A>& deque);
template <typename T, typename C, typename A>
std::string stringify(const std::set<T, C, A>& set);
template <typename T, typename H, typename Q, typename A>
std::string stringify(const std::unordered_set<T, H, Q, A>& set);
template <typename K, typename V, typename C, typename A>
std::string stringify(const std::map<K, V, C, A>& map);
template <typename K, typename V, typename H, typename Q, typename A>
std::string stringify(const std::unordered_map<K, V, H, Q, A>& map);

namespace detail {

template <typename Iterable>
std::string stringifyElements(const Iterable& elements, const char* open,
                              const char* close) {
  std::string out = open;
  bool first = true;
  for (const auto& element : elements) {
    if (!first) {
      out += ", ";
    }
    first = false;
    out += stringify(element);
  }
  return out + close;
}

template <typename Map>
std::string stringifyEntries(const Map& map) {
  std::string out = "{ ";
  bool first = true;
  for (const auto& [key, value] : map) {
    if (!first) {
      out += ", ";
    }
    first = false;
    out += stringify(key);
    out += ": ";
    out += stringify(value);
  }
  return out + " }";
}

}  // namespace detail

template <typename T>
requires detail::Printable<T> std::string stringify(const T& value) {
  std::ostringstream out;
  out << value;
  if (!out.good()) {
    LOG(ERROR) << "stringify: the stream failed";
    return "";
  }
  return out.str();
}

template <typename T, typename A>
std::string stringify(const std::vector<T, A>& vector) {
  return detail::stringifyElements(vector, "[ ", " ]");
}
template <typename T, typename A>
std::string stringify(const std::list<T, A>& list) {
  return detail::stringifyElements(list, "[ ", " ]");
}
template <typename T, typename A>
std::string stringify(const std::deque<T, A>& deque) {
  return detail::stringifyElements(deque, "[ ", " ]");
}
template <typename T, typename C, typename A>
std::string stringify(const std::set<T, C, A>& set) {
  return detail::stringifyElements(set, "{ ", " }");
}
template <typename T, typename H, typename Q, typename A>
std::string stringify(const std::unordered_set<T, H, Q, A>& set) {
  return detail::stringifyElements(set, "{ ", " }");
}
template <typename K, typename V, typename C, typename A>
std::string stringify(const std::map<K, V, C, A>& map) {
  return detail::stringifyEntries(map);
}
template <typename K, typename V, typename H, typename Q, typename A>
std::string stringify(const std::unordered_map<K, V, H, Q, A>& map) {
  return detail::stringifyEntries(map);
}

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::stringify;
