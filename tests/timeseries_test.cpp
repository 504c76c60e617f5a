// TimeSeries: values over a time window, thinned past a capacity.
#include <cstddef>
#include <list>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/timeseries.hpp>

using namespace process;

namespace {

std::list<int> toList(const TimeSeries<int>& series) {
  std::list<int> result;
  for (const TimeSeries<int>::Value& value : series.get()) {
    result.push_back(value.data);
  }
  return result;
}

// Most tests move time by hand; the clock is resumed even after a failed
// ASSERT.
class TimeSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override { Clock::resume(); }
};

}  // namespace

TEST_F(TimeSeriesTest, Set) {
  TimeSeries<int> series;
  ASSERT_TRUE(series.empty());
  EXPECT_TRUE(series.latest().isNone());

  series.set(1);
  ASSERT_FALSE(series.empty());
  const Option<TimeSeries<int>::Value> latest = series.latest();
  ASSERT_TRUE(latest.isSome());
  EXPECT_EQ(1, latest->data);
  EXPECT_EQ(Clock::now(), latest->time);  // the default time
}

TEST_F(TimeSeriesTest, SetAtAnExistingTimeReplaces) {
  TimeSeries<int> series;
  const Time now = Clock::now();
  series.set(1, now);
  series.set(2, now);
  EXPECT_EQ(std::list<int>({2}), toList(series));
}

TEST_F(TimeSeriesTest, Defaults) {
  EXPECT_EQ(Weeks(2), TIME_SERIES_WINDOW);
  EXPECT_EQ(1000u, TIME_SERIES_CAPACITY);

  TimeSeries<int> series;
  const Time now = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    series.set(i, now + Seconds(i));
  }
  EXPECT_EQ(1000u, series.get().size());
  series.set(1000, now + Seconds(1000));
  EXPECT_EQ(1000u, series.get().size());
  EXPECT_EQ(0, series.get().front().data);

  // Two weeks and a second later the first value has left the window.
  Clock::advance(Weeks(2) + Seconds(1));
  series.truncate();
  EXPECT_EQ(2, series.get().front().data);  // 1 was thinned out
}

TEST_F(TimeSeriesTest, GetRange) {
  TimeSeries<int> series;
  const Time now = Clock::now();
  for (int i = 0; i < 5; ++i) {
    series.set(i, now + Seconds(i));
  }

  auto data = [](const std::vector<TimeSeries<int>::Value>& values) {
    std::vector<int> result;
    for (const auto& value : values) {
      result.push_back(value.data);
    }
    return result;
  };

  EXPECT_EQ((std::vector<int>{0, 1, 2, 3, 4}), data(series.get()));
  EXPECT_EQ((std::vector<int>{1, 2, 3}),
            data(series.get(now + Seconds(1), now + Seconds(3))));
  EXPECT_EQ((std::vector<int>{2, 3, 4}), data(series.get(now + Seconds(2))));
  EXPECT_EQ((std::vector<int>{0, 1}),
            data(series.get(None(), now + Seconds(1.5))));
  EXPECT_EQ((std::vector<int>{3}),
            data(series.get(now + Seconds(3), now + Seconds(3))));
  EXPECT_TRUE(series.get(now + Seconds(3), now + Seconds(1)).empty());
  EXPECT_TRUE(series.get(now + Seconds(10)).empty());

  const std::vector<TimeSeries<int>::Value> values = series.get();
  EXPECT_EQ(now + Seconds(4), values.back().time);
}

TEST_F(TimeSeriesTest, Sparsify) {
  const Time now = Clock::now();
  TimeSeries<int> series(Duration::max(), 10);
  for (int i = 0; i < 10; ++i) {
    series.set(i, now + Seconds(i));
  }
  ASSERT_EQ(std::list<int>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), toList(series));

  series.set(10, now + Seconds(10));
  ASSERT_EQ(std::list<int>({0, 2, 3, 4, 5, 6, 7, 8, 9, 10}), toList(series));
  series.set(11, now + Seconds(11));
  ASSERT_EQ(std::list<int>({0, 2, 4, 5, 6, 7, 8, 9, 10, 11}), toList(series));
  series.set(12, now + Seconds(12));
  ASSERT_EQ(std::list<int>({0, 2, 4, 6, 7, 8, 9, 10, 11, 12}), toList(series));
  series.set(13, now + Seconds(13));
  ASSERT_EQ(std::list<int>({0, 2, 4, 6, 8, 9, 10, 11, 12, 13}), toList(series));
  series.set(14, now + Seconds(14));
  ASSERT_EQ(std::list<int>({0, 2, 4, 6, 8, 10, 11, 12, 13, 14}),
            toList(series));

  // Past the middle: a new pass starts from the second value.
  series.set(15, now + Seconds(15));
  ASSERT_EQ(std::list<int>({0, 4, 6, 8, 10, 11, 12, 13, 14, 15}),
            toList(series));
  series.set(16, now + Seconds(16));
  ASSERT_EQ(std::list<int>({0, 4, 8, 10, 11, 12, 13, 14, 15, 16}),
            toList(series));
  series.set(17, now + Seconds(17));
  ASSERT_EQ(std::list<int>({0, 4, 8, 11, 12, 13, 14, 15, 16, 17}),
            toList(series));
  series.set(18, now + Seconds(18));
  ASSERT_EQ(std::list<int>({0, 4, 8, 11, 13, 14, 15, 16, 17, 18}),
            toList(series));
  series.set(19, now + Seconds(19));
  ASSERT_EQ(std::list<int>({0, 4, 8, 11, 13, 15, 16, 17, 18, 19}),
            toList(series));
}

TEST_F(TimeSeriesTest, Truncate) {
  Time now = Clock::now();
  TimeSeries<int> series(Seconds(10), 10);
  for (int i = 0; i < 10; ++i) {
    series.set(i, now + Seconds(i));
  }
  ASSERT_EQ(std::list<int>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), toList(series));

  // Values at or before now + 6s leave the window.
  Clock::advance(Seconds(10 + 6));
  series.set(10, now + Seconds(10));
  ASSERT_EQ(std::list<int>({7, 8, 9, 10}), toList(series));

  // Truncation while a thinning pass is under way.
  now = Clock::now();
  series = TimeSeries<int>(Seconds(10), 10);
  for (int i = 0; i < 10; ++i) {
    series.set(i, now + Seconds(i));
  }
  series.set(10, now + Seconds(10));
  series.set(11, now + Seconds(11));
  series.set(12, now + Seconds(12));
  ASSERT_EQ(std::list<int>({0, 2, 4, 6, 7, 8, 9, 10, 11, 12}), toList(series));

  // The next candidate is 7; truncate short of it and the pass goes on.
  Clock::advance(Seconds(10 + 2));
  series.truncate();
  ASSERT_EQ(std::list<int>({4, 6, 7, 8, 9, 10, 11, 12}), toList(series));

  series.set(13, now + Seconds(13));
  series.set(14, now + Seconds(14));
  ASSERT_EQ(std::list<int>({4, 6, 7, 8, 9, 10, 11, 12, 13, 14}),
            toList(series));

  series.set(15, now + Seconds(15));
  ASSERT_EQ(std::list<int>({4, 6, 8, 9, 10, 11, 12, 13, 14, 15}),
            toList(series));

  // Truncate up to the candidate (9): the pass restarts.
  Clock::advance(Seconds(7));
  series.truncate();
  ASSERT_EQ(std::list<int>({10, 11, 12, 13, 14, 15}), toList(series));

  for (int i = 16; i < 20; ++i) {
    series.set(i, now + Seconds(i));
  }
  ASSERT_EQ(std::list<int>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19}),
            toList(series));

  series.set(20, now + Seconds(20));
  ASSERT_EQ(std::list<int>({10, 12, 13, 14, 15, 16, 17, 18, 19, 20}),
            toList(series));
}

// Ours: libprocess keeps every value when all have left the window.
TEST_F(TimeSeriesTest, TruncateKeepsOnlyTheNewestWhenAllExpired) {
  const Time now = Clock::now();
  TimeSeries<int> series(Seconds(10), 10);
  series.set(0, now);
  series.set(1, now + Seconds(1));
  series.set(2, now + Seconds(2));

  Clock::advance(Minutes(1));
  series.truncate();
  EXPECT_EQ(std::list<int>({2}), toList(series));

  series.truncate();  // the last value always stays
  EXPECT_EQ(std::list<int>({2}), toList(series));
}

// Ours: a window reaching back before the epoch expires nothing, not even a
// value at the epoch itself.
TEST_F(TimeSeriesTest, WindowBeyondTheEpochExpiresNothing) {
  TimeSeries<int> series(Duration::max(), 10);
  series.set(0, Time::epoch());
  series.set(1, Time::epoch() + Seconds(1));
  series.truncate();
  EXPECT_EQ(std::list<int>({0, 1}), toList(series));
}

// An insertion before the newest value restarts the thinning pass.
TEST_F(TimeSeriesTest, OutOfOrderInsertionRestartsThinning) {
  const Time now = Clock::now();
  TimeSeries<int> series(Duration::max(), 10);
  for (int i = 0; i < 10; ++i) {
    series.set(i * 10, now + Seconds(i * 10));
  }
  series.set(100, now + Seconds(100));
  series.set(110, now + Seconds(110));
  ASSERT_EQ(std::list<int>({0, 20, 40, 50, 60, 70, 80, 90, 100, 110}),
            toList(series));

  // Without the restart, 50 would go next.
  series.set(55, now + Seconds(55));
  EXPECT_EQ(std::list<int>({0, 40, 50, 55, 60, 70, 80, 90, 100, 110}),
            toList(series));
}

// Ours: a copy thins its own values (libprocess's copy keeps an iterator into
// the original's).
TEST_F(TimeSeriesTest, CopyThinsIndependently) {
  const Time now = Clock::now();
  std::optional<TimeSeries<int>> original(std::in_place, Duration::max(), 10);
  for (int i = 0; i < 11; ++i) {
    original->set(i, now + Seconds(i));
  }
  TimeSeries<int> copy = *original;
  original.reset();

  copy.set(11, now + Seconds(11));
  EXPECT_EQ(std::list<int>({0, 2, 4, 5, 6, 7, 8, 9, 10, 11}), toList(copy));
}

TEST_F(TimeSeriesTest, CapacityIsAtLeastThree) {
  const Time now = Clock::now();
  TimeSeries<int> series(Duration::max(), 0);
  for (int i = 0; i < 100; ++i) {
    series.set(i, now + Seconds(i));
    ASSERT_EQ(std::min(i + 1, 3), static_cast<int>(series.get().size()));
    ASSERT_EQ(0, series.get().front().data);
    ASSERT_EQ(i, series.latest()->data);
  }
}

namespace {

// libprocess's algorithm over a sorted vector, with positions in place of
// iterators: what TimeSeries must do step for step.
class ReferenceSeries {
 public:
  ReferenceSeries(Duration window, size_t capacity)
      : window_(window), capacity_(std::max<size_t>(3, capacity)) {}

  void set(int value, Time time) {
    if (!values_.empty() && time < values_.back().first) {
      index_.reset();
    }
    auto position = std::lower_bound(
        values_.begin(), values_.end(), time,
        [](const auto& entry, Time t) { return entry.first < t; });
    if (position != values_.end() && position->first == time) {
      position->second = value;
    } else {
      values_.insert(position, {time, value});
    }
    truncate();
    while (values_.size() > capacity_) {
      if (!index_ || *index_ > values_.size() / 2) {
        index_ = 1;
      }
      values_.erase(values_.begin() + static_cast<ptrdiff_t>(*index_));
      index_ = *index_ + 1;
      // Past the end (capacity 3), where libprocess's iterator would be
      // end(): restart.
      if (*index_ >= values_.size()) {
        index_.reset();
      }
    }
  }

  void truncate() {
    const Time now = Clock::now();
    if (values_.size() <= 1 || now.duration() < window_) {
      return;
    }
    size_t kept = 0;
    while (kept < values_.size() && values_[kept].first <= now - window_) {
      ++kept;
    }
    kept = std::min(kept, values_.size() - 1);
    if (kept == 0) {
      return;
    }
    if (index_ && kept < *index_) {
      *index_ -= kept;
    } else {
      index_.reset();
    }
    values_.erase(values_.begin(),
                  values_.begin() + static_cast<ptrdiff_t>(kept));
  }

  std::list<int> data() const {
    std::list<int> result;
    for (const auto& entry : values_) {
      result.push_back(entry.second);
    }
    return result;
  }

 private:
  Duration window_;
  size_t capacity_;
  std::vector<std::pair<Time, int>> values_;
  std::optional<size_t> index_;
};

}  // namespace

TEST_F(TimeSeriesTest, MatchesTheReferenceOverLongRuns) {
  std::mt19937 random(20240611);
  for (size_t capacity : {3, 4, 7, 10, 33}) {
    const Time start = Clock::now();
    TimeSeries<int> series(Seconds(50), capacity);
    ReferenceSeries reference(Seconds(50), capacity);
    for (int i = 0; i < 3000; ++i) {
      const int choice = static_cast<int>(random() % 100);
      if (choice < 5) {
        Clock::advance(Seconds(static_cast<int>(random() % 40)));
        series.truncate();
        reference.truncate();
      } else {
        // Mostly at the front of time; sometimes into the past.
        const Duration late = choice < 15
                                  ? Seconds(static_cast<int>(random() % 30))
                                  : Duration::zero();
        const Time time = Clock::now() + Seconds(1) - late;
        series.set(i, time);
        reference.set(i, time);
        Clock::advance(Milliseconds(100));
      }
      ASSERT_EQ(reference.data(), toList(series))
          << "capacity " << capacity << ", step " << i << ", at "
          << (Clock::now() - start);
    }
  }
}
