// The event loop as the scheduler's workers use it (detail::Poller): one
// thread at a time waits in it, and interrupt() ends a wait. An interrupt
// is meant for one worker but wakes whichever thread is blocked in the
// loop, so a wait is given the count of interruptions its caller saw, and
// returns at once if there have been more.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "net/event_loop.hpp"

namespace process::net {
namespace {

using std::chrono::microseconds;
using WaitResult = detail::Poller::WaitResult;

constexpr std::chrono::seconds kLimit{15};

// Waits (bounded) until a thread is blocked in the loop.
bool awaitWatched(const EventLoop& loop) {
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (!loop.watched()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

std::future<WaitResult> waitOnAThread(EventLoop& loop, uint64_t seen) {
  return std::async(std::launch::async,
                    [&loop, seen] { return loop.wait(microseconds(0), seen); });
}

// Worker A is blocked in the loop; worker B has decided to wait (it read
// the count) but not yet entered it. The interrupt meant for B wakes A.
// B's wait must not then block: the wake-up it was sent is spent.
TEST(EventLoop, AnInterruptSpentOnAnotherThreadStillEndsTheNextWait) {
  EventLoop loop(Context::Limits{});
  std::future<WaitResult> first = waitOnAThread(loop, loop.interruptions());
  ASSERT_TRUE(awaitWatched(loop));
  const uint64_t seenBySecond = loop.interruptions();
  loop.interrupt();
  ASSERT_EQ(std::future_status::ready, first.wait_for(kLimit));
  EXPECT_EQ(WaitResult::kWaited, first.get());

  std::future<WaitResult> second = waitOnAThread(loop, seenBySecond);
  const bool ended = second.wait_for(kLimit) == std::future_status::ready;
  if (!ended) {
    loop.interrupt();  // let the thread go, so the test can end
  }
  EXPECT_TRUE(ended) << "the second wait blocked: the interrupt was lost";
  EXPECT_EQ(WaitResult::kWaited, second.get());
}

// An interrupt whose wake-up another thread's poll() ran is seen too.
TEST(EventLoop, AnInterruptRunByAPollStillEndsTheNextWait) {
  EventLoop loop(Context::Limits{});
  const uint64_t seen = loop.interruptions();
  loop.interrupt();
  loop.poll();
  std::future<WaitResult> wait = waitOnAThread(loop, seen);
  const bool ended = wait.wait_for(kLimit) == std::future_status::ready;
  if (!ended) {
    loop.interrupt();
  }
  EXPECT_TRUE(ended);
}

// A caller that saw every interruption waits until the next one.
TEST(EventLoop, AWaitThatSawEveryInterruptionBlocksUntilTheNext) {
  EventLoop loop(Context::Limits{});
  loop.interrupt();
  loop.poll();
  std::future<WaitResult> wait = waitOnAThread(loop, loop.interruptions());
  ASSERT_TRUE(awaitWatched(loop));
  EXPECT_EQ(std::future_status::timeout, wait.wait_for(kLimit * 0));
  loop.interrupt();
  ASSERT_EQ(std::future_status::ready, wait.wait_for(kLimit));
  EXPECT_EQ(WaitResult::kWaited, wait.get());
}

// While one thread waits, another's wait returns at once, saying so.
TEST(EventLoop, ASecondWaitSeesTheLoopWatched) {
  EventLoop loop(Context::Limits{});
  std::future<WaitResult> first = waitOnAThread(loop, loop.interruptions());
  ASSERT_TRUE(awaitWatched(loop));
  EXPECT_EQ(WaitResult::kWatched, loop.wait(microseconds(0), 0));
  loop.interrupt();
  ASSERT_EQ(std::future_status::ready, first.wait_for(kLimit));
}

}  // namespace
}  // namespace process::net
