// Duration: a span of time in nanoseconds (stout's Duration), with the unit
// types libprocess code writes (Seconds(5), Milliseconds(100) …),
// arithmetic, comparison, parsing of "5secs" and printing as stout prints.
//
// clang-format off
//   Duration timeout = Seconds(5) + Milliseconds(250);
//   timeout.ms();                       // 5250
//   stringify(timeout);                 // "5250ms"
//   Try<Duration> d = Duration::parse("1.5hrs");   // 90mins
//   Try<Duration> e = Duration::create(2.5);       // 2500ms
// clang-format on
//
// Ours: the unit types take any arithmetic count (Seconds(1.5)); parse()
// accepts a leading '-' and rounds to the nearest nanosecond (stout
// truncates); create() and parse() refuse what does not fit instead of
// overflowing at 2^63; std::chrono durations convert both ways.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

#include <sys/time.h>

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
  explicit constexpr Duration(const struct timeval& t)
      : nanos_(static_cast<int64_t>(t.tv_sec) * SECONDS +
               static_cast<int64_t>(t.tv_usec) * MICROSECONDS) {}

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

  // Whole microseconds, truncated toward zero as stout's.
  struct timeval timeval() const {
    struct timeval t {};
    t.tv_sec = static_cast<decltype(t.tv_sec)>(nanos_ / SECONDS);
    t.tv_usec =
        static_cast<decltype(t.tv_usec)>((nanos_ % SECONDS) / MICROSECONDS);
    return t;
  }

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

// Prints as stout: the largest unit reached, or the one below when only that
// gives a whole number: "5secs", "1500ms", "1.1875days", "100ns", "0ns".
std::ostream& operator<<(std::ostream& stream, const Duration& duration);
std::string stringify(const Duration& duration);

// Name is a class name: it cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PROCESSION_DURATION_UNIT(Name, Unit, Suffix)                \
  class Name : public Duration {                                    \
   public:                                                          \
    template <typename Rep>                                         \
    requires std::is_arithmetic_v<Rep>                              \
    explicit constexpr Name(Rep count) : Duration(count, Unit) {}   \
    constexpr Name(const Duration& d) : Duration(d) {} /* NOLINT */ \
    constexpr double value() const { return ns() / double(Unit); }  \
    static std::string units() { return Suffix; }                   \
  }

PROCESSION_DURATION_UNIT(Nanoseconds, NANOSECONDS, "ns");
PROCESSION_DURATION_UNIT(Microseconds, MICROSECONDS, "us");
PROCESSION_DURATION_UNIT(Milliseconds, MILLISECONDS, "ms");
PROCESSION_DURATION_UNIT(Seconds, SECONDS, "secs");
PROCESSION_DURATION_UNIT(Minutes, MINUTES, "mins");
PROCESSION_DURATION_UNIT(Hours, HOURS, "hrs");
PROCESSION_DURATION_UNIT(Days, DAYS, "days");
PROCESSION_DURATION_UNIT(Weeks, WEEKS, "weeks");

// NOLINTEND(bugprone-macro-parentheses)
#undef PROCESSION_DURATION_UNIT

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::Days;
using process::Duration;
using process::Hours;
using process::Microseconds;
using process::Milliseconds;
using process::Minutes;
using process::Nanoseconds;
using process::Seconds;
using process::Weeks;
