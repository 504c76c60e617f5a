// What Procession::gtest adds to a test binary: libprocess's two listeners
// appended to GoogleTest's before main runs, so that a binary linked with
// gtest_main cleans up after each test (the filter of <process/gmock.hpp>
// removed, a paused clock resumed) with no main of its own. Linked whole
// (nothing refers to it). A main that appends them too, as libprocess's
// does, gets each callback twice, which does nothing the second time.
#include <gtest/gtest.h>

#include <process/gmock.hpp>
#include <process/gtest.hpp>

namespace {

[[maybe_unused]] const bool kListenersAppended = [] {
  ::testing::TestEventListeners& listeners =
      ::testing::UnitTest::GetInstance()->listeners();
  listeners.Append(process::ClockTestEventListener::instance());
  listeners.Append(process::FilterTestEventListener::instance());
  return true;
}();

}  // namespace
