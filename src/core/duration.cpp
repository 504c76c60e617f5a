#include <process/duration.hpp>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iterator>
#include <limits>
#include <sstream>
#include <utility>

namespace process {
namespace {

struct Unit {
  const char* suffix;
  int64_t nanoseconds;
};

// Smallest first: printing looks one unit down from the largest that fits.
constexpr Unit kUnits[] = {
    {"ns", Duration::NANOSECONDS},  {"us", Duration::MICROSECONDS},
    {"ms", Duration::MILLISECONDS}, {"secs", Duration::SECONDS},
    {"mins", Duration::MINUTES},    {"hrs", Duration::HOURS},
    {"days", Duration::DAYS},       {"weeks", Duration::WEEKS},
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
  // The product is truncated, as stout does, so that create(x) and stout's
  // agree to the nanosecond (create(3.14159265358979) is 3.141592653secs).
  // The bounds are exclusive of 2^63, which a double cannot tell from
  // int64_t's maximum and whose conversion would overflow.
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  const double nanoseconds = seconds * static_cast<double>(SECONDS);
  if (!std::isfinite(nanoseconds) || nanoseconds >= kLimit ||
      nanoseconds < -kLimit) {
    std::ostringstream text;
    text << "Duration of " << seconds
         << " seconds does not fit in 64-bit nanoseconds";
    return Error(text.str());
  }
  return Duration::fromNanoseconds(static_cast<int64_t>(nanoseconds));
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
  // The text is stout's: the largest unit the duration reaches, or the unit
  // below it when that one gives a whole number and this one does not
  // ("90secs", not "1.5mins"; "1500us", not "1.5ms"), in up to 15
  // significant digits. It is built apart and written at once, so that the
  // stream's width applies to all of it and its precision is left alone.
  std::ostringstream out;
  out.precision(std::numeric_limits<double>::digits10);
  const int64_t nanoseconds = duration.ns();
  if (nanoseconds < 0) {
    out << '-';
  }
  // The magnitude as unsigned, so that Duration::min() prints too.
  const uint64_t magnitude =
      nanoseconds < 0 ? uint64_t(0) - static_cast<uint64_t>(nanoseconds)
                      : static_cast<uint64_t>(nanoseconds);
  size_t reached = 0;
  while (reached + 1 < std::size(kUnits) &&
         magnitude >= static_cast<uint64_t>(kUnits[reached + 1].nanoseconds)) {
    ++reached;
  }
  size_t unit = reached;
  if (reached > 0 &&
      magnitude % static_cast<uint64_t>(kUnits[reached].nanoseconds) != 0 &&
      magnitude % static_cast<uint64_t>(kUnits[reached - 1].nanoseconds) == 0) {
    unit = reached - 1;
  }
  if (unit == 0) {
    out << magnitude;
  } else {
    out << static_cast<double>(magnitude) /
               static_cast<double>(kUnits[unit].nanoseconds);
  }
  out << kUnits[unit].suffix;
  return stream << out.str();
}

std::string stringify(const Duration& duration) {
  std::ostringstream out;
  out << duration;
  return out.str();
}

}  // namespace process
