// What the test listeners clean up between tests (FilterTestEventListener,
// ClockTestEventListener): the first test leaves a paused clock and the
// filter of <process/gmock.hpp> with expectations behind; the second, run
// after it in the same process, must find neither. Built twice (see
// CMakeLists.txt): with a libprocess-style main, and with gtest_main and
// Procession::gtest alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/dispatch.hpp>
#include <process/gmock.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>

#include "doubles.hpp"
#include "reaper.hpp"

using namespace process;
using doubles::Target;
using ::testing::_;
using ::testing::Eq;

namespace {
bool firstRan = false;
}  // namespace

TEST(Listeners, FirstLeavesAPausedClockAndAFilter) {
  Clock::pause();
  DROP_MESSAGES(Eq("ping"), _, _);
  EXPECT_NO_FUTURE_DISPATCHES(_, &Target::touch);
  firstRan = true;
}

TEST(Listeners, SecondFindsThemGone) {
  ASSERT_TRUE(firstRan) << "run the whole binary: this test checks what the "
                           "one before it left behind";
  EXPECT_FALSE(Clock::paused());

  Target target;
  spawn(target);
  Reaper reaper(target);
  post(target.self(), "ping");
  dispatch(target, &Target::touch);
  AWAIT_READY(dispatch(target, [] { return Nothing(); }));
  EXPECT_EQ(1, target.pings.load());
  EXPECT_EQ(1, target.touches.load());
}
