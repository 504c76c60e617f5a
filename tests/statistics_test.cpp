// Statistics: count, extremes and interpolated percentiles of a series.
#include <climits>
#include <cstdint>
#include <list>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/statistics.hpp>

using namespace process;

TEST(StatisticsTest, Empty) {
  TimeSeries<double> timeseries;
  EXPECT_TRUE(Statistics<double>::from(timeseries).isNone());

  std::vector<double> none;
  EXPECT_TRUE(Statistics<double>::from(none.begin(), none.end()).isNone());
}

TEST(StatisticsTest, Single) {
  TimeSeries<double> timeseries;
  timeseries.set(0);
  EXPECT_TRUE(Statistics<double>::from(timeseries).isNone());
}

TEST(StatisticsTest, StatisticsFromTimeSeries) {
  // Eleven values, -5 to 5.
  TimeSeries<double> timeseries;
  Time now = Clock::now();
  for (int i = -5; i <= 5; ++i) {
    now += Seconds(1);
    timeseries.set(i, now);
  }

  Option<Statistics<double>> statistics = Statistics<double>::from(timeseries);
  ASSERT_TRUE(statistics.isSome());

  EXPECT_EQ(11u, statistics->count);
  EXPECT_DOUBLE_EQ(-5.0, statistics->min);
  EXPECT_DOUBLE_EQ(5.0, statistics->max);
  EXPECT_DOUBLE_EQ(-2.5, statistics->p25);
  EXPECT_DOUBLE_EQ(0.0, statistics->p50);
  EXPECT_DOUBLE_EQ(2.5, statistics->p75);
  EXPECT_DOUBLE_EQ(4.0, statistics->p90);
  EXPECT_DOUBLE_EQ(4.5, statistics->p95);
  EXPECT_DOUBLE_EQ(4.9, statistics->p99);
  EXPECT_DOUBLE_EQ(4.99, statistics->p999);
  EXPECT_DOUBLE_EQ(4.999, statistics->p9999);
}

TEST(StatisticsTest, StatisticsFromDurationList) {
  std::list<Duration> values{Seconds(0),  Seconds(10), Seconds(20), Seconds(30),
                             Seconds(40), Seconds(50), Seconds(60), Seconds(70),
                             Seconds(80), Seconds(90), Seconds(100)};

  Option<Statistics<Duration>> statistics =
      Statistics<Duration>::from(values.cbegin(), values.cend());
  ASSERT_TRUE(statistics.isSome());

  EXPECT_EQ(11u, statistics->count);
  EXPECT_EQ(Seconds(0), statistics->min);
  EXPECT_EQ(Seconds(100), statistics->max);
  EXPECT_EQ(Seconds(25), statistics->p25);
  EXPECT_EQ(Seconds(50), statistics->p50);
  EXPECT_EQ(Seconds(75), statistics->p75);
  EXPECT_EQ(Seconds(90), statistics->p90);
  EXPECT_EQ(Seconds(95), statistics->p95);
  EXPECT_EQ(Seconds(99), statistics->p99);
}

// The series is ordered by time; the percentiles by value.
TEST(StatisticsTest, ValuesAreSortedFirst) {
  TimeSeries<double> timeseries;
  const Time now = Clock::now();
  const std::vector<double> values = {7, -1, 3, 10, 0};
  for (size_t i = 0; i < values.size(); ++i) {
    timeseries.set(values[i], now + Seconds(static_cast<double>(i)));
  }

  Option<Statistics<double>> statistics = Statistics<double>::from(timeseries);
  ASSERT_TRUE(statistics.isSome());
  EXPECT_EQ(5u, statistics->count);
  EXPECT_DOUBLE_EQ(-1.0, statistics->min);
  EXPECT_DOUBLE_EQ(10.0, statistics->max);
  // Sorted: -1 0 3 7 10; position 0.25 * 4 = 1, 0.9 * 4 = 3.6.
  EXPECT_DOUBLE_EQ(0.0, statistics->p25);
  EXPECT_DOUBLE_EQ(3.0, statistics->p50);
  EXPECT_DOUBLE_EQ(7.0, statistics->p75);
  EXPECT_DOUBLE_EQ(7.0 + 3.0 * 0.6, statistics->p90);
  EXPECT_DOUBLE_EQ(7.0 + 3.0 * 0.9996, statistics->p9999);
}

TEST(StatisticsTest, TwoValuesInterpolate) {
  const std::vector<double> values = {1.0, 3.0};
  Option<Statistics<double>> statistics =
      Statistics<double>::from(values.begin(), values.end());
  ASSERT_TRUE(statistics.isSome());
  EXPECT_EQ(2u, statistics->count);
  EXPECT_DOUBLE_EQ(2.0, statistics->p50);
  EXPECT_DOUBLE_EQ(2.8, statistics->p90);
  EXPECT_DOUBLE_EQ(1.0 + 2.0 * 0.9999, statistics->p9999);
}

// As libprocess: an integral result is the interpolation truncated.
TEST(StatisticsTest, IntegralValuesTruncate) {
  const std::vector<int> values = {0, 10};
  Option<Statistics<int>> statistics =
      Statistics<int>::from(values.begin(), values.end());
  ASSERT_TRUE(statistics.isSome());
  EXPECT_EQ(2, statistics->p25);  // 2.5
  EXPECT_EQ(5, statistics->p50);
  EXPECT_EQ(7, statistics->p75);   // 7.5
  EXPECT_EQ(9, statistics->p999);  // 9.99
}

// Ours: the distance between integral values is taken in double, so it
// cannot overflow.
TEST(StatisticsTest, IntegralExtremesDoNotOverflow) {
  const std::vector<int32_t> values = {INT32_MIN, INT32_MAX};
  Option<Statistics<int32_t>> statistics =
      Statistics<int32_t>::from(values.begin(), values.end());
  ASSERT_TRUE(statistics.isSome());
  EXPECT_EQ(INT32_MIN, statistics->min);
  EXPECT_EQ(INT32_MAX, statistics->max);
  EXPECT_EQ(0, statistics->p50);  // -0.5, truncated
  EXPECT_GT(statistics->p9999, INT32_MAX - 500000);
}

// The example in the header.
TEST(StatisticsTest, HeaderExample) {
  TimeSeries<double> series;
  for (int i = 0; i <= 100; ++i) {
    series.set(i, Clock::now() + Seconds(i));
  }
  Option<Statistics<double>> statistics = Statistics<double>::from(series);
  ASSERT_TRUE(statistics.isSome());
  EXPECT_EQ(101u, statistics->count);
  EXPECT_DOUBLE_EQ(90.0, statistics->p90);

  std::list<Duration> latencies = {Seconds(1), Seconds(3)};
  EXPECT_EQ(
      Seconds(2),
      Statistics<Duration>::from(latencies.cbegin(), latencies.cend())->p50);
}

// A TimeSeries past its capacity still gives statistics of what it kept.
TEST(StatisticsTest, FromAThinnedSeries) {
  TimeSeries<int> series(Duration::max(), 10);
  const Time now = Clock::now();
  for (int i = 0; i < 20; ++i) {
    series.set(i, now + Seconds(i));
  }
  Option<Statistics<int>> statistics = Statistics<int>::from(series);
  ASSERT_TRUE(statistics.isSome());
  EXPECT_EQ(10u, statistics->count);
  EXPECT_EQ(0, statistics->min);
  EXPECT_EQ(19, statistics->max);
}
