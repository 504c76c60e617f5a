// TimeSeries<T>: an in-memory, time-ordered series of values over a window
// (libprocess's). Values older than `window` are dropped as new ones arrive;
// past `capacity` values the older half is thinned, so a busy series keeps
// fine-grained recent data and coarse-grained old data, still covering the
// whole window.
//
// clang-format off
//   TimeSeries<double> latencies(Minutes(10), 100);  // window, capacity
//   latencies.set(0.25);                              // at Clock::now()
//   latencies.set(0.5, Clock::now() + Seconds(1));
//   Option<TimeSeries<double>::Value> last = latencies.latest();  // 0.5
//   for (const auto& value : latencies.get()) use(value.time, value.data);
// clang-format on
//
// Thinning ("sparsification", exactly libprocess's): while over capacity,
// every other value of the older half is erased, one per insertion, walking
// from the second value towards the middle; on reaching the middle the walk
// starts again from the second value. Each pass halves the granularity of
// what it walks over:
//   | ------------------------ A -------------------- |
//   | ------- 1/2 A ---------- | -------- B --------- |
//   | -- 1/4A --- | -- 1/2B -- | -------- C --------- |
//
// Not thread-safe: guard it, or keep it inside one process.
//
// Ours (beyond libprocess): copies are safe (libprocess's copy keeps an
// iterator into the original's values); when every value has left the window
// truncate() keeps only the newest (libprocess then keeps them all); a window
// longer than the time since the epoch expires nothing; capacity 3 is safe
// (libprocess can step past the end).
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <vector>

#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/option.hpp>
#include <process/time.hpp>

namespace process {

// NOLINTBEGIN(readability-identifier-naming): libprocess's names.
constexpr Duration TIME_SERIES_WINDOW = Weeks(2);
constexpr size_t TIME_SERIES_CAPACITY = 1000;
// NOLINTEND(readability-identifier-naming)

template <typename T>
struct TimeSeries {
  // Thinning needs a first value to keep, one to erase and one after it.
  TimeSeries(const Duration& window = TIME_SERIES_WINDOW,
             size_t capacity = TIME_SERIES_CAPACITY)
      : window_(window), capacity_(std::max<size_t>(3, capacity)) {}

  struct Value {
    Value(const Time& time, const T& data) : time(time), data(data) {}

    // Not const, so a Value (and a vector of them) is assignable.
    Time time;
    T data;
  };

  // Adds (or replaces) the value at `time`, then truncates and thins.
  void set(const T& value, const Time& time = Clock::now()) {
    // The thinning position counts values from the front; an insertion
    // before the newest value would shift it, and out-of-order insertion is
    // rare enough to simply restart the walk.
    if (!values_.empty() && time < values_.rbegin()->first) {
      next_ = None();
    }
    values_.insert_or_assign(time, value);
    truncate();
    sparsify();
  }

  // The values with start <= time <= stop, oldest first; none if
  // start > stop.
  std::vector<Value> get(const Option<Time>& start = None(),
                         const Option<Time>& stop = None()) const {
    std::vector<Value> result;
    if (start.isSome() && stop.isSome() && *start > *stop) {
      return result;
    }
    auto first = start.isSome() ? values_.lower_bound(*start) : values_.begin();
    auto last = stop.isSome() ? values_.upper_bound(*stop) : values_.end();
    result.reserve(static_cast<size_t>(std::distance(first, last)));
    for (; first != last; ++first) {
      result.emplace_back(first->first, first->second);
    }
    return result;
  }

  Option<Value> latest() const {
    if (values_.empty()) {
      return None();
    }
    return Value(values_.rbegin()->first, values_.rbegin()->second);
  }

  bool empty() const { return values_.empty(); }

  // Drops the values at or before Clock::now() - window, keeping at least
  // the newest. set() calls it; call it to expire values without adding one.
  void truncate() {
    const Time now = Clock::now();
    if (values_.size() <= 1 || now.duration() < window_) {
      return;
    }
    auto firstKept = values_.upper_bound(now - window_);
    if (firstKept == values_.end()) {
      firstKept = std::prev(values_.end());
    }
    const auto erased =
        static_cast<size_t>(std::distance(values_.begin(), firstKept));
    if (erased == 0) {
      return;
    }
    // The walk survives if its candidate is still there and not the new
    // front (the front is never erased); else it restarts.
    if (next_.isSome() && firstKept->first < next_->time) {
      next_->index -= erased;
    } else {
      next_ = None();
    }
    values_.erase(values_.begin(), firstKept);
  }

 private:
  // The next value the thinning walk erases: its key (not an iterator, so
  // copies stay valid) and its position from the front.
  struct Candidate {
    Time time;
    size_t index;
  };

  void sparsify() {
    while (values_.size() > capacity_) {
      if (next_.isNone() || next_->index > values_.size() / 2) {
        next_ = Candidate{std::next(values_.begin())->first, 1};
      }
      auto after = values_.erase(values_.find(next_->time));
      // Skip one value: the walk erases every other one.
      if (after == values_.end() || ++after == values_.end()) {
        next_ = None();
      } else {
        next_ = Candidate{after->first, next_->index + 1};
      }
    }
  }

  // Not const, so a TimeSeries is assignable.
  Duration window_;
  size_t capacity_;
  // Ordered by time, so a range comes out sorted and truncation is a prefix.
  std::map<Time, T> values_;
  Option<Candidate> next_;
};

}  // namespace process
