// Timeout: a deadline, a point in time on the Clock, that can be asked how
// long is left and whether it has passed:
//
// clang-format off
//   Timeout timeout = Timeout::in(Seconds(5));
//   while (!timeout.expired()) {
//     poll(timeout.remaining());  // never negative: Duration::zero() at the end
//   }
// clang-format on
//
// It reads process::Clock::now(), so a paused Clock stops it and
// Clock::advance() moves it. Timeout::in() of a duration too large (or too
// negative) for the clock saturates at Time::max() (or the epoch), as in
// libprocess: Timeout::in(Duration::max()) never expires.
//
// Ours: `timeout = duration` saturates the same way (libprocess's overflows),
// and all six comparisons are defined (libprocess has ==, < and <=).
#pragma once

#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/time.hpp>

namespace process {

class Timeout {
 public:
  // Expires now.
  Timeout() : timeout_(Clock::now()) {}
  explicit Timeout(const Time& time) : timeout_(time) {}

  // The deadline `duration` from now. Time's arithmetic saturates, which is
  // exactly the clamping libprocess does by hand.
  static Timeout in(const Duration& duration) {
    return Timeout(Clock::now() + duration);
  }

  // Restarts the timeout: it now expires `duration` from now.
  Timeout& operator=(const Duration& duration) {
    timeout_ = Clock::now() + duration;
    return *this;
  }

  auto operator<=>(const Timeout&) const = default;

  Time time() const { return timeout_; }

  // What is left before the deadline; zero once it has passed.
  Duration remaining() const {
    const Duration left = timeout_ - Clock::now();
    return left > Duration::zero() ? left : Duration::zero();
  }

  // True from the deadline itself onwards.
  bool expired() const { return timeout_ <= Clock::now(); }

 private:
  Time timeout_;
};

}  // namespace process
