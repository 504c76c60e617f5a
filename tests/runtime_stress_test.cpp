// Races in the runtime, for ThreadSanitizer and AddressSanitizer builds:
// termination against concurrent dispatch, dispatch from many threads,
// wait() against termination, links against a dying process, and spawning
// and terminating a great many processes.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

using namespace process;

// ThreadSanitizer makes each operation several times slower: some counts
// below shrink in that build so that every test stays within seconds on a
// 2-core machine. AddressSanitizer builds run the full counts.
#if defined(__SANITIZE_THREAD__)
#define PROCESSION_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PROCESSION_TSAN 1
#endif
#endif

namespace {

#ifdef PROCESSION_TSAN
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif

// A count for normal builds, and a smaller one under TSan.
constexpr int scaled(int normal, int tsan) {
  return kTsan ? tsan : normal;
}

// Counts its runs; each add() answers with the count so far.
class Counter : public Process<Counter> {
 public:
  int add() { return ++count_; }
  // Records a numbered call from sender `thread`, checking that the calls
  // of each sender arrive in the order they were made.
  void record(int thread, int sequence) {
    if (sequence != next_[thread]) {
      ++outOfOrder_;
    }
    next_[thread] = sequence + 1;
    ++count_;
  }
  int count() const { return count_; }
  int outOfOrder() const { return outOfOrder_; }

  // Read once the process has terminated and been waited for.
  int countAfterTermination() const { return count_; }

 private:
  int count_ = 0;
  int outOfOrder_ = 0;
  int next_[64] = {};
};

TEST(RuntimeStress, TerminateWhileThreadsDispatch) {
  const int kRounds = scaled(20, 10);
  constexpr int kThreads = 4;
  const int kPerThread = scaled(2000, 1000);

  for (int round = 0; round < kRounds; ++round) {
    Counter counter;
    const PID<Counter> pid = spawn(counter);
    ASSERT_TRUE(pid);

    std::vector<std::vector<Future<int>>> futures(kThreads);
    std::latch halfway(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        futures[t].reserve(kPerThread);
        for (int i = 0; i < kPerThread; ++i) {
          futures[t].push_back(dispatch(pid, &Counter::add));
          if (i == kPerThread / 2) {
            halfway.count_down();
          }
        }
      });
    }
    // Terminate from two threads at once, in the middle of the flood.
    halfway.wait();
    std::thread terminator([pid] { terminate(pid); });
    terminate(pid);
    terminator.join();
    for (std::thread& thread : threads) {
      thread.join();
    }
    ASSERT_TRUE(wait(pid, Seconds(15)));

    // Every future is READY (its add() ran) or DISCARDED (dropped), none
    // pending; the READY ones saw each count exactly once.
    std::vector<int> values;
    int pending = 0;
    int discarded = 0;
    for (const auto& perThread : futures) {
      for (const Future<int>& future : perThread) {
        if (!future.await(Seconds(5))) {
          ++pending;
        } else if (future.isReady()) {
          values.push_back(future.get());
        } else if (future.isDiscarded()) {
          ++discarded;
        } else {
          ADD_FAILURE() << "a dispatch's future ended " << future;
        }
      }
    }
    ASSERT_EQ(0, pending) << "round " << round;
    EXPECT_EQ(kThreads * kPerThread,
              static_cast<int>(values.size()) + discarded);
    std::sort(values.begin(), values.end());
    for (size_t i = 0; i < values.size(); ++i) {
      ASSERT_EQ(static_cast<int>(i) + 1, values[i]) << "round " << round;
    }
    EXPECT_EQ(static_cast<int>(values.size()), counter.countAfterTermination());
    // Whatever comes after termination is discarded at once.
    AWAIT_DISCARDED(dispatch(pid, &Counter::add));
  }
}

TEST(RuntimeStress, DispatchFromManyThreadsCountsExactly) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;

  Counter counter;
  const PID<Counter> pid = spawn(counter);
  ASSERT_TRUE(pid);

  std::latch start(kThreads + 1);
  std::vector<Future<int>> last(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        dispatch(pid, &Counter::record, t, i);
      }
      // A value-returning dispatch after the others from this thread.
      last[t] = dispatch(pid, &Counter::count);
    });
  }
  start.arrive_and_wait();
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (const Future<int>& future : last) {
    AWAIT_READY(future);
    EXPECT_GE(future.get(), kPerThread);
  }
  AWAIT_EXPECT_EQ(kThreads * kPerThread, dispatch(pid, &Counter::count));
  AWAIT_EXPECT_EQ(0, dispatch(pid, &Counter::outOfOrder));

  terminate(pid);
  ASSERT_TRUE(wait(pid, Seconds(15)));
}

// Tells when its finalize() has run.
class Finalized : public Process<Finalized> {
 public:
  explicit Finalized(std::atomic<bool>* finalized) : finalized_(finalized) {}

 protected:
  void finalize() override { finalized_->store(true); }

 private:
  std::atomic<bool>* finalized_;
};

TEST(RuntimeStress, WaitWithTimeoutRacesTermination) {
  const int kRounds = scaled(200, 100);

  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> finalized{false};
    auto process = std::make_unique<Finalized>(&finalized);
    const UPID pid = spawn(*process);
    ASSERT_TRUE(pid);

    std::latch start(3);
    // wait() with a short timeout, again and again, until it says true; it
    // must never say true before the process has finished terminating.
    std::atomic<int> early{0};
    std::thread shortWaiter([&] {
      start.arrive_and_wait();
      while (!wait(pid, Microseconds(50))) {
      }
      if (!finalized.load()) {
        ++early;
      }
    });
    std::atomic<bool> longResult{false};
    std::thread longWaiter([&] {
      start.arrive_and_wait();
      longResult = wait(pid, Seconds(15));
      if (!finalized.load()) {
        ++early;
      }
    });
    start.arrive_and_wait();
    terminate(pid);
    shortWaiter.join();
    longWaiter.join();

    EXPECT_TRUE(longResult.load()) << "round " << round;
    EXPECT_EQ(0, early.load()) << "round " << round;
    EXPECT_TRUE(wait(pid, Microseconds(1)));
    process.reset();  // Allowed: it has terminated.
  }
}

// Records every exited() it hears.
class Linker : public Process<Linker> {
 public:
  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }
  std::vector<UPID> exits() const { return exits_; }

 protected:
  void exited(const UPID& pid) override { exits_.push_back(pid); }

 private:
  std::vector<UPID> exits_;
};

class Linkee : public Process<Linkee> {};

TEST(RuntimeStress, LinkToAProcessThatDiesConcurrently) {
  constexpr int kRounds = 500;

  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  options.inMemoryLocalPeers = true;
  Context other(options);
  Linker local;
  Linker remote;  // In another context, reached in memory.
  ASSERT_TRUE(spawn(local));
  ASSERT_TRUE(other.spawn(remote));

  std::vector<UPID> linkees;
  for (int round = 0; round < kRounds; ++round) {
    auto* linkee = new Linkee();
    const UPID pid = spawn(linkee, true);
    ASSERT_TRUE(pid);
    linkees.push_back(pid);

    std::latch start(2);
    std::thread terminator([&] {
      start.arrive_and_wait();
      terminate(pid);
    });
    start.arrive_and_wait();
    Future<Nothing> linkedLocal = dispatch(local, &Linker::linkTo, pid);
    Future<Nothing> linkedRemote = dispatch(remote, &Linker::linkTo, pid);
    terminator.join();
    ASSERT_TRUE(wait(pid, Seconds(15)));
    AWAIT_READY(linkedLocal);
    AWAIT_READY(linkedRemote);
  }

  // Every exit has been queued for the linkers by now (before wait()
  // returned, or in link() itself): each linkee was heard of exactly once,
  // by each linker.
  for (Linker* linker : {&local, &remote}) {
    Future<std::vector<UPID>> exits =
        dispatch(linker->self(), [linker] { return linker->exits(); });
    AWAIT_READY(exits);
    EXPECT_EQ(linkees, exits.get())
        << (linker == &local ? "local" : "remote") << " linker";
  }

  for (const UPID& pid : {UPID(local.self()), UPID(remote.self())}) {
    terminate(pid);
    EXPECT_TRUE(wait(pid, Seconds(15)));
  }
}

// Counts its life's stages in shared counters.
struct Stages {
  std::atomic<int> initialized{0};
  std::atomic<int> finalized{0};
  std::atomic<int> destroyed{0};
};

class Tracked : public Process<Tracked> {
 public:
  explicit Tracked(Stages* stages) : stages_(stages) {}
  ~Tracked() override { stages_->destroyed.fetch_add(1); }

 protected:
  void initialize() override { stages_->initialized.fetch_add(1); }
  void finalize() override { stages_->finalized.fetch_add(1); }

 private:
  Stages* stages_;
};

// A process that finishes an event just as it is terminated from another
// thread: the worker that ran the event and the one that terminates (and,
// for a managed process, deletes) it must not overlap.
TEST(RuntimeStress, TerminateAsAProcessGoesIdle) {
  const int kRounds = scaled(50000, 20000);
  constexpr int kThreads = 2;
  Stages stages;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int round = 0; round < kRounds / kThreads; ++round) {
        const UPID pid = spawn(new Tracked(&stages), true);
        dispatch(pid, [] {});
        terminate(pid);
        wait(pid);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(kRounds / kThreads * kThreads, stages.destroyed.load());
}

// 100,000 processes in every build (3 to 5 s each under TSan on 2 cores);
// ASan checks that none leaks.
constexpr int kMany = 100000;

TEST(RuntimeStress, ManyManagedProcesses) {
  Stages stages;
  std::vector<UPID> pids;
  pids.reserve(kMany);
  for (int i = 0; i < kMany; ++i) {
    const UPID pid = spawn(new Tracked(&stages), true);
    ASSERT_TRUE(pid);
    pids.push_back(pid);
  }
  for (const UPID& pid : pids) {
    terminate(pid);
  }
  for (const UPID& pid : pids) {
    ASSERT_TRUE(wait(pid, Seconds(15)));
  }
  EXPECT_EQ(kMany, stages.initialized.load());
  EXPECT_EQ(kMany, stages.finalized.load());
  EXPECT_EQ(kMany, stages.destroyed.load());
}

TEST(RuntimeStress, ManyUnmanagedProcesses) {
  Stages stages;
  std::vector<std::unique_ptr<Tracked>> processes;
  processes.reserve(kMany);
  for (int i = 0; i < kMany; ++i) {
    processes.push_back(std::make_unique<Tracked>(&stages));
    ASSERT_TRUE(spawn(*processes.back()));
  }
  for (const auto& process : processes) {
    terminate(*process);
  }
  for (const auto& process : processes) {
    ASSERT_TRUE(wait(*process, Seconds(15)));
  }
  EXPECT_EQ(kMany, stages.initialized.load());
  EXPECT_EQ(kMany, stages.finalized.load());
  processes.clear();
  EXPECT_EQ(kMany, stages.destroyed.load());
}

TEST(RuntimeStress, ManyProcessesFromSeveralThreads) {
  constexpr int kThreads = 4;
  const int perThread = kMany / kThreads / 2;
  Stages stages;
  std::latch start(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      std::vector<UPID> pids;
      pids.reserve(perThread);
      for (int i = 0; i < perThread; ++i) {
        const UPID pid = spawn(new Tracked(&stages), true);
        if (!pid) {
          ++failures;
          continue;
        }
        pids.push_back(pid);
        // Terminate some while others are still being spawned.
        if (i % 2 == 1) {
          terminate(pids[i - 1]);
        }
      }
      for (const UPID& pid : pids) {
        terminate(pid);
      }
      for (const UPID& pid : pids) {
        if (!wait(pid, Seconds(15))) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(0, failures.load());
  EXPECT_EQ(kThreads * perThread, stages.initialized.load());
  EXPECT_EQ(kThreads * perThread, stages.finalized.load());
  EXPECT_EQ(kThreads * perThread, stages.destroyed.load());
}

}  // namespace

// The registry grows for a crowd and shrinks once it has gone; lookups by id
// (a UPID parsed from text) still find every survivor on the way down.
TEST(RuntimeStress, LookupsByIdSurviveTheRegistryShrinking) {
  Context context(Context::Options{.ip = "127.0.0.1", .port = 0});
  constexpr int kCrowd = 20000;
  std::vector<std::unique_ptr<ProcessBase>> crowd;
  for (int i = 0; i < kCrowd; ++i) {
    crowd.push_back(
        std::make_unique<ProcessBase>("crowd-" + std::to_string(i)));
    context.spawn(*crowd.back());
  }
  // Terminate all but every hundredth, so shards shrink around survivors.
  for (int i = 0; i < kCrowd; ++i) {
    if (i % 100 != 0) {
      context.terminate(crowd[i]->self());
    }
  }
  for (int i = 0; i < kCrowd; ++i) {
    if (i % 100 != 0) {
      ASSERT_TRUE(context.wait(crowd[i]->self(), Seconds(15)));
    }
  }
  for (int i = 0; i < kCrowd; i += 100) {
    const UPID parsed(stringify(crowd[i]->self()));
    ASSERT_FALSE(parsed.reference) << "a parsed UPID carries no reference";
    AWAIT_EXPECT_EQ(i, dispatch(parsed, [i] { return i; }));
  }
  for (int i = 0; i < kCrowd; i += 100) {
    context.terminate(crowd[i]->self());
    ASSERT_TRUE(context.wait(crowd[i]->self(), Seconds(15)));
  }
}
