// Mutex: an asynchronous lock handed to waiters in FIFO order.
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/mutex.hpp>

using namespace process;

TEST(MutexTest, Lock) {
  Mutex mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  mutex.unlock();
  EXPECT_TRUE(mutex.lock().isReady());
}

TEST(MutexTest, Block) {
  Mutex mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  Future<Nothing> locked = mutex.lock();
  EXPECT_TRUE(locked.isPending());
  mutex.unlock();
  EXPECT_TRUE(locked.isReady());
}

TEST(MutexTest, WaitersAreServedInOrder) {
  Mutex mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  std::vector<Future<Nothing>> waiters;
  waiters.reserve(5);
  for (int i = 0; i < 5; ++i) {
    waiters.push_back(mutex.lock());
  }
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      EXPECT_EQ(j < i, waiters[j].isReady()) << "after " << i << " unlocks";
    }
    mutex.unlock();
  }
  EXPECT_TRUE(waiters[4].isReady());
  // The last holder unlocks: the mutex is free again.
  mutex.unlock();
  EXPECT_TRUE(mutex.lock().isReady());
}

TEST(MutexTest, CopiesShareTheLock) {
  Mutex mutex;
  Mutex copy = mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  Future<Nothing> locked = copy.lock();
  EXPECT_TRUE(locked.isPending());
  copy.unlock();
  EXPECT_TRUE(locked.isReady());
}

TEST(MutexTest, DiscardedWaiterIsSkipped) {
  Mutex mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  Future<Nothing> first = mutex.lock();
  Future<Nothing> second = mutex.lock();
  first.discard();
  EXPECT_TRUE(first.isDiscarded());
  mutex.unlock();
  EXPECT_TRUE(second.isReady());
  // `first` never held it: one unlock frees the mutex.
  mutex.unlock();
  EXPECT_TRUE(mutex.lock().isReady());
}

TEST(MutexTest, OnlyDiscardedWaitersLeaveTheMutexFree) {
  Mutex mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  Future<Nothing> waiter = mutex.lock();
  waiter.discard();
  mutex.unlock();
  EXPECT_TRUE(waiter.isDiscarded());
  EXPECT_TRUE(mutex.lock().isReady());
}

TEST(MutexTest, CallbackMayLockAgain) {
  Mutex mutex;
  EXPECT_TRUE(mutex.lock().isReady());
  std::optional<Future<Nothing>> relocked;
  Future<Nothing> waiter = mutex.lock();
  // Runs inside unlock(): it must not deadlock on the mutex's own lock.
  waiter.onReady([&] { relocked = mutex.lock(); });
  mutex.unlock();
  ASSERT_TRUE(relocked.has_value());
  EXPECT_TRUE(relocked->isPending());
  mutex.unlock();
  EXPECT_TRUE(relocked->isReady());
}

TEST(MutexTest, WaitersLeftWhenTheMutexGoesAreDiscarded) {
  Future<Nothing> waiter;
  {
    Mutex mutex;
    EXPECT_TRUE(mutex.lock().isReady());
    waiter = mutex.lock();
  }
  AWAIT_DISCARDED(waiter);
}

TEST(MutexTest, MutualExclusionAcrossThreads) {
  Mutex mutex;
  std::atomic<int> holders{0};
  std::atomic<int> maxHolders{0};
  std::atomic<int> done{0};
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        mutex.lock().onReady([&] {
          int now = ++holders;
          int seen = maxHolders.load();
          while (now > seen && !maxHolders.compare_exchange_weak(seen, now)) {
          }
          --holders;
          ++done;
          mutex.unlock();
        });
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(kThreads * kRounds, done.load());
  EXPECT_EQ(1, maxHolders.load());
  EXPECT_TRUE(mutex.lock().isReady());
}
