// The scheduler: workers run processes in parallel, never one process on two
// workers at once, share work by stealing, keep a flooded process from
// starving the others, and use no CPU when idle.
#include <time.h>

#include <atomic>
#include <thread>
#include <vector>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>

using namespace process;

namespace {

double processCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9;
}

// Blocks its worker until released, to occupy it.
class Blocker : public Process<Blocker> {
 public:
  Future<Nothing> block(std::shared_ptr<std::atomic<bool>> release,
                        std::shared_ptr<std::atomic<int>> started) {
    started->fetch_add(1);
    while (!release->load()) {
      std::this_thread::yield();
    }
    return Nothing();
  }
};

class Tracker : public Process<Tracker> {
 public:
  void touch() {
    // Two workers inside one process at once would show here.
    EXPECT_EQ(0, inside.fetch_add(1));
    for (int i = 0; i < 100; ++i) {
      asm volatile("" ::: "memory");
    }
    inside.fetch_sub(1);
    count.fetch_add(1);
  }
  int read() const { return count.load(); }

  std::atomic<int> count{0};

 private:
  std::atomic<int> inside{0};
};

}  // namespace

TEST(SchedulerTest, IdleWorkersUseNoCpu) {
  Context context(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 2});
  Tracker tracker;
  context.spawn(tracker);
  AWAIT_READY(dispatch(tracker, &Tracker::read));
  // Let the workers finish spinning and park, then watch for a while.
  Promise<Nothing> never;
  never.future().await(Milliseconds(50));
  const double before = processCpuSeconds();
  never.future().await(Milliseconds(300));
  const double used = processCpuSeconds() - before;
  EXPECT_LT(used, 0.03) << "idle workers used " << used << "s of CPU in 0.3s";
  context.terminate(tracker);
  context.wait(tracker);
}

TEST(SchedulerTest, TwoProcessesRunInParallel) {
  Context context(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 2});
  Blocker first;
  Blocker second;
  context.spawn(first);
  context.spawn(second);
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto started = std::make_shared<std::atomic<int>>(0);
  Future<Nothing> a = dispatch(first, &Blocker::block, release, started);
  Future<Nothing> b = dispatch(second, &Blocker::block, release, started);
  // Both must be running at the same time: the second is stolen or taken
  // by the other worker while the first occupies its worker.
  Promise<Nothing> never;
  for (int i = 0; i < 1000 && started->load() < 2; ++i) {
    never.future().await(Milliseconds(10));
  }
  EXPECT_EQ(2, started->load());
  release->store(true);
  AWAIT_READY(a);
  AWAIT_READY(b);
  context.terminate(first);
  context.terminate(second);
  context.wait(first);
  context.wait(second);
}

TEST(SchedulerTest, OneProcessNeverRunsOnTwoWorkers) {
  Context context(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 2});
  Tracker tracker;
  context.spawn(tracker);
  constexpr int kThreads = 4;
  constexpr int kEach = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        dispatch(tracker, &Tracker::touch);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  AWAIT_EXPECT_EQ(kThreads * kEach, dispatch(tracker, &Tracker::read));
  context.terminate(tracker);
  context.wait(tracker);
}

TEST(SchedulerTest, AFloodedProcessDoesNotStarveOthers) {
  // One worker: a process with a deep mailbox must yield after a batch.
  Context context(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 1});
  Tracker flooded;
  Tracker other;
  context.spawn(flooded);
  context.spawn(other);
  auto release = std::make_shared<std::atomic<bool>>(false);
  Blocker gate;
  context.spawn(gate);
  // Hold the only worker while the mailboxes fill up.
  auto started = std::make_shared<std::atomic<int>>(0);
  Future<Nothing> held = dispatch(gate, &Blocker::block, release, started);
  Promise<Nothing> never;
  while (started->load() == 0) {
    never.future().await(Milliseconds(1));
  }
  for (int i = 0; i < 100000; ++i) {
    dispatch(flooded, &Tracker::touch);
  }
  // What `other` sees of the flood when it finally runs.
  Future<int> seen = dispatch(other, [&] { return flooded.count.load(); });
  release->store(true);
  AWAIT_READY(seen);
  EXPECT_LT(seen.get(), 10000) << "the flood ran before the other process";
  AWAIT_EXPECT_EQ(100000, dispatch(flooded, &Tracker::read));
  AWAIT_READY(held);
  for (Tracker* t : {&flooded, &other}) {
    context.terminate(*t);
    context.wait(*t);
  }
  context.terminate(gate);
  context.wait(gate);
}

// A process that sends a flood from one event cannot be preempted; with one
// worker its receiver would wait for the whole flood (and hold all of it in
// memory). The sender's worker runs the receiver now and then instead.
class Counted : public Process<Counted> {
 public:
  std::atomic<int> received{0};

 protected:
  void initialize() override {
    install("n", [this](const UPID&, const std::string&) { ++received; });
  }
};

class Flooder : public Process<Flooder> {
 public:
  Flooder(UPID to, int count) : to_(std::move(to)), count_(count) {}
  // What the receiver had handled when the flood was half sent.
  Future<int> seenHalfway() const { return halfway_.future(); }
  Counted* receiver = nullptr;

 protected:
  void initialize() override {
    for (int i = 0; i < count_; ++i) {
      send(to_, "n", "x");
      if (i == count_ / 2) {
        halfway_.set(receiver->received.load());
      }
    }
  }

 private:
  const UPID to_;
  const int count_;
  Promise<int> halfway_;
};

TEST(SchedulerTest, AFloodingSenderLetsItsReceiverRun) {
  Context context(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 1});
  Counted receiver;
  context.spawn(receiver);
  AWAIT_READY(dispatch(receiver, [] { return Nothing(); }));
  Flooder flooder(receiver.self(), 100000);
  flooder.receiver = &receiver;
  context.spawn(flooder);
  AWAIT_READY(flooder.seenHalfway());
  EXPECT_GT(flooder.seenHalfway().get(), 40000)
      << "the receiver waited for the flood to end";
  // The flood is all sent once the flooder handles anything else; then the
  // receiver's next event comes after every message.
  AWAIT_READY(dispatch(flooder, [] { return Nothing(); }));
  AWAIT_READY(dispatch(receiver, [] { return Nothing(); }));
  EXPECT_EQ(100000, receiver.received.load());
  context.terminate(flooder);
  context.terminate(receiver);
  context.wait(flooder);
  context.wait(receiver);
}

TEST(SchedulerTest, WorkersFromOptions) {
  Context one(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 1});
  Context three(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 3});
  EXPECT_EQ(1, one.workers());
  EXPECT_EQ(3, three.workers());
}
