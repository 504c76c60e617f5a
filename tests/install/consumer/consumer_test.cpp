#include <process/gtest.hpp>

TEST(Consumer, AwaitReady) {
  process::Promise<int> promise;
  promise.set(1);
  AWAIT_EXPECT_EQ(1, promise.future());
}
