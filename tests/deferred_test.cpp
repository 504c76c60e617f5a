// Deferred callables that own move-only state: a lambda capturing a Promise
// or a std::unique_ptr, and a method bound with a move-only argument. As
// libprocess's CallableOnce allows, each is invoked once as a future's
// callback.
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include <process/defer.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/lambda.hpp>
#include <process/process.hpp>

using namespace process;

namespace {

class Holder : public Process<Holder> {
 public:
  int take(std::unique_ptr<int> value) { return *value + total; }
  int takeWith(std::unique_ptr<int> value, int added) { return *value + added; }
  void keep(std::unique_ptr<std::string> text) { kept = *text; }
  Future<std::string> kept_() { return kept; }

  int total = 100;
  std::string kept;
};

class DeferredTest : public ::testing::Test {
 protected:
  void SetUp() override { spawn(holder); }
  void TearDown() override {
    terminate(holder);
    wait(holder);
  }
  Holder holder;
};

}  // namespace

TEST_F(DeferredTest, LambdaCapturingAPromise) {
  Promise<int> inner;
  Future<int> innerFuture = inner.future();
  Promise<Nothing> trigger;
  trigger.future().onAny(
      defer(holder.self(), [p = std::move(inner)]() mutable { p.set(7); }));
  trigger.set(Nothing());
  AWAIT_EQ(7, innerFuture);
}

TEST_F(DeferredTest, LambdaCapturingAUniquePtrInThen) {
  Promise<int> source;
  Future<int> result = source.future().then(
      defer(holder.self(),
            [owned = std::make_unique<int>(5)](int i) { return *owned + i; }));
  source.set(1);
  AWAIT_EQ(6, result);
}

TEST_F(DeferredTest, MethodBoundWithAMoveOnlyArgument) {
  Promise<Nothing> source;
  Future<int> result = source.future().then(
      defer(holder.self(), &Holder::take, std::make_unique<int>(2)));
  source.set(Nothing());
  AWAIT_EQ(102, result);
}

TEST_F(DeferredTest, MethodBoundWithAMoveOnlyArgumentAndAPlaceholder) {
  Promise<int> source;
  Future<int> result = source.future().then(defer(
      holder.self(), &Holder::takeWith, std::make_unique<int>(2), lambda::_1));
  source.set(40);
  AWAIT_EQ(42, result);
}

TEST_F(DeferredTest, VoidMethodBoundWithAMoveOnlyArgumentOnAny) {
  Promise<int> source;
  source.future().onAny(
      defer(&holder, &Holder::keep, std::make_unique<std::string>("moved in")));
  source.set(1);
  AWAIT_EQ("moved in", dispatch(holder, &Holder::kept_));
}

TEST_F(DeferredTest, MoveOnlyDeferredConvertsToCallableOnce) {
  Promise<int> inner;
  Future<int> innerFuture = inner.future();
  lambda::CallableOnce<void()> once =
      defer(holder.self(), [p = std::move(inner)]() mutable { p.set(3); });
  std::move(once)();
  AWAIT_EQ(3, innerFuture);
}

TEST_F(DeferredTest, CopyableDeferredStillCallableManyTimes) {
  auto deferred = defer(holder.self(), [](int i) { return i * 2; });
  Future<int> a = deferred(1);
  Future<int> b = deferred(2);
  AWAIT_EQ(2, a);
  AWAIT_EQ(4, b);
}
