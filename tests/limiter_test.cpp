// RateLimiter: permits handed out one per interval, in order. Every test
// pauses the Clock, so a permit is granted only when the test advances it;
// Clock::settle() waits for the limiter to handle what it was sent.
#include <process/limiter.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>

using namespace process;

namespace {

class LimiterTest : public ::testing::Test {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override { Clock::resume(); }
};

}  // namespace

// libprocess's LimiterTest.Acquire.
TEST_F(LimiterTest, Acquire) {
  const int permits = 2;
  const Duration duration = Milliseconds(5);
  RateLimiter limiter(permits, duration);
  const Duration interval = duration / permits;

  Future<Nothing> acquire1 = limiter.acquire();
  Future<Nothing> acquire2 = limiter.acquire();
  Future<Nothing> acquire3 = limiter.acquire();

  AWAIT_READY(acquire1);
  Clock::settle();
  EXPECT_TRUE(acquire2.isPending());
  EXPECT_TRUE(acquire3.isPending());

  Clock::advance(interval);
  AWAIT_READY(acquire2);
  Clock::settle();
  EXPECT_TRUE(acquire3.isPending());

  Clock::advance(interval);
  AWAIT_READY(acquire3);
}

// A permit is not granted a nanosecond before its interval is up.
TEST_F(LimiterTest, WaitsTheWholeInterval) {
  RateLimiter limiter(1, Seconds(1));

  AWAIT_READY(limiter.acquire());
  Future<Nothing> second = limiter.acquire();

  Clock::advance(Seconds(1) - Nanoseconds(1));
  Clock::settle();
  EXPECT_TRUE(second.isPending());

  Clock::advance(Nanoseconds(1));
  AWAIT_READY(second);
}

TEST_F(LimiterTest, PermitsPerSecond) {
  RateLimiter limiter(4.0);  // one every 250ms

  AWAIT_READY(limiter.acquire());
  Future<Nothing> second = limiter.acquire();

  Clock::advance(Milliseconds(249));
  Clock::settle();
  EXPECT_TRUE(second.isPending());

  Clock::advance(Milliseconds(1));
  AWAIT_READY(second);
}

// Waiters are served in the order they asked, one per interval.
TEST_F(LimiterTest, ServesInOrder) {
  RateLimiter limiter(1, Milliseconds(10));

  std::mutex mutex;
  std::vector<int> served;
  std::vector<Future<Nothing>> acquires;
  acquires.reserve(6);
  for (int i = 0; i < 6; ++i) {
    acquires.push_back(limiter.acquire().onReady([&, i] {
      std::lock_guard<std::mutex> lock(mutex);
      served.push_back(i);
    }));
  }

  AWAIT_READY(acquires[0]);
  for (int i = 1; i < 6; ++i) {
    Clock::settle();
    for (int j = i; j < 6; ++j) {
      EXPECT_TRUE(acquires[j].isPending()) << "acquire " << j;
    }
    Clock::advance(Milliseconds(10));
    AWAIT_READY(acquires[i]);
  }

  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ((std::vector<int>{0, 1, 2, 3, 4, 5}), served);
}

// After a quiet spell one permit is immediate; the unused intervals do not
// add up to a burst.
TEST_F(LimiterTest, IdleTimeDoesNotAccumulate) {
  RateLimiter limiter(1, Milliseconds(10));
  AWAIT_READY(limiter.acquire());

  Clock::advance(Seconds(1));

  AWAIT_READY(limiter.acquire());  // without advancing the clock
  Future<Nothing> next = limiter.acquire();
  Clock::settle();
  EXPECT_TRUE(next.isPending());

  Clock::advance(Milliseconds(10));
  AWAIT_READY(next);
}

// libprocess's LimiterTest.DiscardMiddle: 1st, 3rd and 4th are granted
// according to the rate; the discarded 2nd takes no permit.
TEST_F(LimiterTest, DiscardMiddle) {
  const int permits = 2;
  const Duration duration = Milliseconds(5);
  RateLimiter limiter(permits, duration);
  const Duration interval = duration / permits;

  Future<Nothing> acquire1 = limiter.acquire();
  Future<Nothing> acquire2 = limiter.acquire();
  Future<Nothing> acquire3 = limiter.acquire();
  Future<Nothing> acquire4 = limiter.acquire();

  AWAIT_READY(acquire1);

  // The clock moves on at once after the discard, as in libprocess's test:
  // the limiter may come to serve acquire2 before it sees the discard (the
  // acquire calls may still be queued), and must skip it then too.
  acquire2.discard();
  Clock::advance(interval);
  AWAIT_READY(acquire3);
  AWAIT_DISCARDED(acquire2);
  Clock::settle();
  EXPECT_TRUE(acquire4.isPending());

  Clock::advance(interval);
  AWAIT_READY(acquire4);
}

// libprocess's LimiterTest.DiscardLast: the 3rd, asked for after the 2nd was
// discarded, is granted one interval after the 1st.
TEST_F(LimiterTest, DiscardLast) {
  const int permits = 2;
  const Duration duration = Milliseconds(5);
  RateLimiter limiter(permits, duration);
  const Duration interval = duration / permits;

  Future<Nothing> acquire1 = limiter.acquire();
  Future<Nothing> acquire2 = limiter.acquire();

  AWAIT_READY(acquire1);

  acquire2.discard();
  AWAIT_DISCARDED(acquire2);

  Future<Nothing> acquire3 = limiter.acquire();
  Clock::settle();
  EXPECT_TRUE(acquire3.isPending());

  Clock::advance(interval);
  AWAIT_READY(acquire3);

  // And the one after it waits its own interval: the withdrawn request left
  // no extra serving behind.
  Future<Nothing> acquire4 = limiter.acquire();
  Clock::settle();
  EXPECT_TRUE(acquire4.isPending());
  Clock::advance(interval);
  AWAIT_READY(acquire4);
}

// Discarding the waiter at the head of the queue passes its turn on.
TEST_F(LimiterTest, DiscardFirstWaiter) {
  RateLimiter limiter(1, Milliseconds(10));
  AWAIT_READY(limiter.acquire());

  Future<Nothing> first = limiter.acquire();
  Future<Nothing> second = limiter.acquire();
  Clock::settle();

  first.discard();
  AWAIT_DISCARDED(first);
  EXPECT_TRUE(second.isPending());

  Clock::advance(Milliseconds(10));
  AWAIT_READY(second);
}

// Discarding a permit already granted changes nothing.
TEST_F(LimiterTest, DiscardAfterGrantIsIgnored) {
  RateLimiter limiter(1, Milliseconds(10));
  Future<Nothing> granted = limiter.acquire();
  AWAIT_READY(granted);
  granted.discard();
  EXPECT_TRUE(granted.isReady());

  Future<Nothing> next = limiter.acquire();
  Clock::settle();
  EXPECT_TRUE(next.isPending());
  Clock::advance(Milliseconds(10));
  AWAIT_READY(next);
}

// Destroying the limiter discards what still waits, and leaves no timer
// behind.
TEST_F(LimiterTest, DestructionDiscardsPendingAcquires) {
  const size_t timersBefore = Clock::pendingTimers();
  auto limiter = std::make_unique<RateLimiter>(1, Seconds(1));

  Future<Nothing> granted = limiter->acquire();
  Future<Nothing> waiting1 = limiter->acquire();
  Future<Nothing> waiting2 = limiter->acquire();
  AWAIT_READY(granted);
  Clock::settle();
  EXPECT_TRUE(waiting1.isPending());
  EXPECT_TRUE(waiting2.isPending());
  EXPECT_EQ(timersBefore + 1, Clock::pendingTimers());

  limiter.reset();

  AWAIT_DISCARDED(waiting1);
  AWAIT_DISCARDED(waiting2);
  EXPECT_TRUE(granted.isReady());
  EXPECT_EQ(timersBefore, Clock::pendingTimers());

  // Nothing fires later.
  Clock::advance(Seconds(5));
  Clock::settle();
}

// Acquires from many threads: each interval releases exactly one of them.
TEST_F(LimiterTest, ConcurrentAcquires) {
  RateLimiter limiter(1, Milliseconds(1));

  const int threads = 4;
  const int perThread = 5;
  std::mutex mutex;
  std::vector<Future<Nothing>> acquires;
  std::vector<std::thread> askers;
  askers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    askers.emplace_back([&] {
      for (int i = 0; i < perThread; ++i) {
        Future<Nothing> acquire = limiter.acquire();
        std::lock_guard<std::mutex> lock(mutex);
        acquires.push_back(acquire);
      }
    });
  }
  for (std::thread& asker : askers) {
    asker.join();
  }

  auto readyCount = [&] {
    int ready = 0;
    for (const Future<Nothing>& acquire : acquires) {
      ready += acquire.isReady() ? 1 : 0;
    }
    return ready;
  };

  Clock::settle();
  EXPECT_EQ(1, readyCount());
  for (int step = 2; step <= threads * perThread; ++step) {
    Clock::advance(Milliseconds(1));
    Clock::settle();
    EXPECT_EQ(step, readyCount());
  }
}
