#include <process/time.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>

namespace process {

Try<Time> Time::create(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) {
    return Error("Time must be a finite number of seconds after the epoch");
  }
  Try<Duration> sinceEpoch = Duration::create(seconds);
  if (sinceEpoch.isError()) {
    return Error(sinceEpoch.error());
  }
  return Time(sinceEpoch.get());
}

Time& Time::operator+=(const Duration& d) {
  const int64_t now = sinceEpoch_.ns();
  const int64_t add = d.ns();
  int64_t sum = 0;
  if (__builtin_add_overflow(now, add, &sum)) {
    sum = add > 0 ? std::numeric_limits<int64_t>::max() : 0;
  }
  sinceEpoch_ = Duration::fromNanoseconds(sum < 0 ? 0 : sum);
  return *this;
}

Time& Time::operator-=(const Duration& d) {
  return *this += -d;
}

namespace {

// The calendar fields of the whole seconds of `time`, in UTC. The seconds
// come from integer division, not from secs() as a double, which rounds up
// just below a whole second past 2^53 nanoseconds.
std::tm utcFields(const Time& time) {
  const std::time_t seconds =
      static_cast<std::time_t>(time.duration().ns() / Duration::SECONDS);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return utc;
}

}  // namespace

std::ostream& operator<<(std::ostream& stream, const RFC1123& formatter) {
  // Names spelled here rather than by strftime, which follows the locale.
  static constexpr const char* kWeekDays[] = {"Sun", "Mon", "Tue", "Wed",
                                              "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const std::tm utc = utcFields(formatter.time_);
  char text[64];
  std::snprintf(text, sizeof(text), "%s, %02d %s %d %02d:%02d:%02d GMT",
                kWeekDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon],
                utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return stream << text;
}

std::ostream& operator<<(std::ostream& stream, const RFC3339& formatter) {
  const std::tm utc = utcFields(formatter.time_);
  const int64_t fraction = formatter.time_.duration().ns() % Duration::SECONDS;
  char text[64];
  int length = std::snprintf(
      text, sizeof(text), "%04d-%02d-%02d %02d:%02d:%02d", utc.tm_year + 1900,
      utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  if (fraction != 0) {
    std::snprintf(text + length, sizeof(text) - static_cast<size_t>(length),
                  ".%09lld", static_cast<long long>(fraction));
  }
  // One write, so that a width applies to the whole text.
  return stream << std::string(text) + "+00:00";
}

std::ostream& operator<<(std::ostream& stream, const Time& time) {
  return stream << RFC3339(time);
}

}  // namespace process
