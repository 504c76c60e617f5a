// Queue<T>: get() futures completed by put(), in FIFO order.
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/queue.hpp>

using namespace process;

TEST(QueueTest, Block) {
  Queue<std::string> queue;
  Future<std::string> get = queue.get();
  EXPECT_TRUE(get.isPending());
  queue.put("hello world");
  ASSERT_TRUE(get.isReady());
  EXPECT_EQ("hello world", get.get());
}

TEST(QueueTest, Noblock) {
  Queue<std::string> queue;
  queue.put("world hello");
  EXPECT_EQ(1u, queue.size());
  Future<std::string> get = queue.get();
  ASSERT_TRUE(get.isReady());
  EXPECT_EQ("world hello", get.get());
  EXPECT_EQ(0u, queue.size());
}

TEST(QueueTest, GetsAreServedInOrder) {
  Queue<std::string> queue;
  Future<std::string> get1 = queue.get();
  Future<std::string> get2 = queue.get();
  Future<std::string> get3 = queue.get();
  queue.put("hello");
  EXPECT_TRUE(get1.isReady());
  EXPECT_TRUE(get2.isPending());
  queue.put("pretty");
  EXPECT_TRUE(get2.isReady());
  EXPECT_TRUE(get3.isPending());
  queue.put("world");
  EXPECT_EQ("hello", get1.get());
  EXPECT_EQ("pretty", get2.get());
  EXPECT_EQ("world", get3.get());
  EXPECT_EQ(0u, queue.size());
}

TEST(QueueTest, ElementsComeOutInOrder) {
  Queue<int> queue;
  for (int i = 0; i < 10; ++i) {
    queue.put(i);
  }
  for (int i = 0; i < 10; ++i) {
    Future<int> next = queue.get();
    ASSERT_TRUE(next.isReady());
    EXPECT_EQ(i, next.get());
  }
}

TEST(QueueTest, DiscardedGetIsSkipped) {
  Queue<std::string> queue;
  Future<std::string> get1 = queue.get();
  Future<std::string> get2 = queue.get();
  get1.discard();
  EXPECT_TRUE(get1.isDiscarded());
  queue.put("hello");
  ASSERT_TRUE(get2.isReady());
  EXPECT_EQ("hello", get2.get());
  EXPECT_EQ(0u, queue.size());
}

TEST(QueueTest, CopiesShareTheQueue) {
  Queue<int> producer;
  Queue<int> consumer = producer;
  Future<int> next = consumer.get();
  producer.put(7);
  AWAIT_EXPECT_EQ(7, next);
}

TEST(QueueTest, MoveOnlyElements) {
  Queue<std::unique_ptr<int>> queue;
  queue.put(std::make_unique<int>(3));
  Future<std::unique_ptr<int>> next = queue.get();
  ASSERT_TRUE(next.isReady());
  EXPECT_EQ(3, *next.get());
}

TEST(QueueTest, CallbackMayUseTheQueue) {
  Queue<int> queue;
  Future<int> first = queue.get();
  Future<int> second;
  first.onReady([&](int value) {
    queue.put(value + 1);  // inside put(): must not deadlock
    second = queue.get();
  });
  queue.put(1);
  ASSERT_TRUE(second.isReady());
  EXPECT_EQ(2, second.get());
}

TEST(QueueTest, GetsLeftWhenTheQueueGoesAreDiscarded) {
  Future<int> get;
  {
    Queue<int> queue;
    get = queue.get();
  }
  AWAIT_DISCARDED(get);
}

TEST(QueueTest, ProducersAndConsumersOnThreads) {
  Queue<int> queue;
  constexpr size_t kPerThread = 1000;
  std::vector<Future<int>> gets;
  gets.reserve(2 * kPerThread);
  std::thread consumer([&] {
    for (size_t i = 0; i < 2 * kPerThread; ++i) {
      gets.push_back(queue.get());
    }
  });
  std::thread producer1([&] {
    for (size_t i = 0; i < kPerThread; ++i) {
      queue.put(static_cast<int>(i));
    }
  });
  std::thread producer2([&] {
    for (size_t i = 0; i < kPerThread; ++i) {
      queue.put(static_cast<int>(kPerThread + i));
    }
  });
  consumer.join();
  producer1.join();
  producer2.join();
  std::vector<bool> seen(2 * kPerThread, false);
  for (const Future<int>& get : gets) {
    AWAIT_ASSERT_READY(get);
    ASSERT_FALSE(seen[get.get()]);
    seen[get.get()] = true;
  }
  EXPECT_EQ(0u, queue.size());
}
