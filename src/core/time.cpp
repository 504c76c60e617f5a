#include <process/time.hpp>

#include <cmath>
#include <ctime>
#include <iomanip>
#include <limits>
#include <sstream>

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

std::ostream& operator<<(std::ostream& stream, const Time& time) {
  const int64_t nanoseconds = time.duration().ns();
  const std::time_t seconds =
      static_cast<std::time_t>(nanoseconds / Duration::SECONDS);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::ostringstream out;
  out << std::put_time(&utc, "%Y-%m-%d %H:%M:%S") << '.' << std::setw(9)
      << std::setfill('0') << nanoseconds % Duration::SECONDS << "+00:00";
  return stream << out.str();
}

}  // namespace process
