// Duration: a span of time in nanoseconds, with the unit types libprocess code
// writes (Seconds(5), Milliseconds(100) …), arithmetic, comparison, parsing
// of "5secs" and printing in the same form.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

#include <process/try.hpp>

namespace process {

class Duration {
 public:
  static constexpr int64_t NANOSECONDS = 1;
  static constexpr int64_t MICROSECONDS = 1000 * NANOSECONDS;
  static constexpr int64_t MILLISECONDS = 1000 * MICROSECONDS;
  static constexpr int64_t SECONDS = 1000 * MILLISECONDS;
  static constexpr int64_t MINUTES = 60 * SECONDS;
  static constexpr int64_t HOURS = 60 * MINUTES;
  static constexpr int64_t DAYS = 24 * HOURS;
  static constexpr int64_t WEEKS = 7 * DAYS;

  constexpr Duration() = default;
  template <typename Rep, typename Period>
  constexpr Duration(  // NOLINT(google-explicit-constructor)
      std::chrono::duration<Rep, Period> d)
      : nanos_(
            std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) {}

  // "10secs", "1.5ms", "3days": a number and one of ns, us, ms, secs, mins,
  // hrs, days, weeks.
  static Try<Duration> parse(const std::string& text);
  // A duration of `seconds`, an error if it does not fit in 64-bit
  // nanoseconds.
  static Try<Duration> create(double seconds);

  static constexpr Duration zero() { return Duration(); }
  static constexpr Duration max() {
    return fromNanoseconds(std::numeric_limits<int64_t>::max());
  }
  static constexpr Duration min() {
    return fromNanoseconds(std::numeric_limits<int64_t>::min());
  }
  static constexpr Duration fromNanoseconds(int64_t nanoseconds) {
    Duration d;
    d.nanos_ = nanoseconds;
    return d;
  }

  constexpr int64_t ns() const { return nanos_; }
  constexpr double us() const { return in(MICROSECONDS); }
  constexpr double ms() const { return in(MILLISECONDS); }
  constexpr double secs() const { return in(SECONDS); }
  constexpr double mins() const { return in(MINUTES); }
  constexpr double hrs() const { return in(HOURS); }
  constexpr double days() const { return in(DAYS); }
  constexpr double weeks() const { return in(WEEKS); }

  constexpr std::chrono::nanoseconds chrono() const {
    return std::chrono::nanoseconds(nanos_);
  }

  constexpr auto operator<=>(const Duration&) const = default;

  constexpr Duration& operator+=(Duration that) {
    nanos_ += that.nanos_;
    return *this;
  }
  constexpr Duration& operator-=(Duration that) {
    nanos_ -= that.nanos_;
    return *this;
  }
  template <typename N>
  requires std::is_arithmetic_v<N>
  constexpr Duration& operator*=(N factor) {
    nanos_ = static_cast<int64_t>(static_cast<double>(nanos_) * factor);
    return *this;
  }
  template <typename N>
  requires std::is_arithmetic_v<N>
  constexpr Duration& operator/=(N divisor) {
    nanos_ = static_cast<int64_t>(static_cast<double>(nanos_) / divisor);
    return *this;
  }

  friend constexpr Duration operator+(Duration a, Duration b) { return a += b; }
  friend constexpr Duration operator-(Duration a, Duration b) { return a -= b; }
  friend constexpr Duration operator-(Duration a) {
    return fromNanoseconds(-a.nanos_);
  }
  template <typename N>
  requires std::is_arithmetic_v<N>
  friend constexpr Duration operator*(Duration d, N factor) {
    return d *= factor;
  }
  template <typename N>
  requires std::is_arithmetic_v<N>
  friend constexpr Duration operator*(N factor, Duration d) {
    return d *= factor;
  }
  template <typename N>
  requires std::is_arithmetic_v<N>
  friend constexpr Duration operator/(Duration d, N divisor) {
    return d /= divisor;
  }
  friend constexpr double operator/(Duration a, Duration b) {
    return static_cast<double>(a.nanos_) / static_cast<double>(b.nanos_);
  }

 protected:
  template <typename Rep>
  constexpr Duration(Rep count, int64_t unit)
      : nanos_(static_cast<int64_t>(count * unit)) {}

 private:
  constexpr double in(int64_t unit) const {
    return static_cast<double>(nanos_) / static_cast<double>(unit);
  }

  int64_t nanos_ = 0;
};

// Prints the largest unit that keeps the number at least 1: "5secs",
// "1.5ms", "100ns". parse() reads it back.
std::ostream& operator<<(std::ostream& stream, const Duration& duration);
std::string stringify(const Duration& duration);

// Name is a class name: it cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PROCESSION_DURATION_UNIT(Name, Unit)                        \
  class Name : public Duration {                                    \
   public:                                                          \
    template <typename Rep>                                         \
    requires std::is_arithmetic_v<Rep>                              \
    explicit constexpr Name(Rep count) : Duration(count, Unit) {}   \
    constexpr Name(const Duration& d) : Duration(d) {} /* NOLINT */ \
    constexpr double value() const { return ns() / double(Unit); }  \
  }

PROCESSION_DURATION_UNIT(Nanoseconds, NANOSECONDS);
PROCESSION_DURATION_UNIT(Microseconds, MICROSECONDS);
PROCESSION_DURATION_UNIT(Milliseconds, MILLISECONDS);
PROCESSION_DURATION_UNIT(Seconds, SECONDS);
PROCESSION_DURATION_UNIT(Minutes, MINUTES);
PROCESSION_DURATION_UNIT(Hours, HOURS);
PROCESSION_DURATION_UNIT(Days, DAYS);
PROCESSION_DURATION_UNIT(Weeks, WEEKS);

// NOLINTEND(bugprone-macro-parentheses)
#undef PROCESSION_DURATION_UNIT

}  // namespace process
