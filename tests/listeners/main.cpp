// A test main as libprocess's tests/main.cpp writes it: the listeners
// appended by hand before RUN_ALL_TESTS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <process/gmock.hpp>
#include <process/gtest.hpp>

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  ::testing::TestEventListeners& listeners =
      ::testing::UnitTest::GetInstance()->listeners();
  listeners.Append(process::ClockTestEventListener::instance());
  listeners.Append(process::FilterTestEventListener::instance());
  return RUN_ALL_TESTS();
}
