// Shared<T>: shared read-only ownership, with own() to take the object back
// once every other copy is gone.
#include <process/shared.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/owned.hpp>

using namespace process;

namespace {

// Counts live instances, so a test sees when the object is deleted.
struct Probe {
  explicit Probe(int value = 0) : value(value) { ++alive; }
  ~Probe() { --alive; }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  int get() const { return value; }
  void set(int newValue) { value = newValue; }

  int value;
  static std::atomic<int> alive;
};
std::atomic<int> Probe::alive{0};

class SharedTest : public ::testing::Test {
 protected:
  void SetUp() override { Probe::alive = 0; }
  void TearDown() override { EXPECT_EQ(0, Probe::alive) << "leaked a Probe"; }
};

// Shared gives const access only: `shared->set(20)` does not compile.
static_assert(std::is_same_v<decltype(std::declval<Shared<Probe>&>().get()),
                             const Probe*>);
static_assert(
    std::is_same_v<decltype(std::declval<Shared<Probe>&>().operator->()),
                   const Probe*>);
static_assert(
    std::is_same_v<decltype(*std::declval<Shared<Probe>&>()), const Probe&>);

}  // namespace

TEST_F(SharedTest, ConstAccess) {
  Probe* probe = new Probe();
  probe->set(10);
  Shared<Probe> shared(probe);
  EXPECT_EQ(probe, shared.get());
  EXPECT_EQ(10, shared->get());
  EXPECT_EQ(10, (*shared).get());
}

TEST_F(SharedTest, Null) {
  Shared<Probe> shared(nullptr);
  Shared<Probe> copy(shared);
  Shared<Probe> defaulted;
  EXPECT_EQ(nullptr, shared.get());
  EXPECT_EQ(nullptr, copy.get());
  EXPECT_EQ(nullptr, defaulted.get());
  EXPECT_FALSE(shared.unique());
  EXPECT_TRUE(shared == defaulted);
}

TEST_F(SharedTest, Reset) {
  Shared<Probe> shared(new Probe(42));
  Shared<Probe> copy(shared);

  EXPECT_FALSE(shared.unique());
  EXPECT_FALSE(copy.unique());
  EXPECT_EQ(42, shared->get());
  EXPECT_EQ(42, copy->get());

  shared.reset();
  EXPECT_FALSE(shared.unique());
  EXPECT_EQ(nullptr, shared.get());
  EXPECT_TRUE(copy.unique());
  EXPECT_EQ(42, copy->get());
  EXPECT_EQ(1, Probe::alive);

  // The object goes with its last Shared.
  copy.reset();
  EXPECT_EQ(0, Probe::alive);
}

TEST_F(SharedTest, ResetToANewObjectAndSwap) {
  Shared<Probe> first(new Probe(1));
  Shared<Probe> second = first;
  first.reset(new Probe(2));
  EXPECT_EQ(2, Probe::alive);
  EXPECT_EQ(2, first->get());
  EXPECT_EQ(1, second->get());
  EXPECT_TRUE(first.unique());

  first.swap(second);
  EXPECT_EQ(1, first->get());
  EXPECT_EQ(2, second->get());

  first.reset(nullptr);
  EXPECT_EQ(nullptr, first.get());
  EXPECT_EQ(1, Probe::alive);
}

TEST_F(SharedTest, EqualityAndOrder) {
  Shared<Probe> a(new Probe(1));
  Shared<Probe> b = a;
  Shared<Probe> c(new Probe(1));
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  EXPECT_TRUE(a != c);
  EXPECT_TRUE(a < c || c < a);

  std::set<Shared<Probe>> ordered = {a, b, c};
  EXPECT_EQ(2u, ordered.size());
}

TEST_F(SharedTest, Own) {
  Shared<Probe> shared(new Probe(42));
  EXPECT_TRUE(shared.unique());

  Future<Owned<Probe>> future;
  {
    Shared<Probe> copy(shared);
    EXPECT_FALSE(copy.unique());
    EXPECT_FALSE(shared.unique());

    future = copy.own();

    // own() empties the Shared it is called on.
    EXPECT_EQ(nullptr, copy.get());

    // Only one copy may own the object.
    AWAIT_FAILED(shared.own());
    // ... and the one refused keeps its reference.
    EXPECT_EQ(42, shared->get());

    // Not owned yet: `shared` still holds the object.
    EXPECT_TRUE(future.isPending());
  }
  EXPECT_TRUE(future.isPending());

  shared.reset();
  AWAIT_READY(future);
  EXPECT_EQ(1, Probe::alive);  // handed over, not deleted

  Owned<Probe> owned = future.get();
  EXPECT_EQ(42, owned->get());
  // Ownership is exclusive again: the object may be changed.
  owned->set(7);
  EXPECT_EQ(7, (*owned).get());
}

TEST_F(SharedTest, OwnOfTheLastCopyIsReadyAtOnce) {
  Shared<Probe> shared(new Probe(3));
  Future<Owned<Probe>> future = shared.own();
  EXPECT_EQ(nullptr, shared.get());
  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(3, future.get()->get());
  EXPECT_EQ(1, Probe::alive);
}

TEST_F(SharedTest, OwnOfAnEmptySharedGivesAnEmptyOwned) {
  Shared<Probe> empty;
  Future<Owned<Probe>> future = empty.own();
  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(nullptr, future.get().get());
}

TEST_F(SharedTest, OwnedBackCanBeReleased) {
  Shared<Probe> shared(new Probe(5));
  Future<Owned<Probe>> future = shared.own();
  ASSERT_TRUE(future.isReady());
  Owned<Probe> owned = future.get();
  future = Future<Owned<Probe>>();  // the future's copy goes

  Probe* raw = owned.release();
  ASSERT_NE(nullptr, raw);
  EXPECT_EQ(nullptr, owned.get());
  EXPECT_EQ(1, Probe::alive);
  delete raw;
}

TEST_F(SharedTest, FromOwnedShare) {
  Owned<Probe> owned(new Probe(8));
  Shared<Probe> shared = owned.share();
  EXPECT_EQ(nullptr, owned.get());
  EXPECT_TRUE(shared.unique());
  EXPECT_EQ(8, shared->get());

  Future<Owned<Probe>> back = shared.own();
  AWAIT_READY(back);
  EXPECT_EQ(8, back.get()->get());
}

// The future completes on the thread that drops the last other copy, and its
// callbacks run there.
TEST_F(SharedTest, OwnCompletesWhereTheLastCopyGoes) {
  Shared<Probe> shared(new Probe(1));
  Shared<Probe> last = shared;
  Future<Owned<Probe>> future = shared.own();

  std::thread::id completedOn;
  future.onReady(
      [&](const Owned<Probe>&) { completedOn = std::this_thread::get_id(); });
  EXPECT_TRUE(future.isPending());

  std::thread::id droppedOn;
  std::thread dropper([&droppedOn, copy = std::move(last)]() mutable {
    droppedOn = std::this_thread::get_id();
    copy.reset();
  });
  dropper.join();

  ASSERT_TRUE(future.isReady());
  EXPECT_EQ(droppedOn, completedOn);
  EXPECT_NE(std::this_thread::get_id(), completedOn);
  EXPECT_EQ(1, Probe::alive);
}

// Copies are made and dropped on many threads while one of them asks for
// ownership: the object is handed over exactly once, after the last copy.
TEST_F(SharedTest, ConcurrentCopiesThenOwn) {
  for (int round = 0; round < 20; ++round) {
    Shared<Probe> shared(new Probe(round));
    std::vector<std::thread> threads;
    threads.reserve(4);
    std::atomic<int> refused{0};
    std::vector<Future<Owned<Probe>>> futures(4);
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i, copy = shared]() mutable {
        for (int j = 0; j < 100; ++j) {
          Shared<Probe> another = copy;
          EXPECT_EQ(round, another->get());
        }
        futures[i] = copy.own();
        if (futures[i].isFailed()) {
          ++refused;
        }
      });
    }
    shared.reset();
    for (std::thread& thread : threads) {
      thread.join();
    }
    // One of the four owned it; the three refused dropped their copies
    // with their threads.
    EXPECT_EQ(3, refused.load());
    int ready = 0;
    for (const Future<Owned<Probe>>& future : futures) {
      if (future.isReady()) {
        ++ready;
        EXPECT_EQ(round, future.get()->get());
      }
    }
    EXPECT_EQ(1, ready);
    EXPECT_EQ(1, Probe::alive);
    futures.clear();
    EXPECT_EQ(0, Probe::alive);
  }
}

TEST(SharedDeathTest, DereferenceOfEmptyAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Shared<int> empty;
  EXPECT_DEATH((void)*empty, "empty Shared");
}
