// select(std::set<Future<T>>): the first input to become READY.
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

// As libprocess: failed and discarded inputs are passed over.
TEST(SelectTest, FailedInputIsPassedOver) {
  Promise<std::string> p0;
  Promise<std::string> p1;
  Future<Future<std::string>> result =
      select(std::set<Future<std::string>>{p0.future(), p1.future()});

  p0.fail("broken");
  EXPECT_TRUE(result.isPending());
  p1.set("fine");
  AWAIT_READY(result);
  EXPECT_EQ(p1.future(), result.get());
  EXPECT_EQ("fine", result->get());
}

TEST(SelectTest, DiscardedInputIsPassedOver) {
  Promise<int> p0;
  Promise<int> p1;
  Future<Future<int>> result =
      select(std::set<Future<int>>{p0.future(), p1.future()});

  p1.discard();
  EXPECT_TRUE(result.isPending());
  p0.set(0);
  AWAIT_READY(result);
  EXPECT_EQ(p0.future(), result.get());
}

TEST(SelectTest, AlreadyFailedInputIsPassedOver) {
  Promise<int> pending;
  Future<int> failed(Failure("was failed"));
  Future<Future<int>> result =
      select(std::set<Future<int>>{pending.future(), failed});
  EXPECT_TRUE(result.isPending());
  pending.set(3);
  AWAIT_EQ(3, result.get());
}

// Ours: libprocess leaves the result abandoned here.
TEST(SelectTest, NoInputCanBecomeReadyFails) {
  Promise<int> p0;
  std::optional<Promise<int>> p1(std::in_place);
  Future<Future<int>> result = select(std::set<Future<int>>{
      p0.future(), p1->future(), Future<int>(Failure("x"))});
  p0.discard();
  EXPECT_TRUE(result.isPending());
  p1.reset();
  AWAIT_EXPECT_FAILURE_EQ("select(): none of the 3 futures became ready",
                          result);
}

// libprocess's FutureTest.Select: a discard request on the result discards
// it at once, even though no input honours (or even sees) it.
TEST(SelectTest, DiscardingResultDiscardsItAndLeavesInputsAlone) {
  Promise<int> p0;
  Promise<int> p1;
  Future<Future<int>> result =
      select(std::set<Future<int>>{p0.future(), p1.future()});

  EXPECT_TRUE(result.discard());
  AWAIT_DISCARDED(result);
  EXPECT_FALSE(p0.future().hasDiscard());
  EXPECT_FALSE(p1.future().hasDiscard());
  p0.set(0);
  EXPECT_TRUE(result.isDiscarded());
}

// libprocess's FutureTest.Select, whole.
TEST(SelectTest, LibprocessSample) {
  Promise<int> promise1;
  Promise<int> promise2;
  Promise<int> promise3;
  Promise<int> promise4;
  std::set<Future<int>> futures = {promise1.future(), promise2.future(),
                                   promise3.future(), promise4.future()};
  promise1.set(42);
  Future<Future<int>> future = select(futures);
  AWAIT_READY(future);
  AWAIT_READY(future.get());
  EXPECT_EQ(42, future->get());

  futures.erase(promise1.future());
  future = select(futures);
  EXPECT_TRUE(future.isPending());
  future.discard();
  AWAIT_DISCARDED(future);
}

// select() is declared by <process/future.hpp>, as in libprocess; futures
// order by identity, so a std::set holds each future once.
TEST(SelectTest, FuturesAreOrderedByIdentity) {
  Promise<int> p;
  Future<int> a = p.future();
  Future<int> b = a;
  Future<int> c(1);
  std::set<Future<int>> futures = {a, b, c};
  EXPECT_EQ(2u, futures.size());
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a != c);
  EXPECT_NE(a < c, c < a);
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
