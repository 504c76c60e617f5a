// Option<T>: a value that may be absent, with stout's vocabulary: None(),
// Some(x), isSome(), isNone(), get(), getOrElse(), `*` and `->`. Options
// nest (Option<Option<T>>), go into containers, compare (with an Option,
// with a T and with None()), hash and print.
//
// clang-format off
//   Option<std::string> leader(bool known) {
//     if (!known) return None();
//     return Some("master@10.0.0.1:5050");
//   }
//   std::string who = leader(false).getOrElse("nobody");
//   if (leader(true) == std::string("master@10.0.0.1:5050")) { ... }
// clang-format on
//
// Ours: get() on None aborts with a message (stout only asserts, so a
// release build reads garbage); the storage is a std::optional<T>, so
// copying, moving and destroying follow T exactly.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <type_traits>
#include <utility>

#include <glog/logging.h>

namespace process {

// None() converts to an empty Option (or Result) of any type.
struct None {
  friend constexpr bool operator==(None, None) { return true; }
};

inline std::ostream& operator<<(std::ostream& stream, None) {
  return stream << "None";
}

template <typename T>
class Option;

namespace detail {

// What Some(x) returns before it becomes an Option<U>, a Try<U> or a
// Result<U>: Some("text") becomes an Option<std::string> without naming the
// type twice (stout's _Some).
template <typename T>
struct SomeValue {
  T value;
  template <typename U>
  requires std::is_constructible_v<U, const T&>
  operator Option<U>() const& {  // NOLINT(google-explicit-constructor)
    return Option<U>(U(value));
  }
  template <typename U>
  requires std::is_constructible_v<U, T&&>
  operator Option<U>() && {  // NOLINT(google-explicit-constructor)
    return Option<U>(U(std::move(value)));
  }
};

template <typename T>
struct IsOption : std::false_type {};
template <typename T>
struct IsOption<Option<T>> : std::true_type {};
template <typename T>
inline constexpr bool kIsOption = IsOption<std::remove_cvref_t<T>>::value;

template <typename T>
struct IsSomeValue : std::false_type {};
template <typename T>
struct IsSomeValue<SomeValue<T>> : std::true_type {};
template <typename T>
inline constexpr bool kIsSomeValue = IsSomeValue<std::remove_cvref_t<T>>::value;

template <typename T, typename U>
concept EqualityComparableWith = requires(const T& t, const U& u) {
  { t == u } -> std::convertible_to<bool>;
};

}  // namespace detail

template <typename T>
detail::SomeValue<std::decay_t<T>> Some(T&& value) {
  return {std::forward<T>(value)};
}

template <typename T>
class Option {
 public:
  static Option none() { return Option(); }
  static Option some(const T& value) { return Option(value); }

  Option() = default;
  Option(None) {}  // NOLINT(google-explicit-constructor)
  Option(const T& value)
      : value_(value) {}  // NOLINT(google-explicit-constructor)
  Option(T&& value)       // NOLINT(google-explicit-constructor)
      : value_(std::move(value)) {}
  // From anything a T can be made of (Option<std::string> from "text"), as
  // stout allows. Options, None and Some are left to their own constructors
  // so that an Option<Option<T>> is never made by accident.
  template <typename U>
  requires(!std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, None> &&
           !detail::kIsSomeValue<U> && !detail::kIsOption<U> &&
           !std::is_same_v<std::remove_cvref_t<U>, std::optional<T>> &&
           std::is_constructible_v<T, const U&>)
      Option(const U& value)  // NOLINT(google-explicit-constructor)
      : value_(std::in_place, value) {}
  // Option<long> from Option<int>.
  template <typename U>
  requires(!std::is_same_v<U, T> && !detail::kIsOption<T> &&
           std::is_convertible_v<const U&, T>)
      Option(const Option<U>& other) {  // NOLINT(google-explicit-constructor)
    if (other.isSome()) {
      value_.emplace(other.get());
    }
  }
  Option(std::optional<T> value)  // NOLINT(google-explicit-constructor)
      : value_(std::move(value)) {}

  bool isSome() const { return value_.has_value(); }
  bool isNone() const { return !value_.has_value(); }

  const T& get() const& { return checked(); }
  T& get() & { return checked(); }
  T&& get() && { return std::move(checked()); }
  const T&& get() const&& { return std::move(checked()); }

  const T* operator->() const { return &get(); }
  T* operator->() { return &get(); }
  const T& operator*() const& { return get(); }
  T& operator*() & { return get(); }
  const T&& operator*() const&& { return std::move(*this).get(); }
  T&& operator*() && { return std::move(*this).get(); }

  template <typename U>
  T getOrElse(U&& fallback) const& {
    return isSome() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }
  template <typename U>
  T getOrElse(U&& fallback) && {
    return isSome() ? std::move(*value_)
                    : static_cast<T>(std::forward<U>(fallback));
  }

  // std::optional's spelling, for code written against it.
  bool has_value() const {
    return isSome();
  }  // NOLINT(readability-identifier-naming)
  template <typename... Args>
  T& emplace(Args&&... args) {
    return value_.emplace(std::forward<Args>(args)...);
  }
  void reset() { value_.reset(); }
  const std::optional<T>& optional() const { return value_; }
  operator std::optional<T>() const {  // NOLINT(google-explicit-constructor)
    return value_;
  }

 private:
  T& checked() {
    CHECK(isSome()) << "Option::get() on None";
    return *value_;
  }
  const T& checked() const {
    CHECK(isSome()) << "Option::get() on None";
    return *value_;
  }

  std::optional<T> value_;
};

// Comparisons. They are function templates whose first parameter is an
// Option<T> to deduce, so that comparing other types (a std::vector of
// Options, an int) never considers them: a constraint that asked whether
// `T == U` while deciding `T == U` is what made nesting fail to compile.
// != and the reversed forms (5 == option, None() == option) come from C++20's
// rewriting of ==.

template <typename T>
requires std::equality_comparable<T>
bool operator==(const Option<T>& left, const Option<T>& right) {
  return left.isSome() == right.isSome() &&
         (left.isNone() || left.get() == right.get());
}

template <typename T>
bool operator==(const Option<T>& left, None) {
  return left.isNone();
}

template <typename T, typename U>
requires detail::EqualityComparableWith<T, U>
bool operator==(const Option<T>& left, const detail::SomeValue<U>& right) {
  return left.isSome() && left.get() == right.value;
}

// With a value: equal when some and the values are equal. When T is itself
// an Option, an Option<U> on the right is a value (Option<Option<int>> ==
// Option<int> compares with the inner Option).
template <typename T, typename U>
requires((!detail::kIsOption<U> ||
          detail::kIsOption<T>)&&!std::is_same_v<std::remove_cvref_t<U>,
                                                 Option<T>> &&
         !std::is_same_v<std::remove_cvref_t<U>, None> &&
         !detail::kIsSomeValue<U> && detail::EqualityComparableWith<T, U>) bool
operator==(const Option<T>& left, const U& right) {
  return left.isSome() && left.get() == right;
}

// Option<long> == Option<int>.
template <typename T, typename U>
requires(!std::is_same_v<T, U> && !detail::kIsOption<T> &&
         !detail::kIsOption<U> && detail::EqualityComparableWith<T, U>) bool
operator==(const Option<T>& left, const Option<U>& right) {
  return left.isSome() == right.isSome() &&
         (left.isNone() || left.get() == right.get());
}

// The smaller (larger) of the values present; None only if both are.
template <typename T>
Option<T> min(const Option<T>& left, const Option<T>& right) {
  if (left.isSome() && right.isSome()) {
    return std::min(left.get(), right.get());
  }
  return left.isSome() ? left : right;
}
template <typename T>
Option<T> min(const Option<T>& left, const T& right) {
  return min(left, Option<T>(right));
}
template <typename T>
Option<T> min(const T& left, const Option<T>& right) {
  return min(Option<T>(left), right);
}
template <typename T>
Option<T> max(const Option<T>& left, const Option<T>& right) {
  if (left.isSome() && right.isSome()) {
    return std::max(left.get(), right.get());
  }
  return left.isSome() ? left : right;
}
template <typename T>
Option<T> max(const Option<T>& left, const T& right) {
  return max(left, Option<T>(right));
}
template <typename T>
Option<T> max(const T& left, const Option<T>& right) {
  return max(Option<T>(left), right);
}

// "None", or the value as T prints it (only for a T that prints, so that
// "does it print?" checks, as GoogleTest's, see the truth). Ours: stout has
// no operator<< for Option.
template <typename T>
requires requires(std::ostream& stream, const T& value) {
  stream << value;
}
std::ostream& operator<<(std::ostream& stream, const Option<T>& option) {
  if (option.isNone()) {
    return stream << "None";
  }
  return stream << option.get();
}

}  // namespace process

// As stout's: None hashes to 0, Some(x) to a mix of x's hash, so that
// Some(0) and None differ.
template <typename T>
requires requires(const T& value) {
  { std::hash<std::remove_const_t<T>>{}(value) } -> std::convertible_to<size_t>;
}
struct std::hash<process::Option<T>> {
  size_t operator()(const process::Option<T>& option) const {
    if (option.isNone()) {
      return 0;
    }
    const size_t value = std::hash<std::remove_const_t<T>>{}(option.get());
    // The boost::hash_combine mix applied to a seed of 0.
    return value + 0x9e3779b9;
  }
};

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::None;
using process::Option;
using process::Some;
