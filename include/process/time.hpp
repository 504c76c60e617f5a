// Time: a point in time, as a Duration since the Unix epoch. Clock::now()
// returns one; it moves only by `advance` while the clock is paused.
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

// RFC 3339 in UTC with nanoseconds: "2026-11-22 18:07:01.123456789+00:00".
std::ostream& operator<<(std::ostream& stream, const Time& time);

}  // namespace process
