// Time: the epoch, create(), arithmetic with Duration, comparison, and its
// text: RFC 3339 by default, RFC1123(t) and RFC3339(t) manipulators, as
// libprocess prints them.
#include <process/time.hpp>

#include <cmath>
#include <iomanip>
#include <limits>
#include <locale>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/stringify.hpp>

using namespace process;

namespace {

std::string print(const Time& time) {
  std::ostringstream out;
  out << time;
  return out.str();
}

}  // namespace

TEST(TimeTest, Epoch) {
  EXPECT_EQ(Duration::zero(), Time::epoch().duration());
  EXPECT_EQ(0.0, Time::epoch().secs());
  EXPECT_EQ(Time(), Time::epoch());
}

TEST(TimeTest, Create) {
  Try<Time> t = Time::create(1.5);
  ASSERT_TRUE(t.isSome()) << t.error();
  EXPECT_EQ(Milliseconds(1500), t->duration());
  EXPECT_DOUBLE_EQ(1.5, t->secs());
  EXPECT_EQ(Time::epoch() + Milliseconds(1500), t.get());

  Try<Time> zero = Time::create(0);
  ASSERT_TRUE(zero.isSome());
  EXPECT_EQ(Time::epoch(), zero.get());
}

TEST(TimeTest, CreateErrors) {
  EXPECT_TRUE(Time::create(-1).isError());
  EXPECT_TRUE(Time::create(1e10).isError());
  EXPECT_TRUE(Time::create(std::numeric_limits<double>::infinity()).isError());
  EXPECT_TRUE(Time::create(std::nan("")).isError());
}

TEST(TimeTest, ArithmeticWithDuration) {
  Time t = Time::epoch() + Seconds(10);
  EXPECT_EQ(Seconds(10), t.duration());
  EXPECT_EQ(Seconds(7), (t - Seconds(3)).duration());
  EXPECT_EQ(Seconds(13), (t + Seconds(3)).duration());

  t += Minutes(1);
  EXPECT_EQ(Seconds(70), t.duration());
  t -= Seconds(5);
  EXPECT_EQ(Seconds(65), t.duration());
  // Adding a negative duration moves back.
  t += Seconds(-5);
  EXPECT_EQ(Seconds(60), t.duration());
}

TEST(TimeTest, Difference) {
  Time a = Time::epoch() + Seconds(10);
  Time b = Time::epoch() + Seconds(4);
  EXPECT_EQ(Seconds(6), a - b);
  EXPECT_EQ(Seconds(-6), b - a);
  EXPECT_EQ(Duration::zero(), a - a);
  EXPECT_EQ(Duration::max(), Time::max() - Time::epoch());
}

TEST(TimeTest, Comparison) {
  Time a = Time::epoch() + Seconds(1);
  Time b = Time::epoch() + Seconds(2);
  EXPECT_LT(a, b);
  EXPECT_LE(a, b);
  EXPECT_LE(a, a);
  EXPECT_GT(b, a);
  EXPECT_GE(b, b);
  EXPECT_EQ(a, Time::epoch() + Milliseconds(1000));
  EXPECT_NE(a, b);
  EXPECT_LT(Time::epoch(), a);
  EXPECT_LT(b, Time::max());
}

TEST(TimeTest, Print) {
  // A whole second has no fraction; any other time has nine digits of it.
  EXPECT_EQ("1970-01-01 00:00:00+00:00", print(Time::epoch()));
  EXPECT_EQ("1970-01-01 23:59:59+00:00", print(Time::epoch() + Seconds(86399)));
  EXPECT_EQ("1970-01-01 00:00:01.500000000+00:00",
            print(Time::create(1.5).get()));
  EXPECT_EQ("2023-11-14 22:13:20.123456789+00:00",
            print(Time::epoch() + Seconds(int64_t(1700000000)) +
                  Nanoseconds(123456789)));
  EXPECT_EQ(
      "2023-11-14 22:13:20.000000001+00:00",
      print(Time::epoch() + Seconds(int64_t(1700000000)) + Nanoseconds(1)));
  EXPECT_EQ("2262-04-11 23:47:16.854775807+00:00", print(Time::max()));
}

// libprocess's own expectations (time_tests.cpp).
TEST(TimeTest, Output) {
  EXPECT_EQ("1989-03-02 00:00:00+00:00",
            stringify(Time::epoch() + Weeks(1000)));
  EXPECT_EQ("1989-03-02 00:00:00.000000001+00:00",
            stringify(Time::epoch() + Weeks(1000) + Nanoseconds(1)));
  EXPECT_EQ("1989-03-02 00:00:00.000001000+00:00",
            stringify(Time::epoch() + Weeks(1000) + Microseconds(1)));
}

TEST(TimeTest, RFC1123Output) {
  EXPECT_EQ("Thu, 01 Jan 1970 00:00:00 GMT", stringify(RFC1123(Time::epoch())));
  EXPECT_EQ("Thu, 02 Mar 1989 00:00:00 GMT",
            stringify(RFC1123(Time::epoch() + Weeks(1000))));
  EXPECT_EQ("Thu, 02 Mar 1989 00:00:00 GMT",
            stringify(RFC1123(Time::epoch() + Weeks(1000) + Nanoseconds(1))));
  EXPECT_EQ("Thu, 02 Mar 1989 00:00:01 GMT",
            stringify(RFC1123(Time::epoch() + Weeks(1000) + Seconds(1))));
  EXPECT_EQ("Fri, 11 Apr 2262 23:47:16 GMT", stringify(RFC1123(Time::max())));
  EXPECT_EQ("Tue, 14 Nov 2023 22:13:20 GMT",
            stringify(RFC1123(Time::epoch() + Seconds(int64_t(1700000000)))));
}

TEST(TimeTest, RFC1123IgnoresTheLocale) {
  // A German locale would say "Do" and "Mär"; the HTTP date must not.
  std::ostringstream out;
  try {
    out.imbue(std::locale("de_DE.UTF-8"));
  } catch (const std::runtime_error&) {
    // Not installed: the classic locale checks the same code path.
  }
  out << RFC1123(Time::epoch() + Weeks(1000));
  EXPECT_EQ("Thu, 02 Mar 1989 00:00:00 GMT", out.str());
}

TEST(TimeTest, RFC3339Output) {
  EXPECT_EQ("1970-01-01 00:00:00+00:00", stringify(RFC3339(Time::epoch())));
  EXPECT_EQ("1989-03-02 00:00:00+00:00",
            stringify(RFC3339(Time::epoch() + Weeks(1000))));
  EXPECT_EQ("1989-03-02 00:00:00.000000001+00:00",
            stringify(RFC3339(Time::epoch() + Weeks(1000) + Nanoseconds(1))));
  EXPECT_EQ("1989-03-02 00:00:00.000001000+00:00",
            stringify(RFC3339(Time::epoch() + Weeks(1000) + Microseconds(1))));
  EXPECT_EQ("2262-04-11 23:47:16.854775807+00:00",
            stringify(RFC3339(Time::max())));
}

TEST(TimeTest, PrintJustBelowAWholeSecondFarFromTheEpoch) {
  // secs() as a double rounds this up to the next second; the text must not.
  const Time t = Time::epoch() + Seconds(int64_t(4000000000)) - Nanoseconds(1);
  EXPECT_EQ("2096-10-02 07:06:39.999999999+00:00", print(t));
  EXPECT_EQ("Tue, 02 Oct 2096 07:06:39 GMT", stringify(RFC1123(t)));
}

TEST(TimeTest, PrintLeavesTheStreamAsItWas) {
  std::ostringstream out;
  out << Time::epoch() + Nanoseconds(5) << " " << 7;
  EXPECT_EQ("1970-01-01 00:00:00.000000005+00:00 7", out.str());
  // No fill character or width leaked out of the time, and a width applies
  // to the whole text.
  std::ostringstream widths;
  widths << Time::epoch() + Nanoseconds(5);
  widths << std::setw(3) << 7;
  EXPECT_EQ("1970-01-01 00:00:00.000000005+00:00  7", widths.str());
  std::ostringstream wide;
  wide << std::setw(27) << Time::epoch();
  EXPECT_EQ("  1970-01-01 00:00:00+00:00", wide.str());
}

TEST(TimeTest, InContainers) {
  std::map<Time, int> byTime;
  byTime[Time::epoch() + Seconds(2)] = 2;
  byTime[Time::epoch() + Seconds(1)] = 1;
  ASSERT_EQ(2u, byTime.size());
  EXPECT_EQ(1, byTime.begin()->second);
  EXPECT_EQ("[ 1970-01-01 00:00:01+00:00 ]",
            stringify(std::vector<Time>{Time::epoch() + Seconds(1)}));
}

TEST(TimeTest, LibprocessArithmetic) {
  Time t = Time::epoch() + Weeks(1000);
  t -= Weeks(1);
  EXPECT_EQ(Time::epoch() + Weeks(999), t);
  t += Weeks(2);
  EXPECT_EQ(Time::epoch() + Weeks(1001), t);
  EXPECT_EQ(t, Time::epoch() + Weeks(1000) + Weeks(1));
  EXPECT_EQ(t, Time::epoch() + Weeks(1002) - Weeks(1));
  EXPECT_EQ(Weeks(1),
            (Time::epoch() + Weeks(1000)) - (Time::epoch() + Weeks(999)));
}

TEST(TimeTest, SaturatesAtMax) {
  EXPECT_EQ(Time::max(), Time::max() + Seconds(1));
  EXPECT_EQ(Time::max(), Time::max() + Duration::max());
  EXPECT_EQ(Time::max(), Time::epoch() + Duration::max());
  EXPECT_EQ(Time::max(), (Time::epoch() + Weeks(1)) + Duration::max());

  Time t = Time::max();
  t += Nanoseconds(1);
  EXPECT_EQ(Time::max(), t);
  t += Weeks(1000);
  EXPECT_EQ(Time::max(), t);

  // Moving back from the maximum works as usual.
  EXPECT_EQ(Time::max().duration() - Seconds(1),
            (Time::max() - Seconds(1)).duration());
  EXPECT_LT(Time::max() - Seconds(1), Time::max());
}

TEST(TimeTest, DoesNotGoBeforeTheEpoch) {
  EXPECT_EQ(Time::epoch(), Time::epoch() - Seconds(1));
  EXPECT_EQ(Time::epoch(), (Time::epoch() + Seconds(1)) - Seconds(2));
  EXPECT_EQ(Time::epoch(), Time::epoch() + Duration::min());
  EXPECT_EQ(Time::epoch(), Time::max() - Duration::max());
}
