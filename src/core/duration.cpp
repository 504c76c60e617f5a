#include <process/duration.hpp>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <limits>
#include <sstream>
#include <utility>

namespace process {
namespace {

struct Unit {
  const char* suffix;
  int64_t nanoseconds;
};

// Largest first, so printing picks the largest unit that fits.
constexpr Unit kUnits[] = {
    {"weeks", Duration::WEEKS},     {"days", Duration::DAYS},
    {"hrs", Duration::HOURS},       {"mins", Duration::MINUTES},
    {"secs", Duration::SECONDS},    {"ms", Duration::MILLISECONDS},
    {"us", Duration::MICROSECONDS}, {"ns", Duration::NANOSECONDS},
};

// Rounds to the nearest nanosecond: decimal text rarely has an exact binary
// value, and truncating would lose a nanosecond to every representation
// error (0.001secs is 999999.99…ns in binary).
Try<Duration> roundedNanoseconds(long double nanoseconds,
                                 const std::string& what) {
  if (!std::isfinite(nanoseconds) ||
      nanoseconds >
          static_cast<long double>(std::numeric_limits<int64_t>::max()) ||
      nanoseconds <
          static_cast<long double>(std::numeric_limits<int64_t>::min())) {
    return Error("Duration '" + what + "' does not fit in 64-bit nanoseconds");
  }
  return Duration::fromNanoseconds(
      static_cast<int64_t>(std::llroundl(nanoseconds)));
}

}  // namespace

Try<Duration> Duration::create(double seconds) {
  std::ostringstream text;
  text << seconds << "secs";
  return roundedNanoseconds(static_cast<long double>(seconds) * SECONDS,
                            text.str());
}

Try<Duration> Duration::parse(const std::string& text) {
  size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) != 0 ||
          text[end] == '.' || (end == 0 && text[end] == '-'))) {
    ++end;
  }
  const std::string number = text.substr(0, end);
  const std::string suffix = text.substr(end);
  if (number.empty() || number == "-" || number == "." ||
      number.find('.') != number.rfind('.')) {
    return Error("Invalid duration '" + text + "': expected a number");
  }
  for (const Unit& unit : kUnits) {
    if (suffix == unit.suffix) {
      char* parsedEnd = nullptr;
      const long double value = std::strtold(number.c_str(), &parsedEnd);
      if (parsedEnd != number.c_str() + number.size()) {
        return Error("Invalid duration '" + text + "': bad number");
      }
      return roundedNanoseconds(value * unit.nanoseconds, text);
    }
  }
  return Error("Invalid duration '" + text +
               "': unit must be one of ns, us, ms, secs, mins, hrs, days, "
               "weeks");
}

std::ostream& operator<<(std::ostream& stream, const Duration& duration) {
  std::ostringstream out;
  int64_t nanoseconds = duration.ns();
  if (nanoseconds < 0) {
    out << '-';
  }
  // The magnitude as unsigned, so that Duration::min() prints too.
  const uint64_t magnitude =
      nanoseconds < 0 ? uint64_t(0) - static_cast<uint64_t>(nanoseconds)
                      : static_cast<uint64_t>(nanoseconds);
  // The largest unit whose printed number reads back exactly ("11days", not
  // "1.57142857142857weeks"); nanoseconds always do.
  for (const Unit& unit : kUnits) {
    if (magnitude < static_cast<uint64_t>(unit.nanoseconds)) {
      continue;
    }
    std::ostringstream number;
    number << std::setprecision(std::numeric_limits<double>::digits10)
           << static_cast<double>(static_cast<long double>(magnitude) /
                                  static_cast<long double>(unit.nanoseconds));
    const long double back =
        std::strtold(number.str().c_str(), nullptr) * unit.nanoseconds;
    // Past 2^53 nanoseconds (104 days) a double cannot be exact anyway.
    constexpr uint64_t kExactLimit = uint64_t(1) << 53;
    if (unit.nanoseconds == 1) {
      out << magnitude << unit.suffix;
      break;
    }
    if (magnitude >= kExactLimit ||
        static_cast<uint64_t>(std::llroundl(back)) == magnitude) {
      out << number.str() << unit.suffix;
      break;
    }
  }
  if (magnitude == 0) {
    out << "0ns";
  }
  return stream << out.str();
}

std::string stringify(const Duration& duration) {
  std::ostringstream out;
  out << duration;
  return out.str();
}

}  // namespace process
