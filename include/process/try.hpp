// Try<T>: either a value or the Error that prevented it (stout's Try).
// Functions that can fail without blocking return one; Future<T> converts
// from it. Try<T, E> carries a custom error type E derived from Error, and
// then error() returns the E itself.
//
// clang-format off
//   Try<int> parsePort(const std::string& text) {
//     int port = std::atoi(text.c_str());
//     if (port <= 0 || port > 65535) return Error("bad port '" + text + "'");
//     return port;
//   }
//   Try<int> port = parsePort("5050");
//   if (port.isError()) LOG(ERROR) << port.error();
//   else use(*port);
// clang-format on
//
// Ours: get() on an error aborts with the error's text in every build;
// error() on a Try<T> that holds a value is "" (stout asserts); Try == Try
// (same state and equal value or error), which stout does not have.
#pragma once

#include <concepts>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include <glog/logging.h>

#include <process/error.hpp>
#include <process/option.hpp>

namespace process {

template <typename T, typename E = Error>
class Try {
  static_assert(std::is_base_of_v<Error, E>,
                "An error type must be, or be derived from, Error");

  template <typename U>
  static constexpr bool kIsOwnErrorOrTry =
      std::is_base_of_v<Error, std::remove_cvref_t<U>> ||
      std::is_same_v<std::remove_cvref_t<U>, Try>;

 public:
  // error() gives the message for a plain Error, the E itself otherwise.
  using ErrorType =
      std::conditional_t<std::is_same_v<E, Error>, std::string, E>;

  static Try some(const T& value) { return Try(value); }
  static Try error(const E& error) { return Try(error); }
  static Try error(const std::string& message) requires
      std::is_constructible_v<E, const std::string&> {
    return Try(E(message));
  }

  Try(const T& value)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<0>, value) {}
  Try(T&& value)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<0>, std::move(value)) {}
  // From anything a T can be made of: Try<std::string> from "text",
  // Try<Option<int>> from None().
  template <typename U>
  requires(!std::is_same_v<std::remove_cvref_t<U>, T> && !kIsOwnErrorOrTry<U> &&
           !detail::kIsSomeValue<U> && std::is_constructible_v<T, U&&>)
      // NOLINTNEXTLINE(google-explicit-constructor,bugprone-forwarding-reference-overload)
      Try(U&& value)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  template <typename U>
  requires std::is_constructible_v<T, const U&> Try(
      const detail::SomeValue<U>& some)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<0>, some.value) {}
  template <typename U>
  requires std::is_constructible_v<T, U&&> Try(
      detail::SomeValue<U>&& some)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<0>, std::move(some.value)) {}

  Try(const E& error)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<1>, error) {}
  // An ErrnoError into a Try<T> (whose E is Error) keeps its message.
  template <typename Derived>
  requires(std::is_base_of_v<E, Derived> && !std::is_same_v<Derived, E>)
      Try(const Derived& error)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<1>, static_cast<const E&>(error)) {}

  bool isSome() const { return state_.index() == 0; }
  bool isError() const { return state_.index() == 1; }

  const T& get() const& { return checked(*this); }
  T& get() & { return checked(*this); }
  T&& get() && { return std::move(checked(*this)); }
  const T&& get() const&& { return std::move(checked(*this)); }

  const T* operator->() const { return &get(); }
  T* operator->() { return &get(); }
  const T& operator*() const& { return get(); }
  T& operator*() & { return get(); }
  const T&& operator*() const&& { return std::move(*this).get(); }
  T&& operator*() && { return std::move(*this).get(); }

  const ErrorType& error() const {
    if constexpr (std::is_same_v<E, Error>) {
      static const std::string kNoError;
      return isError() ? std::get<1>(state_).message : kNoError;
    } else {
      CHECK(isError()) << "Try::error() on a value";
      return std::get<1>(state_);
    }
  }

  friend bool operator==(
      const Try& left, const Try& right) requires std::equality_comparable<T> {
    if (left.isSome() != right.isSome()) {
      return false;
    }
    return left.isSome()
               ? left.get() == right.get()
               : static_cast<const Error&>(std::get<1>(left.state_)) ==
                     static_cast<const Error&>(std::get<1>(right.state_));
  }

 private:
  template <typename Self>
  static auto& checked(Self& self) {
    CHECK(self.isSome()) << "Try::get() on an error: "
                         << std::get<1>(self.state_).message;
    return std::get<0>(self.state_);
  }

  std::variant<T, E> state_;
};

// The value, or "Error(message)". Ours: stout has no operator<< for Try.
template <typename T, typename E>
std::ostream& operator<<(std::ostream& stream, const Try<T, E>& t) {
  if (t.isError()) {
    if constexpr (std::is_same_v<E, Error>) {
      return stream << "Error(" << t.error() << ")";
    } else {
      return stream << "Error(" << t.error().message << ")";
    }
  }
  return stream << t.get();
}

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::Try;
