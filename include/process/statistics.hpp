// Statistics<T>: the count, extremes and percentiles of a TimeSeries<T> or
// of any range of T (libprocess's). None for fewer than two values.
//
// clang-format off
//   TimeSeries<double> series;
//   for (int i = 0; i <= 100; ++i) series.set(i, Clock::now() + Seconds(i));
//   Option<Statistics<double>> statistics = Statistics<double>::from(series);
//   statistics->count;  // 101
//   statistics->p90;    // 90.0
//
//   std::list<Duration> latencies = {Seconds(1), Seconds(3)};
//   Statistics<Duration>::from(latencies.cbegin(), latencies.cend())->p50;  // 2secs
// clang-format on
//
// Percentiles interpolate linearly between the two closest ranks, exactly as
// libprocess: for p over n sorted values, position = p * (n - 1) and the
// result is values[floor(position)] moved towards the next value by the
// fraction of position. T needs <, - and * by a double (numbers, Duration).
//
// Ours (beyond libprocess): integral values are interpolated in double, so
// values far apart (INT_MIN and INT_MAX) do not overflow.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

#include <process/option.hpp>
#include <process/timeseries.hpp>

namespace process {

template <typename T>
struct Statistics {
  static Option<Statistics<T>> from(const TimeSeries<T>& timeseries) {
    std::vector<typename TimeSeries<T>::Value> points = timeseries.get();
    std::vector<T> values;
    values.reserve(points.size());
    for (auto& point : points) {
      values.push_back(std::move(point.data));
    }
    return from(std::move(values));
  }

  // From the values in [first, last).
  template <std::forward_iterator It>
  requires std::same_as<std::iter_value_t<It>, T>
  static Option<Statistics<T>> from(It first, It last) {
    return from(std::vector<T>(first, last));
  }

  size_t count;

  T min;
  T max;

  T p25;
  T p50;
  T p75;
  T p90;
  T p95;
  T p99;
  T p999;
  T p9999;

 private:
  static Option<Statistics<T>> from(std::vector<T>&& values) {
    if (values.size() < 2) {
      return None();
    }
    std::sort(values.begin(), values.end());

    Statistics statistics;
    statistics.count = values.size();
    statistics.min = values.front();
    statistics.max = values.back();
    statistics.p25 = percentile(values, 0.25);
    statistics.p50 = percentile(values, 0.5);
    statistics.p75 = percentile(values, 0.75);
    statistics.p90 = percentile(values, 0.90);
    statistics.p95 = percentile(values, 0.95);
    statistics.p99 = percentile(values, 0.99);
    statistics.p999 = percentile(values, 0.999);
    statistics.p9999 = percentile(values, 0.9999);
    return statistics;
  }

  // `sorted` holds at least two values; 0 < fraction < 1.
  static T percentile(const std::vector<T>& sorted, double fraction) {
    const double position = fraction * static_cast<double>(sorted.size() - 1);
    const auto index = static_cast<size_t>(std::floor(position));
    const double delta = position - static_cast<double>(index);
    const T& below = sorted[index];
    const T& above = sorted[index + 1];
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(
          static_cast<double>(below) +
          (static_cast<double>(above) - static_cast<double>(below)) * delta);
    } else {
      return static_cast<T>(below + (above - below) * delta);
    }
  }
};

}  // namespace process
