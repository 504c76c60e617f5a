// Result<T>: a value, no value, or an error (stout's Result: a
// Try<Option<T>> with the three states named): isSome(), isNone(),
// isError(), get(), error().
//
// clang-format off
//   Result<std::string> readLine(int fd) {
//     ...
//     if (n < 0) return ErrnoError("read");
//     if (n == 0) return None();           // end of file
//     return line;
//   }
//   Result<std::string> line = readLine(fd);
//   if (line.isError()) { ... line.error() ... }
//   else if (line.isNone()) { ... }
//   else use(line.get());
// clang-format on
//
// Ours: get() on None or on an error aborts with the reason in every build.
#pragma once

#include <concepts>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include <glog/logging.h>

#include <process/error.hpp>
#include <process/option.hpp>
#include <process/try.hpp>

namespace process {

template <typename T>
class Result {
 public:
  static Result none() { return Result(None()); }
  static Result some(const T& value) { return Result(value); }
  static Result error(const std::string& message) {
    return Result(Error(message));
  }

  Result(const T& value)  // NOLINT(google-explicit-constructor)
      : value_(value) {}
  Result(T&& value)  // NOLINT(google-explicit-constructor)
      : value_(std::move(value)) {}
  template <typename U>
  requires(!std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_base_of_v<Error, std::remove_cvref_t<U>> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result> &&
           !std::is_same_v<std::remove_cvref_t<U>, None> &&
           !detail::kIsSomeValue<U> && !detail::kIsOption<U> &&
           std::is_constructible_v<T, const U&>)
      Result(const U& value)  // NOLINT(google-explicit-constructor)
      : value_(T(value)) {}
  Result(const Option<T>& option)  // NOLINT(google-explicit-constructor)
      : value_(option) {}
  // Not inlined: GCC 12 inlines it and then warns, wrongly, that the error's
  // string may be destroyed uninitialised (-Wmaybe-uninitialized).
  [[gnu::noinline]] Result(  // NOLINT(google-explicit-constructor)
      const Try<T>& t) {
    if (t.isSome()) {
      value_ = t.get();
    } else {
      error_ = Error(t.error());
    }
  }
  Result(None) {}  // NOLINT(google-explicit-constructor)
  template <typename U>
  requires std::is_constructible_v<T, const U&> Result(
      const detail::SomeValue<U>& some)  // NOLINT(google-explicit-constructor)
      : value_(T(some.value)) {}
  template <typename U>
  requires std::is_constructible_v<T, U&&> Result(
      detail::SomeValue<U>&& some)  // NOLINT(google-explicit-constructor)
      : value_(T(std::move(some.value))) {}
  Result(const Error& error)  // NOLINT(google-explicit-constructor)
      : error_(error) {}

  bool isSome() const { return value_.isSome(); }
  bool isNone() const { return value_.isNone() && error_.isNone(); }
  bool isError() const { return error_.isSome(); }

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

  // The error's message; "" unless isError().
  const std::string& error() const {
    static const std::string kNoError;
    return isError() ? error_->message : kNoError;
  }

  friend bool operator==(const Result& left, const Result& right) requires
      std::equality_comparable<T> {
    return left.value_ == right.value_ && left.error_ == right.error_;
  }

 private:
  template <typename Self>
  static auto& checked(Self& self) {
    if (self.isError()) {
      LOG(FATAL) << "Result::get() on an error: " << self.error();
    }
    CHECK(self.isSome()) << "Result::get() on None";
    return *self.value_;
  }

  // At most one is set; neither is None.
  Option<T> value_;
  Option<Error> error_;
};

// The value, "None" or "Error(message)". Ours: stout has no operator<<.
template <typename T>
std::ostream& operator<<(std::ostream& stream, const Result<T>& result) {
  if (result.isError()) {
    return stream << "Error(" << result.error() << ")";
  }
  if (result.isNone()) {
    return stream << "None";
  }
  return stream << result.get();
}

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::Result;
