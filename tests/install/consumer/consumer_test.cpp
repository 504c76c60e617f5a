#include <process/gmock.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>

TEST(Consumer, AwaitReady) {
  process::Promise<int> promise;
  promise.set(1);
  AWAIT_EXPECT_EQ(1, promise.future());
}

// The installed Procession::gtest appends the test listeners itself: without
// them FUTURE_MESSAGE ends the program.
TEST(Consumer, FutureMessageWithGTestMain) {
  process::Future<process::Message> ping =
      FUTURE_MESSAGE(::testing::Eq("ping"), ::testing::_, ::testing::_);
  process::ProcessBase target("consumer-target");
  process::spawn(target);
  process::post(target.self(), "ping");
  AWAIT_READY(ping);
  EXPECT_EQ(target.self(), ping->to);
  process::terminate(target);
  process::wait(target);
}
