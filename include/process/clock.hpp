// Clock: the time every timer and timeout in Procession is measured by. Tests
// pause it and move it by hand, so timeout logic runs without waiting:
//
//   Clock::pause();
//   Future<Nothing> f = after(Seconds(30));
//   Clock::advance(Seconds(30));  // f is ready when this returns
//   Clock::resume();
//
// While paused, time moves only by advance() and update(); timers due at or
// before the new time run in time order, on the thread that moved the clock,
// before it returns. Nothing becomes due by itself. resume() keeps every
// advance: time stays shifted forward by what was added.
#pragma once

#include <process/duration.hpp>
#include <process/lambda.hpp>
#include <process/time.hpp>
#include <process/timer.hpp>

namespace process {

class Clock {
 public:
  // The current time: real time shifted by every advance, or the frozen time
  // while paused. Lock-free.
  static Time now();

  static void pause();
  static bool paused();
  static void resume();

  // While paused: moves time forward by `duration` (or to `time`, if later)
  // and runs the timers that became due. Ignored, with a warning, when the
  // clock is not paused.
  static void advance(const Duration& duration);
  static void update(const Time& time);

  // Runs `thunk` once `duration` has passed on this clock. A thunk must be
  // short: it runs on the clock's timer thread (or the thread that advances
  // a paused clock) and delays the timers behind it.
  static Timer timer(const Duration& duration,
                     lambda::CallableOnce<void()> thunk);
  static bool cancel(const Timer& timer);

  // How many timers wait to run.
  static size_t pendingTimers();
  // Whether a timer is due now, or running.
  static bool timerDue();

  // Returns once every process (in every context) is idle and no timer is
  // due: for tests with a paused clock, after advance(). It polls; never use
  // it in production code.
  static void settle();
};

}  // namespace process
