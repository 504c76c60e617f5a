// Owned<T>: a copyable owning pointer with share() and release().
#include <process/owned.hpp>

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/shared.hpp>

using namespace process;

namespace {

// Counts live instances, so a test sees when the object is deleted.
struct Probe {
  explicit Probe(int value = 0) : value(value) { ++alive; }
  virtual ~Probe() { --alive; }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  int value;
  static int alive;
};
int Probe::alive = 0;

struct DerivedProbe : Probe {
  explicit DerivedProbe(int value) : Probe(value) {}
};

class OwnedTest : public ::testing::Test {
 protected:
  void SetUp() override { Probe::alive = 0; }
  void TearDown() override { EXPECT_EQ(0, Probe::alive) << "leaked a Probe"; }
};

}  // namespace

TEST_F(OwnedTest, DefaultIsEmpty) {
  Owned<Probe> owned;
  EXPECT_EQ(nullptr, owned.get());
  EXPECT_FALSE(owned);
  EXPECT_EQ(nullptr, owned.release());
}

TEST_F(OwnedTest, ConstructFromRawPointer) {
  {
    Owned<Probe> owned(new Probe(3));
    ASSERT_NE(nullptr, owned.get());
    EXPECT_TRUE(owned);
    EXPECT_EQ(3, owned->value);
    EXPECT_EQ(3, (*owned).value);
    EXPECT_EQ(1, owned.use_count());
    EXPECT_EQ(1, Probe::alive);
  }
  // The object is deleted with its owner.
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, CopySharesTheObject) {
  Owned<Probe> first(new Probe(1));
  {
    Owned<Probe> second = first;
    EXPECT_EQ(first.get(), second.get());
    EXPECT_EQ(2, first.use_count());
    EXPECT_EQ(2, second.use_count());
    second->value = 5;
    EXPECT_EQ(5, first->value);
    EXPECT_EQ(1, Probe::alive);
  }
  EXPECT_EQ(1, first.use_count());
  EXPECT_EQ(1, Probe::alive);

  Owned<Probe> assigned;
  assigned = first;
  EXPECT_EQ(first.get(), assigned.get());
  EXPECT_EQ(2, first.use_count());
  EXPECT_EQ(1, Probe::alive);
}

TEST_F(OwnedTest, MoveTransfersOwnership) {
  Owned<Probe> first(new Probe(1));
  Probe* raw = first.get();
  Owned<Probe> second = std::move(first);
  EXPECT_EQ(nullptr, first.get());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(raw, second.get());
  EXPECT_EQ(1, second.use_count());
  EXPECT_EQ(1, Probe::alive);
}

TEST_F(OwnedTest, ConvertsToOwnedOfBase) {
  Owned<DerivedProbe> derived(new DerivedProbe(4));
  Owned<Probe> base = derived;
  EXPECT_EQ(derived.get(), base.get());
  EXPECT_EQ(4, base->value);
  EXPECT_EQ(2, base.use_count());
  derived.reset();
  EXPECT_EQ(1, Probe::alive);
  base.reset();
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, Share) {
  Owned<Probe> owned(new Probe(2));
  Probe* raw = owned.get();

  Shared<Probe> shared = owned.share();
  EXPECT_EQ(nullptr, owned.get());
  EXPECT_EQ(raw, shared.get());
  EXPECT_TRUE(shared.unique());
  EXPECT_EQ(2, shared->value);
  EXPECT_EQ(1, Probe::alive);

  Shared<Probe> copy = shared;
  EXPECT_FALSE(shared.unique());
  shared.reset();
  EXPECT_EQ(1, Probe::alive);
  EXPECT_TRUE(copy.unique());
  copy.reset();
  // The object is deleted when the last Shared goes.
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, ShareOfAnEmptyOwnedIsEmpty) {
  Owned<Probe> empty;
  Shared<Probe> shared = empty.share();
  EXPECT_EQ(nullptr, shared.get());
  EXPECT_FALSE(shared.unique());
}

TEST_F(OwnedTest, ShareOfACopyKeepsTheOtherCopy) {
  Owned<Probe> first(new Probe(1));
  Owned<Probe> second = first;
  Shared<Probe> shared = second.share();
  EXPECT_EQ(nullptr, second.get());
  EXPECT_EQ(first.get(), shared.get());
  first.reset();
  EXPECT_EQ(1, Probe::alive);
  shared.reset();
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, ShareThenOwnCanStillRelease) {
  Owned<Probe> owned(new Probe(7));
  Probe* raw = owned.get();
  Future<Owned<Probe>> back = owned.share().own();
  ASSERT_TRUE(back.isReady());
  Owned<Probe> again = back.get();
  back = Future<Owned<Probe>>();  // drop the future's copy
  Probe* released = again.release();
  EXPECT_EQ(raw, released);
  EXPECT_EQ(1, Probe::alive);
  delete released;
}

TEST_F(OwnedTest, Release) {
  Owned<Probe> owned(new Probe(6));
  Probe* raw = owned.get();

  Probe* released = owned.release();
  EXPECT_EQ(raw, released);
  EXPECT_EQ(nullptr, owned.get());
  EXPECT_FALSE(owned);

  // The object survives its former owner.
  owned = Owned<Probe>();
  EXPECT_EQ(1, Probe::alive);
  EXPECT_EQ(6, released->value);

  delete released;
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, ReleaseIntoAnotherOwned) {
  Owned<Probe> first(new Probe(1));
  Owned<Probe> second(first.release());
  EXPECT_EQ(nullptr, first.get());
  EXPECT_EQ(1, second.use_count());
  EXPECT_EQ(1, Probe::alive);
  second.reset();
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, ReleaseAfterCopiesAreGone) {
  Owned<Probe> first(new Probe(1));
  {
    Owned<Probe> copy = first;
    EXPECT_EQ(2, first.use_count());
  }
  Probe* released = first.release();
  ASSERT_NE(nullptr, released);
  EXPECT_EQ(1, Probe::alive);
  delete released;
}

TEST_F(OwnedTest, ReleaseOfAMovedOwned) {
  Owned<Probe> first(new Probe(1));
  Owned<Probe> second = std::move(first);
  Probe* released = second.release();
  ASSERT_NE(nullptr, released);
  EXPECT_EQ(1, Probe::alive);
  delete released;
}

TEST_F(OwnedTest, Equality) {
  Owned<Probe> a(new Probe(1));
  Owned<Probe> b = a;
  Owned<Probe> c(new Probe(1));
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
}

TEST(OwnedDeathTest, ReleaseOfASharedObjectAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Owned<int> first(new int(1));
  Owned<int> second = first;
  EXPECT_DEATH((void)second.release(), "shared");
  // Nothing changed in this process.
  EXPECT_EQ(2, first.use_count());
  EXPECT_EQ(first.get(), second.get());
}

TEST_F(OwnedTest, FromNullptr) {
  Owned<Probe> owned = nullptr;
  EXPECT_EQ(nullptr, owned.get());
  Owned<Probe> other(new Probe(1));
  other = nullptr;
  EXPECT_EQ(nullptr, other.get());
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, ResetToANewObjectCanStillBeReleased) {
  Owned<Probe> owned(new Probe(1));
  owned.reset(new Probe(2));
  EXPECT_EQ(1, Probe::alive);
  EXPECT_EQ(2, owned->value);
  Probe* released = owned.release();
  ASSERT_NE(nullptr, released);
  EXPECT_EQ(1, Probe::alive);
  delete released;
  owned.reset(new Probe(3));
  owned.reset();
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(OwnedTest, InContainers) {
  std::vector<Owned<Probe>> probes;
  probes.emplace_back(new Probe(1));
  probes.push_back(Owned<Probe>(new Probe(2)));
  EXPECT_EQ(2, Probe::alive);
  std::set<Owned<Probe>> ordered(probes.begin(), probes.end());
  EXPECT_EQ(2u, ordered.size());
  probes.clear();
  EXPECT_EQ(2, Probe::alive);
  ordered.clear();
  EXPECT_EQ(0, Probe::alive);
}

TEST(OwnedDeathTest, DereferenceOfEmptyAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Owned<int> empty;
  EXPECT_DEATH((void)*empty, "empty Owned");
}
