// select(std::set<Future<T>>): the first input to complete, in any state.
#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/select.hpp>

using namespace process;

TEST(SelectTest, EmptySetFails) {
  Future<Future<int>> result = select(std::set<Future<int>>());
  AWAIT_EXPECT_FAILED(result);
}

TEST(SelectTest, AlreadyReadyInput) {
  Promise<int> pending;
  Future<int> ready(42);
  Future<Future<int>> result =
      select(std::set<Future<int>>{pending.future(), ready});
  AWAIT_READY(result);
  EXPECT_EQ(ready, result.get());
  EXPECT_EQ(42, result->get());
}

TEST(SelectTest, FirstToBecomeReadyWins) {
  Promise<int> p0;
  Promise<int> p1;
  Promise<int> p2;
  Future<Future<int>> result =
      select(std::set<Future<int>>{p0.future(), p1.future(), p2.future()});
  EXPECT_TRUE(result.isPending());
  EXPECT_FALSE(result.await(Milliseconds(20)));

  p1.set(1);
  AWAIT_READY(result);
  EXPECT_EQ(p1.future(), result.get());
  EXPECT_EQ(1, result->get());

  // Later completions are ignored.
  p0.set(0);
  p2.fail("late");
  EXPECT_TRUE(result.isReady());
  EXPECT_EQ(p1.future(), result.get());
}

TEST(SelectTest, FirstToFailWinsAndResultIsReady) {
  Promise<std::string> p0;
  Promise<std::string> p1;
  Future<Future<std::string>> result =
      select(std::set<Future<std::string>>{p0.future(), p1.future()});

  p0.fail("broken");
  AWAIT_READY(result);  // The result itself does not fail.
  EXPECT_EQ(p0.future(), result.get());
  ASSERT_TRUE(result->isFailed());
  EXPECT_EQ("broken", result->failure());

  p1.set("too late");
  EXPECT_EQ(p0.future(), result.get());
}

TEST(SelectTest, FirstToBeDiscardedWinsAndResultIsReady) {
  Promise<int> p0;
  Promise<int> p1;
  Future<Future<int>> result =
      select(std::set<Future<int>>{p0.future(), p1.future()});

  p1.discard();
  AWAIT_READY(result);
  EXPECT_EQ(p1.future(), result.get());
  EXPECT_TRUE(result->isDiscarded());

  p0.set(0);
  EXPECT_EQ(p1.future(), result.get());
}

TEST(SelectTest, AlreadyFailedInput) {
  Promise<int> pending;
  Future<int> failed(Failure("was failed"));
  Future<Future<int>> result =
      select(std::set<Future<int>>{pending.future(), failed});
  AWAIT_READY(result);
  EXPECT_EQ(failed, result.get());
  EXPECT_EQ("was failed", result->failure());
}

TEST(SelectTest, DiscardingResultDiscardsInputs) {
  Promise<int> p0;
  Promise<int> p1;
  std::atomic<int> requests{0};
  p0.future().onDiscard([&requests] { ++requests; });
  p1.future().onDiscard([&requests] { ++requests; });
  Future<Future<int>> result =
      select(std::set<Future<int>>{p0.future(), p1.future()});

  EXPECT_TRUE(result.discard());
  EXPECT_EQ(2, requests.load());
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
}

TEST(SelectTest, AllInputsAbandonedAbandonsResult) {
  std::optional<Promise<int>> p0(std::in_place);
  std::optional<Promise<int>> p1(std::in_place);
  Future<Future<int>> result =
      select(std::set<Future<int>>{p0->future(), p1->future()});

  p0.reset();
  // One input can still complete: the result is not abandoned yet.
  EXPECT_FALSE(result.isAbandoned());
  EXPECT_TRUE(result.isPending());

  p1.reset();
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(SelectTest, AlreadyAbandonedInputs) {
  Future<int> abandonedByPromise = [] {
    Promise<int> promise;
    return promise.future();
  }();
  Future<Future<int>> result =
      select(std::set<Future<int>>{Future<int>(), abandonedByPromise});
  AWAIT_EXPECT_ABANDONED(result);
  EXPECT_TRUE(result.isPending());
}

TEST(SelectTest, SomeAbandonedOthersComplete) {
  std::optional<Promise<int>> doomed(std::in_place);
  Promise<int> survivor;
  Future<Future<int>> result =
      select(std::set<Future<int>>{doomed->future(), survivor.future()});
  doomed.reset();
  survivor.set(9);
  AWAIT_READY(result);
  EXPECT_EQ(survivor.future(), result.get());
  EXPECT_EQ(9, result->get());
}

TEST(SelectTest, RaceOfManyThreadsPicksOneOfThem) {
  constexpr int kInputs = 16;
  std::vector<Promise<int>> promises(kInputs);
  std::set<Future<int>> inputs;
  for (const Promise<int>& promise : promises) {
    inputs.insert(promise.future());
  }
  Future<Future<int>> result = select(inputs);

  std::vector<std::thread> threads;
  for (int i = 0; i < kInputs; ++i) {
    threads.emplace_back([&promises, i] { promises[i].set(i); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  AWAIT_READY(result);
  EXPECT_EQ(1u, inputs.count(result.get()));
  ASSERT_TRUE(result->isReady());
  const int winner = result->get();
  ASSERT_GE(winner, 0);
  ASSERT_LT(winner, kInputs);
  EXPECT_EQ(promises[winner].future(), result.get());
}
