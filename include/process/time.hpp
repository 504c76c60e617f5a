// Time: a point in time, as a Duration since the Unix epoch. Clock::now()
// returns one; it moves only by `advance` while the clock is paused. It
// prints in RFC 3339 (UTC); RFC1123(t) and RFC3339(t) are stream
// manipulators for either form, as in libprocess.
//
// clang-format off
//   Time t = Time::epoch() + Weeks(1000);
//   stringify(t);                          // "1989-03-02 00:00:00+00:00"
//   stringify(t + Nanoseconds(1));         // "1989-03-02 00:00:00.000000001+00:00"
//   stringify(RFC1123(t));                 // "Thu, 02 Mar 1989 00:00:00 GMT"
//   Try<Time> u = Time::create(1.5);       // 1.5 s after the epoch
// clang-format on
//
// Ours: arithmetic saturates at Time::epoch() and Time::max() (libprocess's
// overflows); create() refuses negative seconds; Time::create does not add
// the paused clock's advance, as libprocess's does.
#pragma once

#include <ostream>
#include <string>

#include <process/duration.hpp>
#include <process/try.hpp>

namespace process {

class Time {
 public:
  constexpr Time() = default;

  static constexpr Time epoch() { return Time(); }
  static constexpr Time max() { return Time(Duration::max()); }
  // The time `seconds` after the epoch; an error if it is before the epoch
  // or does not fit.
  static Try<Time> create(double seconds);

  constexpr Duration duration() const { return sinceEpoch_; }
  constexpr double secs() const { return sinceEpoch_.secs(); }

  constexpr auto operator<=>(const Time&) const = default;

  // Saturating: adding to Time::max() stays Time::max().
  Time& operator+=(const Duration& d);
  Time& operator-=(const Duration& d);
  friend Time operator+(Time t, const Duration& d) { return t += d; }
  friend Time operator-(Time t, const Duration& d) { return t -= d; }
  friend constexpr Duration operator-(const Time& a, const Time& b) {
    return a.sinceEpoch_ - b.sinceEpoch_;
  }

 private:
  explicit constexpr Time(Duration sinceEpoch) : sinceEpoch_(sinceEpoch) {}

  Duration sinceEpoch_;
};

// Writes a Time as RFC 1123 (the HTTP date, locale-independent):
// "Thu, 02 Mar 1989 00:00:00 GMT"; fractions of a second are dropped.
class RFC1123 {
 public:
  explicit RFC1123(const Time& time) : time_(time) {}

 private:
  friend std::ostream& operator<<(std::ostream& stream,
                                  const RFC1123& formatter);
  Time time_;
};

std::ostream& operator<<(std::ostream& stream, const RFC1123& formatter);

// Writes a Time as RFC 3339 in UTC, with nine digits of fraction only when
// the time is not a whole second: "1989-03-02 00:00:00+00:00",
// "1989-03-02 00:00:00.000001000+00:00".
class RFC3339 {
 public:
  explicit RFC3339(const Time& time) : time_(time) {}

 private:
  friend std::ostream& operator<<(std::ostream& stream,
                                  const RFC3339& formatter);
  Time time_;
};

std::ostream& operator<<(std::ostream& stream, const RFC3339& formatter);

// As RFC3339(time).
std::ostream& operator<<(std::ostream& stream, const Time& time);

}  // namespace process
