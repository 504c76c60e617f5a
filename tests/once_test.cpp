// Once: the first caller acts, the others wait until it is done.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/once.hpp>

#include "gate.hpp"

using namespace process;

TEST(OnceTest, FirstCallerActs) {
  Once once;
  EXPECT_FALSE(once.once());
  once.done();
  EXPECT_TRUE(once.once());
  EXPECT_TRUE(once.once());
}

TEST(OnceTest, DoneBeforeOnceDoesNothing) {
  Once once;
  once.done();
  EXPECT_FALSE(once.once());  // still the first caller
  once.done();
  once.done();  // a second done is harmless
  EXPECT_TRUE(once.once());
}

TEST(OnceTest, OthersWaitUntilDone) {
  Once once;
  ASSERT_FALSE(once.once());
  std::atomic<int> released{0};
  Gate started;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      started.open();
      EXPECT_TRUE(once.once());
      ++released;
    });
  }
  ASSERT_TRUE(started.wait());
  // Nobody gets past once() before done(), however long we let them try.
  EXPECT_EQ(0, released.load());
  once.done();
  for (std::thread& waiter : waiters) {
    waiter.join();
  }
  EXPECT_EQ(4, released.load());
}

TEST(OnceTest, ExactlyOneOfManyRacersActs) {
  Once once;
  std::atomic<int> actors{0};
  std::atomic<int> actions{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (!once.once()) {
        ++actors;
        ++actions;
        once.done();
      } else {
        // The action is complete by the time once() lets us through.
        EXPECT_EQ(1, actions.load());
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(1, actors.load());
}
