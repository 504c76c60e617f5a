// Timer: a handle to a thunk that the clock runs once its time comes, unless
// it is cancelled first. delay() and Future::after() return or use one.
#pragma once

#include <cstdint>

#include <process/time.hpp>

namespace process {

class Timer {
 public:
  Timer() = default;

  // When the thunk is due, by Clock::now().
  Time timeout() const { return timeout_; }
  uint64_t id() const { return id_; }

  // Cancels the thunk; false if it already ran, was cancelled or never was.
  bool cancel() const;

  friend bool operator==(const Timer& a, const Timer& b) {
    return a.id_ == b.id_;
  }

 private:
  friend class Clock;
  Timer(uint64_t id, Time timeout) : id_(id), timeout_(timeout) {}

  uint64_t id_ = 0;
  Time timeout_;
};

}  // namespace process
