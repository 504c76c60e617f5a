// CHECK_PENDING / CHECK_READY / CHECK_FAILED / CHECK_DISCARDED /
// CHECK_ABANDONED: silent on the right state, abort naming the actual state
// on a wrong one.
#include <process/check.hpp>

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <process/future.hpp>

using namespace process;

namespace {

// One future in each state, kept alive for the whole test.
struct Futures {
  Futures() {
    discardedPromise.discard();
    abandoned = abandonedPromise.value().future();
    abandonedPromise.reset();
  }

  Promise<int> pendingPromise;
  Future<int> pending = pendingPromise.future();
  Future<int> ready = 1;
  Future<int> failed = Failure("boom");
  Promise<int> discardedPromise;
  Future<int> discarded = discardedPromise.future();
  std::optional<Promise<int>> abandonedPromise{std::in_place};
  Future<int> abandoned;
};

int evaluations = 0;

Future<int> counted(const Future<int>& future) {
  ++evaluations;
  return future;
}

std::string sideEffect(int* calls) {
  ++*calls;
  return "side effect";
}

class FutureStatesTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
  Futures f;
};

class CheckTest : public FutureStatesTest {};
class CheckDeathTest : public FutureStatesTest {};

}  // namespace

TEST_F(CheckTest, TheFuturesAreInTheirStates) {
  ASSERT_TRUE(f.pending.isPending());
  ASSERT_FALSE(f.pending.isAbandoned());
  ASSERT_TRUE(f.ready.isReady());
  ASSERT_TRUE(f.failed.isFailed());
  ASSERT_TRUE(f.discarded.isDiscarded());
  ASSERT_TRUE(f.abandoned.isPending());
  ASSERT_TRUE(f.abandoned.isAbandoned());
}

TEST_F(CheckTest, PassOnTheRightState) {
  CHECK_PENDING(f.pending);
  CHECK_READY(f.ready);
  CHECK_FAILED(f.failed);
  CHECK_DISCARDED(f.discarded);
  CHECK_ABANDONED(f.abandoned);
  CHECK_ABANDONED(Future<int>());
  // An abandoned future is still pending.
  CHECK_PENDING(f.abandoned);
  // A discard request alone leaves the future pending.
  f.pending.discard();
  CHECK_PENDING(f.pending);
  SUCCEED();
}

TEST_F(CheckTest, FutureExpressionIsEvaluatedOnce) {
  evaluations = 0;
  CHECK_READY(counted(f.ready));
  EXPECT_EQ(1, evaluations);
  CHECK_PENDING(counted(f.pending)) << "more";
  EXPECT_EQ(2, evaluations);
}

TEST_F(CheckTest, ExtraTextIsNotEvaluatedWhenTheCheckPasses) {
  int calls = 0;
  CHECK_READY(f.ready) << sideEffect(&calls);
  CHECK_FAILED(f.failed) << sideEffect(&calls) << 1 << 2;
  EXPECT_EQ(0, calls);
}

TEST_F(CheckTest, UsableAsTheBodyOfAnIfWithoutBraces) {
  int branch = 0;
  if (f.ready.isReady())
    CHECK_READY(f.ready) << "in the if";
  else
    branch = 1;
  if (!f.ready.isReady())
    CHECK_READY(f.ready);
  else
    branch = 2;
  EXPECT_EQ(2, branch);
}

TEST_F(CheckTest, WorksForOtherValueTypes) {
  Future<std::string> text = std::string("x");
  CHECK_READY(text);
  Future<Nothing> nothing = Failure("none");
  CHECK_FAILED(nothing);
}

TEST_F(CheckDeathTest, CheckPendingAborts) {
  EXPECT_DEATH(CHECK_PENDING(f.ready), "CHECK_PENDING\\(f.ready\\): is READY");
  EXPECT_DEATH(CHECK_PENDING(f.failed),
               "CHECK_PENDING\\(f.failed\\): is FAILED: "
               "boom");
  EXPECT_DEATH(CHECK_PENDING(f.discarded),
               "CHECK_PENDING\\(f.discarded\\): is "
               "DISCARDED");
}

TEST_F(CheckDeathTest, CheckReadyAborts) {
  EXPECT_DEATH(CHECK_READY(f.pending),
               "CHECK_READY\\(f.pending\\): is PENDING");
  EXPECT_DEATH(CHECK_READY(f.abandoned),
               "CHECK_READY\\(f.abandoned\\): is PENDING");
  EXPECT_DEATH(CHECK_READY(f.failed),
               "CHECK_READY\\(f.failed\\): is FAILED: boom");
  EXPECT_DEATH(CHECK_READY(f.discarded),
               "CHECK_READY\\(f.discarded\\): is DISCARDED");
}

TEST_F(CheckDeathTest, CheckFailedAborts) {
  EXPECT_DEATH(CHECK_FAILED(f.pending),
               "CHECK_FAILED\\(f.pending\\): is PENDING");
  EXPECT_DEATH(CHECK_FAILED(f.ready), "CHECK_FAILED\\(f.ready\\): is READY");
  EXPECT_DEATH(CHECK_FAILED(f.discarded),
               "CHECK_FAILED\\(f.discarded\\): is DISCARDED");
  EXPECT_DEATH(CHECK_FAILED(f.abandoned),
               "CHECK_FAILED\\(f.abandoned\\): is PENDING");
}

TEST_F(CheckDeathTest, CheckDiscardedAborts) {
  EXPECT_DEATH(CHECK_DISCARDED(f.pending),
               "CHECK_DISCARDED\\(f.pending\\): is PENDING");
  EXPECT_DEATH(CHECK_DISCARDED(f.ready),
               "CHECK_DISCARDED\\(f.ready\\): is READY");
  EXPECT_DEATH(CHECK_DISCARDED(f.failed),
               "CHECK_DISCARDED\\(f.failed\\): is FAILED: "
               "boom");
}

TEST_F(CheckDeathTest, CheckDiscardedAbortsOnADiscardRequestAlone) {
  f.pending.discard();
  EXPECT_DEATH(CHECK_DISCARDED(f.pending), "is PENDING");
}

TEST_F(CheckDeathTest, CheckAbandonedAborts) {
  EXPECT_DEATH(CHECK_ABANDONED(f.pending),
               "CHECK_ABANDONED\\(f.pending\\): is not abandoned");
  EXPECT_DEATH(CHECK_ABANDONED(f.ready),
               "CHECK_ABANDONED\\(f.ready\\): is READY");
  EXPECT_DEATH(CHECK_ABANDONED(f.failed),
               "CHECK_ABANDONED\\(f.failed\\): is FAILED: "
               "boom");
  EXPECT_DEATH(CHECK_ABANDONED(f.discarded),
               "CHECK_ABANDONED\\(f.discarded\\): is "
               "DISCARDED");
}

TEST_F(CheckDeathTest, ExtraTextAppearsInTheMessage) {
  EXPECT_DEATH(CHECK_READY(f.pending) << "while waiting for " << 42,
               "is PENDING.*while waiting for 42");
  EXPECT_DEATH(CHECK_FAILED(f.ready) << "context",
               "CHECK_FAILED\\(f.ready\\): is READY.*"
               "context");
}

TEST_F(CheckDeathTest, FailureMessageIsQuotedInFull) {
  Future<int> failed = Failure("disk full: /var/tmp");
  EXPECT_DEATH(CHECK_READY(failed), "is FAILED: disk full: /var/tmp");
}
