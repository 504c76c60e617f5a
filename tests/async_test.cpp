// async: runs a function on the library's pool of threads for blocking work
// and gives its result as a future.
#include <process/async.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

using namespace process;

namespace {

int add(int a, int b) {
  return a + b;
}

std::string repeat(const std::string& text, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) {
    out += text;
  }
  return out;
}

}  // namespace

TEST(AsyncTest, ReturnsTheValue) {
  Future<int> sum = async(add, 2, 3);
  static_assert(std::is_same_v<decltype(sum), Future<int>>);
  AWAIT_EXPECT_EQ(5, sum);

  // Arguments from namespace std bring std::async in by ADL: qualify.
  AWAIT_EXPECT_EQ(std::string("abab"),
                  process::async(repeat, std::string("ab"), 2u));
  AWAIT_EXPECT_EQ(std::string("xxx"), process::async(&repeat, "x", 3u));
  AWAIT_EXPECT_EQ(42, async([] { return 42; }));
  AWAIT_EXPECT_EQ(std::string("a1b2.5"),
                  async(
                      [](const std::string& a, int b, char c, double d) {
                        return a + std::to_string(b) + c +
                               std::to_string(d).substr(0, 3);
                      },
                      "a", 1, 'b', 2.5));
}

TEST(AsyncTest, ArgumentsAreCopiedAtTheCall) {
  std::string text = "before";
  auto gate = std::make_shared<std::promise<void>>();
  std::shared_future<void> opened = gate->get_future().share();
  Future<std::string> result = process::async(
      [opened](const std::string& s) {
        opened.wait_for(std::chrono::seconds(10));
        return s;
      },
      text);
  text = "after";
  gate->set_value();
  AWAIT_EXPECT_EQ(std::string("before"), result);
}

TEST(AsyncTest, VoidGivesNothing) {
  auto ran = std::make_shared<std::atomic<int>>(0);
  Future<Nothing> done = async([ran](int n) { ran->fetch_add(n); }, 3);
  static_assert(std::is_same_v<decltype(done), Future<Nothing>>);
  AWAIT_READY(done);
  EXPECT_EQ(3, ran->load());
}

TEST(AsyncTest, FutureResultIsUnwrapped) {
  auto promise = std::make_shared<Promise<int>>();
  Future<int> result = async([promise] { return promise->future(); });
  static_assert(std::is_same_v<decltype(result), Future<int>>);
  EXPECT_FALSE(result.await(Milliseconds(10)));
  promise->set(9);
  AWAIT_EXPECT_EQ(9, result);
}

TEST(AsyncTest, RunsOffTheCallersThread) {
  const std::thread::id caller = std::this_thread::get_id();
  Future<std::thread::id> ran =
      async([] { return std::this_thread::get_id(); });
  AWAIT_READY(ran);
  EXPECT_NE(caller, ran.get());

  // Not on a process either, also when called from one.
  ProcessBase process;
  spawn(process);
  Future<ProcessBase*> where =
      dispatch(process, [] { return async([] { return currentProcess(); }); });
  AWAIT_EXPECT_EQ(static_cast<ProcessBase*>(nullptr), where);
  terminate(process);
  wait(process);
}

TEST(AsyncTest, ExceptionFailsTheFuture) {
  AWAIT_EXPECT_FAILURE_EQ(
      "bad", async([]() -> int { throw std::runtime_error("bad"); }));
  AWAIT_EXPECT_FAILURE_EQ(
      "void bad", async([] { throw std::invalid_argument("void bad"); }));
  AWAIT_EXPECT_FAILED(async([]() -> int { throw 1; }));
  AWAIT_EXPECT_FAILURE_EQ(
      "failure", async([] { return Future<int>(Failure("failure")); }));
  // The pool survives.
  AWAIT_EXPECT_EQ(1, async([] { return 1; }));
}

TEST(AsyncTest, ManyConcurrentCallsComplete) {
  constexpr int kCalls = 500;
  std::vector<Future<int>> futures;
  futures.reserve(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    futures.push_back(async([](int x) { return x * x; }, i));
  }
  for (int i = 0; i < kCalls; ++i) {
    AWAIT_EXPECT_EQ(i * i, futures[i]);
  }
}

TEST(AsyncTest, ManyCallersAtOnce) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::vector<Future<int>>> futures(kThreads);
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&futures, t] {
      for (int i = 0; i < kPerThread; ++i) {
        futures[t].push_back(async(add, t, i));
      }
    });
  }
  for (std::thread& caller : callers) {
    caller.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      AWAIT_EXPECT_EQ(t + i, futures[t][i]);
    }
  }
}

// Work that blocks does not hold up other work: a few calls that wait for
// each other all run at once, the pool growing for them. Bursts of growing
// size, so that the pool meets a burst larger than its idle threads.
TEST(AsyncTest, BlockingCallsRunConcurrently) {
  struct Meeting {
    std::mutex mutex;
    std::condition_variable arrived;
    int count = 0;
  };
  for (int calls = 2; calls <= 8; ++calls) {
    auto meeting = std::make_shared<Meeting>();
    std::vector<Future<bool>> futures;
    for (int i = 0; i < calls; ++i) {
      futures.push_back(async([meeting, calls] {
        std::unique_lock<std::mutex> lock(meeting->mutex);
        ++meeting->count;
        meeting->arrived.notify_all();
        // Bounded, so that a failure cannot hang the test.
        return meeting->arrived.wait_for(lock, std::chrono::seconds(2), [&] {
          return meeting->count == calls;
        });
      }));
    }
    for (int i = 0; i < calls; ++i) {
      AWAIT_ASSERT_EQ(true, futures[i]) << "call " << i << " of a burst of "
                                        << calls << " did not meet the others";
    }
  }
}
