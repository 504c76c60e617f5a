// Option<T>: a value that may be absent. A thin layer over std::optional that
// adds the vocabulary libprocess code is written in: None(), Some(x),
// isSome(), isNone(), get(), getOrElse().
#pragma once

#include <optional>
#include <ostream>
#include <type_traits>
#include <utility>

#include <glog/logging.h>

namespace process {

// None() converts to an empty Option of any type.
struct None {
  friend constexpr bool operator==(None, None) { return true; }
};

template <typename T>
class Option;

namespace detail {
// What Some(x) returns before it becomes an Option<U>: it lets Some("text")
// become an Option<std::string> without naming the type twice.
template <typename T>
struct SomeValue {
  T value;
  template <typename U>
  operator Option<U>() const& {  // NOLINT(google-explicit-constructor)
    return Option<U>(U(value));
  }
  template <typename U>
  operator Option<U>() && {  // NOLINT(google-explicit-constructor)
    return Option<U>(U(std::move(value)));
  }
};
}  // namespace detail

template <typename T>
detail::SomeValue<std::decay_t<T>> Some(T&& value) {
  return {std::forward<T>(value)};
}

template <typename T>
class Option : public std::optional<T> {
 public:
  using std::optional<T>::optional;

  Option() = default;
  Option(None) {}         // NOLINT(google-explicit-constructor)
  Option(const T& value)  // NOLINT(google-explicit-constructor)
      : std::optional<T>(value) {}
  Option(T&& value)  // NOLINT(google-explicit-constructor)
      : std::optional<T>(std::move(value)) {}
  Option(std::optional<T> value)  // NOLINT(google-explicit-constructor)
      : std::optional<T>(std::move(value)) {}
  template <typename U>
  requires(std::is_convertible_v<const U&, T> && !std::is_same_v<U, T>)
      Option(const Option<U>& other) {  // NOLINT(google-explicit-constructor)
    if (other.isSome()) {
      this->emplace(other.get());
    }
  }

  static Option none() { return Option(); }
  static Option some(T value) { return Option(std::move(value)); }

  bool isSome() const { return this->has_value(); }
  bool isNone() const { return !this->has_value(); }

  const T& get() const& {
    CHECK(isSome()) << "Option::get() on None";
    return **this;
  }
  T& get() & {
    CHECK(isSome()) << "Option::get() on None";
    return **this;
  }
  T&& get() && {
    CHECK(isSome()) << "Option::get() on None";
    return std::move(**this);
  }

  template <typename U>
  T getOrElse(U&& fallback) const& {
    return isSome() ? **this : T(std::forward<U>(fallback));
  }

  friend bool operator==(const Option& left, const Option& right) {
    return static_cast<const std::optional<T>&>(left) ==
           static_cast<const std::optional<T>&>(right);
  }
  friend bool operator==(const Option& left, None) { return left.isNone(); }
  template <typename U>
  requires(!std::is_same_v<std::decay_t<U>, Option> &&
           !std::is_same_v<std::decay_t<U>, None> &&
           requires(const T& t, const U& u) { t == u; }) friend bool
  operator==(const Option& left, const U& right) {
    return left.isSome() && left.get() == right;
  }
};

template <typename T>
std::ostream& operator<<(std::ostream& stream, const Option<T>& option) {
  if (option.isNone()) {
    return stream << "None";
  }
  return stream << option.get();
}

}  // namespace process
