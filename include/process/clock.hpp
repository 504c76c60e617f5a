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

class ProcessBase;

class Clock {
 public:
  // The current time: real time shifted by every advance, or the frozen time
  // while paused. Lock-free.
  static Time now();
  // libprocess's per-process form. There is one clock per OS process, so
  // every process sees the same time.
  static Time now(ProcessBase* process);

  static void pause();
  static bool paused();
  static void resume();

  // While paused: moves time forward by `duration` (or to `time`, if later)
  // and runs the timers that became due. Ignored, with a warning, when the
  // clock is not paused.
  static void advance(const Duration& duration);
  static void advance(ProcessBase* process, const Duration& duration);

  // libprocess's names (hence an unscoped enum): SAFE never moves time
  // backwards, FORCE does (timers already run stay run).
  enum Update { SAFE, FORCE };
  static void update(const Time& time, Update update = SAFE);
  static void update(ProcessBase* process, const Time& time,
                     Update update = SAFE);
  // libprocess orders the clocks of two processes; with one clock there is
  // nothing to order.
  static void order(ProcessBase* from, ProcessBase* to);

  // Runs `thunk` once `duration` has passed on this clock. A thunk must be
  // short: it runs on the clock's timer thread (or the thread that advances
  // a paused clock) and delays the timers behind it.
  static Timer timer(const Duration& duration,
                     lambda::CallableOnce<void()> thunk);
  // Ours: runs `thunk` once the clock reaches `deadline`. Unlike
  // timer(deadline - now()), it cannot come late when another thread
  // advances a paused clock between reading now() and asking.
  static Timer timer(const Time& deadline, lambda::CallableOnce<void()> thunk);
  static bool cancel(const Timer& timer);

  // How many timers wait to run.
  static size_t pendingTimers();
  // Whether a timer is due now, or running.
  static bool timerDue();

  // Returns once every process (in every context) is idle and no timer is
  // due: for tests with a paused clock, after advance(). It polls; never use
  // it in production code.
  static void settle();
  // Whether settle() would return at once: every process idle, no timer due.
  static bool settled();
};

}  // namespace process
