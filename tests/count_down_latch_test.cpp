// CountDownLatch: a future triggered after N decrements.
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/count_down_latch.hpp>
#include <process/gtest.hpp>

using namespace process;

TEST(CountDownLatchTest, Triggered) {
  CountDownLatch latch(5);
  Future<Nothing> triggered = latch.triggered();
  for (int i = 0; i < 4; ++i) {
    latch.decrement();
    EXPECT_TRUE(triggered.isPending()) << "after " << i + 1;
  }
  latch.decrement();
  AWAIT_READY(triggered);
}

TEST(CountDownLatchTest, DefaultCountIsOne) {
  CountDownLatch latch;
  EXPECT_TRUE(latch.triggered().isPending());
  latch.decrement();
  EXPECT_TRUE(latch.triggered().isReady());
}

TEST(CountDownLatchTest, ExtraDecrementsDoNothing) {
  CountDownLatch latch(1);
  latch.decrement();
  latch.decrement();
  latch.decrement();
  EXPECT_TRUE(latch.triggered().isReady());
}

TEST(CountDownLatchTest, ZeroIsTriggeredAtOnce) {
  CountDownLatch latch(0);
  EXPECT_TRUE(latch.triggered().isReady());
}

TEST(CountDownLatchTest, Threads) {
  CountDownLatch latch(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        latch.decrement();
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  AWAIT_READY(latch.triggered());
}

TEST(CountDownLatchTest, CallbackRunsOnce) {
  CountDownLatch latch(3);
  int calls = 0;
  latch.triggered().onReady([&] { ++calls; });
  for (int i = 0; i < 5; ++i) {
    latch.decrement();
  }
  EXPECT_EQ(1, calls);
}
