// Latch: a one-shot gate that threads await.
#include <thread>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/latch.hpp>

using namespace process;

TEST(LatchTest, TriggerOnlyOnce) {
  Latch latch;
  EXPECT_TRUE(latch.trigger());
  EXPECT_FALSE(latch.trigger());
  EXPECT_TRUE(latch.await());
  EXPECT_TRUE(latch.await(Seconds(0)));
}

TEST(LatchTest, AwaitTimesOutWhenNotTriggered) {
  Latch latch;
  EXPECT_FALSE(latch.await(Milliseconds(1)));
  EXPECT_FALSE(latch.await(Seconds(0)));
}

TEST(LatchTest, AwaitReturnsWhenAnotherThreadTriggers) {
  Latch latch;
  std::thread trigger([&] { EXPECT_TRUE(latch.trigger()); });
  EXPECT_TRUE(latch.await());  // forever, by default
  trigger.join();
  EXPECT_FALSE(latch.trigger());
}

TEST(LatchTest, NegativeDurationWaitsForever) {
  Latch latch;
  std::thread trigger([&] { latch.trigger(); });
  EXPECT_TRUE(latch.await(Seconds(-1)));
  trigger.join();
}

TEST(LatchTest, ManyWaiters) {
  Latch latch;
  std::thread waiters[4];
  for (std::thread& waiter : waiters) {
    waiter = std::thread([&] { EXPECT_TRUE(latch.await(Seconds(30))); });
  }
  latch.trigger();
  for (std::thread& waiter : waiters) {
    waiter.join();
  }
}

TEST(LatchTest, PausedClockDoesNotStopAwait) {
  Clock::pause();
  Latch latch;
  // Measured in real time: returns false after a millisecond although the
  // clock does not move.
  EXPECT_FALSE(latch.await(Milliseconds(1)));
  Clock::resume();
}

TEST(LatchTest, ComparedByIdentity) {
  Latch a;
  Latch b;
  EXPECT_TRUE(a == a);
  EXPECT_FALSE(a == b);
  EXPECT_NE(a < b, b < a);
}
