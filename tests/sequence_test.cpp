// Sequence: callbacks run one after another, each once the future of the
// one before it has completed.
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>
#include <process/sequence.hpp>

using namespace process;

namespace {

class TestProcess : public Process<TestProcess> {
 public:
  Future<Nothing> foo() { return dispatch(self(), &Self::_foo); }
  Future<Nothing> _foo() { return dispatch(self(), &Self::fooLast); }
  Future<Nothing> fooLast() { return promise.future(); }
  Nothing bar() {
    barCalled = true;
    return Nothing();
  }

  Promise<Nothing> promise;
  std::atomic<bool> barCalled{false};
};

class DiscardProcess : public Process<DiscardProcess> {
 public:
  Future<Nothing> func0() { return promise.future(); }
  Nothing func1() { return called(1); }
  Nothing func2() { return called(2); }
  Nothing func3() { return called(3); }

  Promise<Nothing> promise;
  std::atomic<int> calls[4] = {};

 private:
  Nothing called(int n) {
    ++calls[n];
    return Nothing();
  }
};

class RandomProcess : public Process<RandomProcess> {
 public:
  Nothing verify() {
    EXPECT_EQ(0, value);
    return Nothing();
  }
  Future<Nothing> pulse() {
    ++value;
    return dispatch(self(), &Self::_pulse);
  }
  Nothing _pulse() {
    --value;
    return Nothing();
  }

 private:
  int value = 0;
};

void settle() {
  Clock::pause();
  Clock::settle();
  Clock::resume();
}

}  // namespace

TEST(SequenceTest, Serialize) {
  TestProcess process;
  spawn(process);
  Sequence sequence;

  lambda::function<Future<Nothing>()> f;
  f = defer(process, &TestProcess::foo);
  sequence.add(f);
  f = defer(process, &TestProcess::bar);
  Future<Nothing> bar = sequence.add(f);

  settle();
  EXPECT_FALSE(process.barCalled.load());
  EXPECT_TRUE(bar.isPending());

  process.promise.set(Nothing());
  AWAIT_READY(bar);
  EXPECT_TRUE(process.barCalled.load());

  terminate(process);
  wait(process);
}

TEST(SequenceTest, DiscardOne) {
  DiscardProcess process;
  spawn(process);
  Sequence sequence;

  lambda::function<Future<Nothing>()> f;
  f = defer(process, &DiscardProcess::func0);
  Future<Nothing> f0 = sequence.add(f);
  f = defer(process, &DiscardProcess::func1);
  Future<Nothing> f1 = sequence.add(f);
  f = defer(process, &DiscardProcess::func2);
  Future<Nothing> f2 = sequence.add(f);
  f = defer(process, &DiscardProcess::func3);
  Future<Nothing> f3 = sequence.add(f);

  settle();
  f2.discard();
  process.promise.set(Nothing());

  AWAIT_READY(f3);
  AWAIT_READY(f0);
  AWAIT_READY(f1);
  AWAIT_DISCARDED(f2);
  EXPECT_EQ(1, process.calls[1].load());
  EXPECT_EQ(0, process.calls[2].load());
  EXPECT_EQ(1, process.calls[3].load());

  terminate(process);
  wait(process);
}

TEST(SequenceTest, DiscardAll) {
  DiscardProcess process;
  spawn(process);
  auto sequence = std::make_unique<Sequence>();

  lambda::function<Future<Nothing>()> f;
  f = defer(process, &DiscardProcess::func0);
  Future<Nothing> f0 = sequence->add(f);
  f = defer(process, &DiscardProcess::func1);
  Future<Nothing> f1 = sequence->add(f);
  f = defer(process, &DiscardProcess::func2);
  Future<Nothing> f2 = sequence->add(f);
  f = defer(process, &DiscardProcess::func3);
  Future<Nothing> f3 = sequence->add(f);

  sequence.reset();  // cancels every callback that has not started

  process.promise.set(Nothing());
  AWAIT_READY(f0);  // the running one was only asked to stop
  AWAIT_DISCARDED(f1);
  AWAIT_DISCARDED(f2);
  AWAIT_DISCARDED(f3);
  settle();
  EXPECT_EQ(0, process.calls[1].load());
  EXPECT_EQ(0, process.calls[2].load());
  EXPECT_EQ(0, process.calls[3].load());

  terminate(process);
  wait(process);
}

TEST(SequenceTest, DestroyingAsksTheRunningCallbackToStop) {
  Promise<int> promise;
  bool discardRequested = false;
  promise.future().onDiscard([&] { discardRequested = true; });
  Future<int> running;
  {
    Sequence sequence;
    running = sequence.add<int>([&] { return promise.future(); });
  }
  EXPECT_TRUE(discardRequested);
  promise.discard();
  AWAIT_DISCARDED(running);
}

TEST(SequenceTest, Random) {
  RandomProcess process;
  spawn(process);
  Sequence sequence;
  Future<Nothing> last;
  for (int i = 0; i < 100; i++) {
    lambda::function<Future<Nothing>()> f;
    // Interleaved pulses and verifies: without the sequence a verify could
    // see a pulse half done.
    if (i % 3 == 0) {
      f = defer(process, &RandomProcess::verify);
    } else {
      f = defer(process, &RandomProcess::pulse);
    }
    last = sequence.add(f);
  }
  AWAIT_READY(last);
  terminate(process);
  wait(process);
}

TEST(SequenceTest, RunsInOrderAndFollowsTheCallbacksFuture) {
  Sequence sequence;
  std::vector<int> order;
  Promise<int> first;
  Future<int> a = sequence.add<int>([&] {
    order.push_back(1);
    return first.future();
  });
  Future<std::string> b = sequence.add<std::string>([&] {
    order.push_back(2);
    return Future<std::string>(std::string("two"));
  });
  EXPECT_EQ(std::vector<int>{1}, order);
  EXPECT_TRUE(b.isPending());
  first.set(1);
  AWAIT_EXPECT_EQ(1, a);
  AWAIT_EXPECT_EQ(std::string("two"), b);
  EXPECT_EQ((std::vector<int>{1, 2}), order);
}

TEST(SequenceTest, FailureAndDiscardDoNotStopTheSequence) {
  Sequence sequence;
  Future<int> failed =
      sequence.add<int>([] { return Future<int>(Failure("bad")); });
  Future<int> thrown = sequence.add<int>(
      []() -> Future<int> { throw std::runtime_error("thrown"); });
  Future<int> discarded = sequence.add<int>([] {
    Promise<int> promise;
    promise.discard();
    return promise.future();
  });
  Future<int> after = sequence.add<int>([] { return Future<int>(3); });
  AWAIT_EXPECT_FAILURE_EQ("bad", failed);
  AWAIT_EXPECT_FAILED(thrown);
  AWAIT_DISCARDED(discarded);
  AWAIT_EXPECT_EQ(3, after);
}

TEST(SequenceTest, AbandonedCallbackDoesNotBlockTheRest) {
  Sequence sequence;
  sequence.add<int>([] {
    Promise<int> promise;
    return promise.future();  // abandoned when the promise goes
  });
  Future<int> next = sequence.add<int>([] { return Future<int>(5); });
  AWAIT_EXPECT_EQ(5, next);
}

TEST(SequenceTest, DiscardWhileRunningGoesToTheCallbacksFuture) {
  Sequence sequence;
  Promise<int> promise;
  promise.future().onDiscard([&] { promise.discard(); });
  Future<int> running = sequence.add<int>([&] { return promise.future(); });
  Future<int> next = sequence.add<int>([] { return Future<int>(2); });
  running.discard();
  AWAIT_DISCARDED(running);
  AWAIT_EXPECT_EQ(2, next);
}

TEST(SequenceTest, LongRunOfReadyCallbacksDoesNotRecurse) {
  Promise<Nothing> gate;
  Sequence sequence;
  sequence.add<Nothing>([&] { return gate.future(); });
  std::atomic<int> ran{0};
  Future<int> last;
  for (int i = 0; i < 100000; ++i) {
    last = sequence.add([&ran] { return ++ran; });  // a plain callable
  }
  gate.set(Nothing());  // the whole run goes on from inside this set
  AWAIT_EXPECT_EQ(100000, last);
}

TEST(SequenceTest, AddFromManyThreadsKeepsOneAtATime) {
  Sequence sequence;
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<Future<Nothing>> futures[4];
  for (int t = 0; t < 4; ++t) {
    futures[t].reserve(200);
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        futures[t].push_back(sequence.add<Nothing>([&] {
          if (++running != 1) {
            ++overlaps;
          }
          --running;
          ++done;
          return Future<Nothing>(Nothing());
        }));
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (auto& list : futures) {
    for (Future<Nothing>& future : list) {
      AWAIT_ASSERT_READY(future);
    }
  }
  EXPECT_EQ(800, done.load());
  EXPECT_EQ(0, overlaps.load());
}
