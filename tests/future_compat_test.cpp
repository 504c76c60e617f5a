// What libprocess's Future offers beyond the basics, as Mesos code uses it:
// stringify and operator<< (libprocess's text), Future::failed, conversion
// from Try<T> and Try<Future<T>>, undiscardable(callable), futures of
// Option/Try, and the promise-set helpers.
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/option.hpp>
#include <process/try.hpp>

using namespace process;

// libprocess's FutureTest.Stringify.
TEST(FutureCompatTest, StringifyMatchesLibprocess) {
  Future<bool> future;
  EXPECT_EQ("Abandoned", stringify(future));
  {
    std::optional<Promise<bool>> promise(std::in_place);
    future = promise->future();
    promise.reset();
    EXPECT_EQ("Abandoned", stringify(future));
  }
  {
    std::optional<Promise<bool>> promise(std::in_place);
    future = promise->future();
    promise->future().discard();
    promise.reset();
    EXPECT_EQ("Abandoned (with discard)", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    EXPECT_EQ("Pending", stringify(future));
    promise.future().discard();
    EXPECT_EQ("Pending (with discard)", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    promise.set(true);
    EXPECT_EQ("Ready", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    promise.future().discard();
    promise.set(true);
    EXPECT_EQ("Ready (with discard)", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    promise.fail("Failure");
    EXPECT_EQ("Failed: Failure", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    promise.future().discard();
    promise.fail("Failure");
    EXPECT_EQ("Failed (with discard): Failure", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    promise.discard();
    EXPECT_EQ("Discarded", stringify(future));
  }
  {
    Promise<bool> promise;
    future = promise.future();
    promise.future().discard();
    promise.discard();
    EXPECT_EQ("Discarded (with discard)", stringify(future));
  }
  std::ostringstream out;
  out << Future<int>(Failure("x"));
  EXPECT_EQ("Failed: x", out.str());
}

TEST(FutureCompatTest, FailedMakesAFailedFuture) {
  Future<int> future = Future<int>::failed("why");
  ASSERT_TRUE(future.isFailed());
  EXPECT_EQ("why", future.failure());
}

TEST(FutureCompatTest, ErrnoFailureFromACode) {
  Future<int> future = ErrnoFailure(ENOENT);
  ASSERT_TRUE(future.isFailed());
  EXPECT_NE(std::string::npos, future.failure().find("No such file"));
}

// libprocess's FutureTest.FromTry.
TEST(FutureCompatTest, FromTry) {
  Try<int> t = 1;
  Future<int> future = t;
  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(1, future.get());

  t = Error("error");
  future = t;
  ASSERT_TRUE(future.isFailed());
  EXPECT_EQ("error", future.failure());
}

// libprocess's FutureTest.FromTryFuture.
TEST(FutureCompatTest, FromTryFuture) {
  Try<Future<int>> t = Future<int>(1);
  Future<int> future = t;
  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(1, future.get());

  Promise<int> p;
  t = p.future();
  future = t;
  ASSERT_TRUE(future.isPending());
  p.set(1);
  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(1, future.get());

  t = Error("error");
  future = t;
  ASSERT_TRUE(future.isFailed());
  EXPECT_EQ(t.error(), future.failure());
}

TEST(FutureCompatTest, TryFutureIsTheSameFuture) {
  Promise<int> p;
  Try<Future<int>> t = p.future();
  Future<int> future = t;
  EXPECT_EQ(p.future(), future);
  // A discard request reaches the promise's future: it is the same future.
  future.discard();
  EXPECT_TRUE(p.future().hasDiscard());
}

// A function returning Future<T> may return a Try<Future<T>>.
TEST(FutureCompatTest, ReturnTryFuture) {
  auto f = [](bool good) -> Future<std::string> {
    if (!good) {
      return Try<Future<std::string>>(Error("bad"));
    }
    return Try<Future<std::string>>(Future<std::string>(std::string("ok")));
  };
  AWAIT_EQ("ok", f(true));
  AWAIT_EXPECT_FAILURE_EQ("bad", f(false));
}

// libprocess's FutureTest.UndiscardableLambda.
TEST(FutureCompatTest, UndiscardableLambda) {
  Promise<int> promise;
  Future<int> f = Future<int>(2).then(undiscardable([&](int multiplier) {
    return promise.future().then([=](int i) { return i * multiplier; });
  }));
  f.discard();
  EXPECT_TRUE(f.hasDiscard());
  EXPECT_FALSE(promise.future().hasDiscard());
  promise.set(42);
  AWAIT_ASSERT_EQ(84, f);
}

TEST(FutureCompatTest, UndiscardableLambdaOnAPendingSource) {
  Promise<Nothing> source;
  Promise<int> inner;
  Future<int> f =
      source.future().then(undiscardable([&inner] { return inner.future(); }));
  source.set(Nothing());
  f.discard();
  EXPECT_FALSE(inner.future().hasDiscard());
  inner.set(5);
  AWAIT_EQ(5, f);
}

// libprocess's FutureTest.UndiscardableFuture.
TEST(FutureCompatTest, UndiscardableFuture) {
  Promise<int> promise;
  Future<int> f = undiscardable(promise.future());
  f.discard();
  EXPECT_TRUE(f.hasDiscard());
  EXPECT_FALSE(promise.future().hasDiscard());
  promise.set(42);
  AWAIT_ASSERT_EQ(42, f);
}

TEST(FutureCompatTest, FutureOfOption) {
  Promise<Option<int>> promise;
  Future<Option<int>> future = promise.future();
  promise.set(Option<int>(3));
  AWAIT_READY(future);
  ASSERT_TRUE(future->isSome());
  EXPECT_EQ(3, future->get());

  Future<Option<int>> none = None();
  AWAIT_READY(none);
  EXPECT_TRUE(none->isNone());

  Future<Option<std::string>> chained =
      Future<int>(1).then([](int) -> Option<std::string> { return None(); });
  AWAIT_READY(chained);
  EXPECT_TRUE(chained->isNone());

  Promise<Option<int>> empty;
  empty.set(None());
  AWAIT_READY(empty.future());
}

TEST(FutureCompatTest, FutureOfTry) {
  Promise<Try<int>> promise;
  promise.set(Try<int>(Error("inner")));
  AWAIT_READY(promise.future());
  // The future is READY: the error is its value, not its failure.
  EXPECT_TRUE(promise.future()->isError());
  EXPECT_EQ("inner", promise.future()->error());

  Future<Try<int>> ready = Try<int>(4);
  AWAIT_READY(ready);
  EXPECT_EQ(4, ready->get());

  Future<Try<int>> chained =
      Future<int>(2).then([](int i) { return Try<int>(i * 2); });
  AWAIT_READY(chained);
  EXPECT_EQ(4, chained->get());
}

TEST(FutureCompatTest, DiscardAContainerOfFutures) {
  Promise<int> p0;
  Promise<int> p1;
  std::set<Future<int>> futures = {p0.future(), p1.future()};
  discard(futures);
  EXPECT_TRUE(p0.future().hasDiscard());
  EXPECT_TRUE(p1.future().hasDiscard());
}

TEST(FutureCompatTest, PromiseSetHelpers) {
  std::set<Promise<int>*> promises;
  auto add = [&promises] {
    auto* promise = new Promise<int>();
    promises.insert(promise);
    return promise->future();
  };
  Future<int> a = add();
  Future<int> b = add();
  setPromises(&promises, 5);
  EXPECT_TRUE(promises.empty());
  AWAIT_EQ(5, a);
  AWAIT_EQ(5, b);

  Future<int> c = add();
  failPromises(&promises, "gone");
  AWAIT_EXPECT_FAILURE_EQ("gone", c);

  Future<int> d = add();
  Future<int> e = add();
  discardPromises(&promises, d);
  AWAIT_DISCARDED(d);
  EXPECT_EQ(1u, promises.size());
  discardPromises(&promises);
  AWAIT_DISCARDED(e);
  EXPECT_TRUE(promises.empty());
}

TEST(FutureCompatTest, TestAwaitTimeoutIsADuration) {
  EXPECT_EQ(Seconds(15), TEST_AWAIT_TIMEOUT);
  const Duration saved = TEST_AWAIT_TIMEOUT;
  TEST_AWAIT_TIMEOUT = Milliseconds(30);
  Promise<int> never;
  EXPECT_NONFATAL_FAILURE(AWAIT_EXPECT_READY(never.future()),
                          "Failed to wait 30ms for never.future()");
  TEST_AWAIT_TIMEOUT = saved;
}

TEST(FutureCompatTest, PromiseMoveAssignment) {
  Promise<int> first;
  Future<int> given = first.future();
  Promise<int> second;
  Future<int> kept = second.future();
  first = std::move(second);
  // The promise given up abandons its future; the other one now completes
  // through `first`.
  EXPECT_TRUE(given.isAbandoned());
  first.set(8);
  AWAIT_EQ(8, kept);
}
