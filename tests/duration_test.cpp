// Duration and its units: construction, accessors, arithmetic, comparison,
// std::chrono and timeval interop, printing (stout's text) and parsing.
#include <process/duration.hpp>
#include <process/stringify.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

using namespace process;

namespace {

std::string print(const Duration& duration) {
  std::ostringstream out;
  out << duration;
  return out.str();
}

constexpr int64_t kSecond = 1000000000;

}  // namespace

// ---------------------------------------------------------------------------
// Construction and accessors.

TEST(DurationTest, DefaultIsZero) {
  Duration d;
  EXPECT_EQ(0, d.ns());
  EXPECT_EQ(Duration::zero(), d);
}

TEST(DurationTest, UnitsFromIntegers) {
  EXPECT_EQ(7, Nanoseconds(7).ns());
  EXPECT_EQ(7000, Microseconds(7).ns());
  EXPECT_EQ(7000000, Milliseconds(7).ns());
  EXPECT_EQ(7 * kSecond, Seconds(7).ns());
  EXPECT_EQ(7 * 60 * kSecond, Minutes(7).ns());
  EXPECT_EQ(7 * 3600 * kSecond, Hours(7).ns());
  EXPECT_EQ(7 * 86400 * kSecond, Days(7).ns());
  EXPECT_EQ(7 * 7 * 86400 * kSecond, Weeks(7).ns());
}

TEST(DurationTest, UnitsFromLargeIntegersAreExact) {
  // 64-bit arithmetic, not double: every nanosecond counts.
  const int64_t seconds = 9000000001;  // Beyond 2^53 nanoseconds.
  EXPECT_EQ(seconds * kSecond, Seconds(seconds).ns());
  const int64_t nanoseconds = (int64_t(1) << 60) + 1;
  EXPECT_EQ(nanoseconds, Nanoseconds(nanoseconds).ns());
}

TEST(DurationTest, UnitsFromDoubles) {
  EXPECT_EQ(1500000000, Seconds(1.5).ns());
  EXPECT_EQ(250000, Milliseconds(0.25).ns());
  EXPECT_EQ(500, Microseconds(0.5).ns());
  EXPECT_EQ(90 * kSecond, Minutes(1.5).ns());
  EXPECT_EQ(1800 * kSecond, Hours(0.5).ns());
  EXPECT_EQ(12 * 3600 * kSecond, Days(0.5).ns());
  EXPECT_EQ(Days(7) / 2, Weeks(0.5));
  EXPECT_EQ(-1500000000, Seconds(-1.5).ns());
  EXPECT_EQ(Milliseconds(100), Seconds(0.1));
}

TEST(DurationTest, UnitsFromOtherArithmeticTypes) {
  EXPECT_EQ(3 * kSecond, Seconds(3L).ns());
  EXPECT_EQ(3 * kSecond, Seconds(3u).ns());
  EXPECT_EQ(2500000, Milliseconds(2.5f).ns());
  EXPECT_EQ(int64_t(1) << 40, Nanoseconds(int64_t(1) << 40).ns());
}

TEST(DurationTest, UnitsAreExplicitButConvertFromDuration) {
  static_assert(!std::is_convertible_v<int, Seconds>);
  static_assert(std::is_convertible_v<Duration, Seconds>);
  static_assert(std::is_convertible_v<Seconds, Duration>);
  Seconds s = Milliseconds(2000);
  EXPECT_EQ(2 * kSecond, s.ns());
  EXPECT_DOUBLE_EQ(2.0, s.value());
}

TEST(DurationTest, ConstexprUse) {
  constexpr Duration d = Seconds(2) + Milliseconds(500);
  static_assert(d.ns() == 2500000000);
  static_assert(Seconds(1) < Seconds(2));
  static_assert(Duration::zero().ns() == 0);
  static_assert(Duration::max().ns() == std::numeric_limits<int64_t>::max());
  EXPECT_EQ(2500000000, d.ns());
}

TEST(DurationTest, Accessors) {
  Duration d = Hours(36);
  EXPECT_EQ(36 * 3600 * kSecond, d.ns());
  EXPECT_DOUBLE_EQ(36.0 * 3600 * 1e6, d.us());
  EXPECT_DOUBLE_EQ(36.0 * 3600 * 1e3, d.ms());
  EXPECT_DOUBLE_EQ(36.0 * 3600, d.secs());
  EXPECT_DOUBLE_EQ(36.0 * 60, d.mins());
  EXPECT_DOUBLE_EQ(36.0, d.hrs());
  EXPECT_DOUBLE_EQ(1.5, d.days());
  EXPECT_DOUBLE_EQ(1.5 / 7, d.weeks());

  EXPECT_DOUBLE_EQ(1.5, Microseconds(1.5).us());
  EXPECT_DOUBLE_EQ(0.001, Microseconds(1).ms());
  EXPECT_DOUBLE_EQ(2.0, Weeks(2).weeks());
  EXPECT_DOUBLE_EQ(14.0, Weeks(2).days());
}

TEST(DurationTest, UnitValue) {
  EXPECT_DOUBLE_EQ(5.0, Nanoseconds(5).value());
  EXPECT_DOUBLE_EQ(5.0, Microseconds(5).value());
  EXPECT_DOUBLE_EQ(5.0, Milliseconds(5).value());
  EXPECT_DOUBLE_EQ(1.5, Seconds(1.5).value());
  EXPECT_DOUBLE_EQ(5.0, Minutes(5).value());
  EXPECT_DOUBLE_EQ(5.0, Hours(5).value());
  EXPECT_DOUBLE_EQ(5.0, Days(5).value());
  EXPECT_DOUBLE_EQ(5.0, Weeks(5).value());
  // The unit a value is read in is that of the variable's type.
  Seconds s = Minutes(2);
  EXPECT_DOUBLE_EQ(120.0, s.value());
}

TEST(DurationTest, ZeroMaxMin) {
  EXPECT_EQ(0, Duration::zero().ns());
  EXPECT_EQ(std::numeric_limits<int64_t>::max(), Duration::max().ns());
  EXPECT_EQ(std::numeric_limits<int64_t>::min(), Duration::min().ns());
  EXPECT_LT(Duration::min(), Duration::zero());
  EXPECT_GT(Duration::max(), Weeks(10000));
  EXPECT_EQ(123, Duration::fromNanoseconds(123).ns());
}

// ---------------------------------------------------------------------------
// Arithmetic and comparison.

TEST(DurationTest, AdditionAndSubtraction) {
  EXPECT_EQ(Milliseconds(1500), Seconds(1) + Milliseconds(500));
  EXPECT_EQ(Milliseconds(500), Seconds(1) - Milliseconds(500));
  EXPECT_EQ(Milliseconds(-500), Milliseconds(500) - Seconds(1));
  EXPECT_EQ(Seconds(-3), -Seconds(3));
  EXPECT_EQ(Seconds(3), -(-Seconds(3)));
  EXPECT_EQ(Nanoseconds(1), Seconds(1) + Nanoseconds(1) - Seconds(1));
  EXPECT_EQ(Minutes(61), Hours(1) + Minutes(1));
}

TEST(DurationTest, MultiplicationAndDivision) {
  EXPECT_EQ(Seconds(6), Seconds(2) * 3);
  EXPECT_EQ(Seconds(6), 3 * Seconds(2));
  EXPECT_EQ(Milliseconds(1500), Seconds(3) * 0.5);
  EXPECT_EQ(Milliseconds(1500), 0.5 * Seconds(3));
  EXPECT_EQ(Milliseconds(1500), Seconds(3) / 2);
  EXPECT_EQ(Milliseconds(200), Seconds(1) / 5.0);
  EXPECT_EQ(Seconds(-2), Seconds(2) * -1);
  EXPECT_EQ(Nanoseconds(333333333), Seconds(1) / 3);

  // Duration / Duration is a ratio.
  EXPECT_DOUBLE_EQ(1.5, Seconds(3) / Seconds(2));
  EXPECT_DOUBLE_EQ(60.0, Minutes(1) / Seconds(1));
  EXPECT_DOUBLE_EQ(0.001, Milliseconds(1) / Seconds(1));
}

TEST(DurationTest, CompoundAssignment) {
  Duration d = Seconds(1);
  d += Milliseconds(250);
  EXPECT_EQ(Milliseconds(1250), d);
  d -= Milliseconds(50);
  EXPECT_EQ(Milliseconds(1200), d);
  d *= 2;
  EXPECT_EQ(Milliseconds(2400), d);
  d *= 0.5;
  EXPECT_EQ(Milliseconds(1200), d);
  d /= 4;
  EXPECT_EQ(Milliseconds(300), d);
  d /= 0.1;
  EXPECT_EQ(Seconds(3), d);

  // The compound operators return the object itself.
  Duration e = Seconds(1);
  (e += Seconds(1)) += Seconds(1);
  EXPECT_EQ(Seconds(3), e);

  // On a unit type too.
  Seconds s(1);
  s += Seconds(2);
  EXPECT_EQ(Seconds(3), s);
  EXPECT_DOUBLE_EQ(3.0, s.value());
}

TEST(DurationTest, Comparison) {
  EXPECT_EQ(Seconds(1), Milliseconds(1000));
  EXPECT_EQ(Minutes(60), Hours(1));
  EXPECT_EQ(Days(7), Weeks(1));
  EXPECT_NE(Seconds(1), Milliseconds(1001));
  EXPECT_LT(Milliseconds(999), Seconds(1));
  EXPECT_LE(Milliseconds(1000), Seconds(1));
  EXPECT_GT(Seconds(1), Milliseconds(999));
  EXPECT_GE(Seconds(1), Milliseconds(1000));
  EXPECT_LT(Seconds(-1), Nanoseconds(0));
  EXPECT_LT(Nanoseconds(1), Microseconds(1));
  EXPECT_TRUE(Seconds(1) == Nanoseconds(kSecond));
  EXPECT_FALSE(Seconds(1) != Nanoseconds(kSecond));
  EXPECT_TRUE(Seconds(2) > Seconds(1));
  EXPECT_FALSE(Seconds(2) < Seconds(1));
}

// ---------------------------------------------------------------------------
// std::chrono.

TEST(DurationTest, FromChrono) {
  Duration a = std::chrono::milliseconds(5);
  EXPECT_EQ(Milliseconds(5), a);
  Duration b = std::chrono::hours(2);
  EXPECT_EQ(Hours(2), b);
  Duration c = std::chrono::nanoseconds(-7);
  EXPECT_EQ(Nanoseconds(-7), c);
  Duration d = std::chrono::duration<double>(1.5);
  EXPECT_EQ(Seconds(1.5), d);

  // Anywhere a Duration is taken, a std::chrono duration will do.
  EXPECT_EQ(Seconds(3), Seconds(1) + std::chrono::seconds(2));
  EXPECT_EQ(Seconds(60), std::chrono::minutes(1));

  using namespace std::chrono_literals;
  Duration e = 250ms;
  EXPECT_EQ(Milliseconds(250), e);
}

TEST(DurationTest, ToChrono) {
  EXPECT_EQ(std::chrono::nanoseconds(1500000000), Seconds(1.5).chrono());
  EXPECT_EQ(std::chrono::seconds(3), Seconds(3).chrono());
  EXPECT_EQ(std::chrono::minutes(2), Minutes(2).chrono());
  EXPECT_EQ(std::chrono::nanoseconds(-5), Nanoseconds(-5).chrono());
  EXPECT_EQ(std::chrono::nanoseconds::max(), Duration::max().chrono());

  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      Seconds(2).chrono());
  EXPECT_EQ(2000, ms.count());
}

TEST(DurationTest, ChronoRoundTrip) {
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(-1), int64_t(123456789),
                    std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    Duration d = Duration::fromNanoseconds(n);
    EXPECT_EQ(d, Duration(d.chrono())) << n;
  }
}

// ---------------------------------------------------------------------------
// Printing.

TEST(DurationTest, Print) {
  EXPECT_EQ("5secs", print(Seconds(5)));
  EXPECT_EQ("1500ms", print(Seconds(1.5)));
  EXPECT_EQ("1500ms", print(Milliseconds(1500)));
  EXPECT_EQ("100ms", print(Milliseconds(100)));
  EXPECT_EQ("10us", print(Microseconds(10)));
  EXPECT_EQ("1ns", print(Nanoseconds(1)));
  EXPECT_EQ("2ns", print(Nanoseconds(2)));
  EXPECT_EQ("999ns", print(Nanoseconds(999)));
  EXPECT_EQ("1001ns", print(Nanoseconds(1001)));
  EXPECT_EQ("0ns", print(Duration::zero()));
  EXPECT_EQ("0ns", print(Seconds(0)));
  EXPECT_EQ("2mins", print(Minutes(2)));
  EXPECT_EQ("90secs", print(Seconds(90)));
  EXPECT_EQ("3hrs", print(Hours(3)));
  EXPECT_EQ("10hrs", print(Hours(10)));
  EXPECT_EQ("1days", print(Days(1)));
  EXPECT_EQ("1days", print(Hours(24)));
  EXPECT_EQ("10days", print(Days(10)));
  EXPECT_EQ("2weeks", print(Weeks(2)));
  EXPECT_EQ("2weeks", print(Days(14)));
  EXPECT_EQ("1weeks", print(Days(7)));
  EXPECT_EQ("1500us", print(Microseconds(1500)));
  EXPECT_EQ("1.000000001secs", print(Seconds(1) + Nanoseconds(1)));
  // Neither this unit nor the one below is whole: this unit, in fractions.
  EXPECT_EQ("1.1875days", print(Days(1) + Hours(4) + Minutes(30)));
  EXPECT_EQ("90mins", print(Minutes(90)));
  EXPECT_EQ("61secs", print(Seconds(61)));
  EXPECT_EQ("1.01668333333333mins", print(Seconds(61) + Milliseconds(1)));
}

TEST(DurationTest, PrintMatchesStoutForCreate) {
  // stout's own expectations (duration_tests.cpp): create() truncates.
  EXPECT_EQ("3.141592653secs",
            stringify(Duration::create(3.14159265358979).get()));
  EXPECT_EQ("3140ms", stringify(Duration::create(3.14).get()));
}

TEST(DurationTest, PrintNegative) {
  EXPECT_EQ("-5secs", print(Seconds(-5)));
  EXPECT_EQ("-1500ms", print(Seconds(-1.5)));
  EXPECT_EQ("-100ms", print(Milliseconds(-100)));
  EXPECT_EQ("-1ns", print(Nanoseconds(-1)));
  EXPECT_EQ("-2weeks", print(Weeks(-2)));
  EXPECT_EQ("-3hrs", print(-Hours(3)));
}

TEST(DurationTest, PrintExtremes) {
  // Both ends print, in weeks, without overflow, as stout prints them.
  EXPECT_EQ("15250.2844524715weeks", print(Duration::max()));
  EXPECT_EQ("-15250.2844524715weeks", print(Duration::min()));
}

TEST(DurationTest, PrintLeavesTheStreamAsItWas) {
  std::ostringstream out;
  out.precision(3);
  out << Seconds(1) + Nanoseconds(1) << " " << 3.14159;
  EXPECT_EQ("1.000000001secs 3.14", out.str());
}

TEST(DurationTest, PrintToAWidth) {
  // The duration is formatted as one piece, so a width applies to all of it.
  std::ostringstream out;
  out << std::setw(8) << Seconds(5);
  EXPECT_EQ("   5secs", out.str());
}

TEST(DurationTest, Stringify) {
  EXPECT_EQ("5secs", stringify(Seconds(5)));
  EXPECT_EQ("1500us", stringify(Microseconds(1500)));
  EXPECT_EQ("-10hrs", stringify(Hours(-10)));
  const Duration d = Milliseconds(20);
  EXPECT_EQ("20ms", stringify(d));
  EXPECT_EQ("[ 1secs, 2ms ]",
            stringify(std::vector<Duration>{Seconds(1), Milliseconds(2)}));
}

TEST(DurationTest, UnitNames) {
  EXPECT_EQ("ns", Nanoseconds::units());
  EXPECT_EQ("us", Microseconds::units());
  EXPECT_EQ("ms", Milliseconds::units());
  EXPECT_EQ("secs", Seconds::units());
  EXPECT_EQ("mins", Minutes::units());
  EXPECT_EQ("hrs", Hours::units());
  EXPECT_EQ("days", Days::units());
  EXPECT_EQ("weeks", Weeks::units());
}

TEST(DurationTest, Timeval) {
  struct timeval t {};
  t.tv_sec = 3;
  t.tv_usec = 250;
  EXPECT_EQ(Seconds(3) + Microseconds(250), Duration(t));

  const struct timeval back =
      (Seconds(7) + Microseconds(12) + Nanoseconds(999)).timeval();
  EXPECT_EQ(7, back.tv_sec);
  EXPECT_EQ(12, back.tv_usec);  // Nanoseconds are truncated.
}

// ---------------------------------------------------------------------------
// Parsing.

TEST(DurationTest, Parse) {
  EXPECT_EQ(Nanoseconds(3), Duration::parse("3ns").get());
  EXPECT_EQ(Microseconds(3), Duration::parse("3us").get());
  EXPECT_EQ(Milliseconds(3), Duration::parse("3ms").get());
  EXPECT_EQ(Seconds(3), Duration::parse("3secs").get());
  EXPECT_EQ(Minutes(3), Duration::parse("3mins").get());
  EXPECT_EQ(Hours(3), Duration::parse("3hrs").get());
  EXPECT_EQ(Days(3), Duration::parse("3days").get());
  EXPECT_EQ(Weeks(3), Duration::parse("3weeks").get());
  EXPECT_EQ(Milliseconds(1500), Duration::parse("1.5secs").get());
  EXPECT_EQ(Microseconds(10), Duration::parse("0.01ms").get());
  EXPECT_EQ(Seconds(-5), Duration::parse("-5secs").get());
  EXPECT_EQ(Duration::zero(), Duration::parse("0ns").get());
  EXPECT_EQ(Milliseconds(500), Duration::parse(".5secs").get());
  EXPECT_EQ(Seconds(10), Duration::parse("10.secs").get());
}

TEST(DurationTest, ParseDecimalsToTheNearestNanosecond) {
  // Decimal fractions that are exact in nanoseconds are read exactly.
  EXPECT_EQ(Milliseconds(1), Duration::parse("0.001secs").get());
  EXPECT_EQ(Microseconds(1), Duration::parse("0.001ms").get());
  EXPECT_EQ(Nanoseconds(31), Duration::parse("0.031us").get());
  EXPECT_EQ(Milliseconds(16), Duration::parse("0.016secs").get());
  EXPECT_EQ(Nanoseconds(61928), Duration::parse("61.928us").get());
  EXPECT_EQ(Nanoseconds(1000000001), Duration::parse("1.000000001secs").get());
  EXPECT_EQ(-Milliseconds(1), Duration::parse("-0.001secs").get());
}

TEST(DurationTest, ParseRoundTripsPrinting) {
  const std::vector<Duration> durations = {
      Duration::zero(),
      Nanoseconds(1),
      Nanoseconds(999),
      Microseconds(10),
      Microseconds(1001),
      Milliseconds(100),
      Milliseconds(1500),
      Seconds(5),
      Seconds(1.5),
      Seconds(1) + Nanoseconds(1),
      Nanoseconds(123456789),
      Seconds(59) + Milliseconds(999),
      Seconds(61),
      Minutes(2),
      Seconds(100),
      Minutes(59) + Seconds(1),
      Hours(3),
      Hours(25),
      Days(1),
      Days(10),
      Days(11),
      Weeks(2),
      Weeks(3) + Days(1),
      Seconds(-5),
      Milliseconds(-250),
      -(Hours(5) + Minutes(7)),
  };
  for (const Duration& d : durations) {
    const std::string text = print(d);
    Try<Duration> parsed = Duration::parse(text);
    ASSERT_TRUE(parsed.isSome()) << text << ": " << parsed.error();
    EXPECT_EQ(d.ns(), parsed->ns()) << text;
  }
}

TEST(DurationTest, ParseRoundTripsPrintingSweep) {
  // stout's text is exact when the duration is whole in the largest unit it
  // reaches or the one below: sweep counts of each unit below the unit two
  // up (so that at most one unit up is reached).
  const int64_t units[] = {1,       1000,         1000000,
                           kSecond, 60 * kSecond, 3600 * kSecond};
  const int64_t limits[] = {1000000, 1000000, 60000, 3600, 1440, 168};
  int failures = 0;
  uint64_t state = 1;
  for (int i = 0; i < 20000 && failures < 10; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const size_t which = size_t(i) % std::size(units);
    const int64_t unit = units[which];
    const int64_t count = int64_t(state >> 40) % limits[which];
    const Duration d = Duration::fromNanoseconds(count * unit);
    const std::string text = print(d);
    Try<Duration> parsed = Duration::parse(text);
    if (parsed.isError() || parsed->ns() != d.ns()) {
      ++failures;
      ADD_FAILURE() << d.ns() << "ns printed as '" << text << "' parsed as "
                    << (parsed.isError() ? parsed.error()
                                         : std::to_string(parsed->ns()) + "ns");
    }
  }
  EXPECT_EQ(0, failures);
}

TEST(DurationTest, ParseErrors) {
  for (const char* text :
       {"",          "5",       "secs",   "5 secs",    "5sec",
        "5s",        "5Secs",   "5secs ", " 5secs",    "abc",
        "1.2.3secs", "-secs",   ".secs",  "5xs",       "5msecs",
        "1e3secs",   "--5secs", "5-secs", "five secs", "0x10ms"}) {
    Try<Duration> parsed = Duration::parse(text);
    EXPECT_TRUE(parsed.isError())
        << "'" << text << "' parsed as " << parsed.get();
  }
}

TEST(DurationTest, ParseErrorNamesTheProblem) {
  Try<Duration> badUnit = Duration::parse("5parsecs");
  ASSERT_TRUE(badUnit.isError());
  EXPECT_NE(std::string::npos, badUnit.error().find("5parsecs"))
      << badUnit.error();

  Try<Duration> badNumber = Duration::parse("x5secs");
  ASSERT_TRUE(badNumber.isError());
  EXPECT_NE(std::string::npos, badNumber.error().find("x5secs"))
      << badNumber.error();
}

TEST(DurationTest, ParseOverflowIsAnError) {
  EXPECT_TRUE(Duration::parse("100000000weeks").isError());
  EXPECT_TRUE(Duration::parse("-100000000weeks").isError());
  EXPECT_TRUE(Duration::parse("10000000000secs").isError());
  // Just inside the range.
  Try<Duration> big = Duration::parse("15250weeks");
  ASSERT_TRUE(big.isSome()) << big.error();
  EXPECT_EQ(Weeks(15250), big.get());
}

// ---------------------------------------------------------------------------
// Duration::create.

TEST(DurationTest, Create) {
  Try<Duration> d = Duration::create(1.5);
  ASSERT_TRUE(d.isSome()) << d.error();
  EXPECT_EQ(Milliseconds(1500), d.get());

  Try<Duration> negative = Duration::create(-2);
  ASSERT_TRUE(negative.isSome()) << negative.error();
  EXPECT_EQ(Seconds(-2), negative.get());

  Try<Duration> zero = Duration::create(0);
  ASSERT_TRUE(zero.isSome());
  EXPECT_EQ(Duration::zero(), zero.get());

  Try<Duration> large = Duration::create(9e9);  // ~285 years.
  ASSERT_TRUE(large.isSome()) << large.error();
  EXPECT_EQ(Seconds(int64_t(9000000000)), large.get());
}

TEST(DurationTest, CreateOverflowIsAnError) {
  EXPECT_TRUE(Duration::create(1e10).isError());
  EXPECT_TRUE(Duration::create(-1e10).isError());
  EXPECT_TRUE(Duration::create(1e300).isError());
  EXPECT_TRUE(
      Duration::create(std::numeric_limits<double>::infinity()).isError());
  EXPECT_TRUE(
      Duration::create(-std::numeric_limits<double>::infinity()).isError());
  EXPECT_TRUE(Duration::create(std::nan("")).isError());
  EXPECT_FALSE(Duration::create(1e10).error().empty());
}
