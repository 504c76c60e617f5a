// Try<T>: either a value or the Error that prevented it. Functions that can
// fail without blocking return one; Future<T> converts from it.
#pragma once

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include <glog/logging.h>

#include <process/error.hpp>

namespace process {

template <typename T, typename E = Error>
class Try {
 public:
  Try(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT
  Try(T&& value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename U>
  requires(std::is_constructible_v<T, U&&> &&
           !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_base_of_v<Error, std::decay_t<U>> &&
           !std::is_same_v<std::decay_t<U>, Try>)
      Try(U&& value)  // NOLINT(google-explicit-constructor,bugprone-forwarding-reference-overload)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  Try(const E& error) : state_(std::in_place_index<1>, error) {}  // NOLINT
  template <typename Derived>
  requires(std::is_base_of_v<E, Derived> && !std::is_same_v<Derived, E>)
      Try(const Derived& error)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<1>, static_cast<const E&>(error)) {}

  static Try some(T value) { return Try(std::move(value)); }
  static Try error(const std::string& message) { return Try(E(message)); }

  bool isSome() const { return state_.index() == 0; }
  bool isError() const { return state_.index() == 1; }

  const T& get() const& {
    CHECK(isSome()) << "Try::get() on an error: " << error();
    return std::get<0>(state_);
  }
  T& get() & {
    CHECK(isSome()) << "Try::get() on an error: " << error();
    return std::get<0>(state_);
  }
  T&& get() && {
    CHECK(isSome()) << "Try::get() on an error: " << error();
    return std::get<0>(std::move(state_));
  }
  const T* operator->() const { return &get(); }
  T* operator->() { return &get(); }
  const T& operator*() const& { return get(); }
  T& operator*() & { return get(); }

  // The error's message; empty when this holds a value.
  std::string error() const {
    return isError() ? std::get<1>(state_).message : std::string();
  }

 private:
  std::variant<T, E> state_;
};

template <typename T, typename E>
std::ostream& operator<<(std::ostream& stream, const Try<T, E>& t) {
  if (t.isError()) {
    return stream << "Error(" << t.error() << ")";
  }
  return stream << t.get();
}

}  // namespace process
