// Thread-safety stress tests for Future/Promise, meant above all for the
// ThreadSanitizer build: threads register callbacks, complete, discard,
// associate and compose the same futures at once. Iteration counts are
// bounded so that each test stays well under two seconds under TSan.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>

using namespace process;

namespace {

constexpr int kIterations = 60;

// Runs body(0) … body(n - 1) on n threads released at the same moment, and
// joins them.
template <typename F>
void runConcurrently(int n, const F& body) {
  std::atomic<int> waiting{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      waiting.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
        std::this_thread::yield();
      }
      body(i);
    });
  }
  while (waiting.load() < n) {
    std::this_thread::yield();
  }
  go.store(true, std::memory_order_release);
  for (std::thread& thread : threads) {
    thread.join();
  }
}

// One counter per callback, to check each ran exactly once.
class Counters {
 public:
  explicit Counters(size_t n) : counts_(new std::atomic<int>[n]), n_(n) {
    for (size_t i = 0; i < n; ++i) {
      counts_[i].store(0);
    }
  }
  void hit(size_t i) { counts_[i].fetch_add(1); }
  int at(size_t i) const { return counts_[i].load(); }
  size_t size() const { return n_; }
  // How many counters are not `expected`.
  int mismatches(int expected) const {
    int wrong = 0;
    for (size_t i = 0; i < n_; ++i) {
      wrong += counts_[i].load() != expected ? 1 : 0;
    }
    return wrong;
  }

 private:
  std::unique_ptr<std::atomic<int>[]> counts_;
  size_t n_;
};

enum Winner { kSet = 0, kFail = 1, kDiscard = 2 };

}  // namespace

// Two threads register callbacks while three race to set, fail and discard
// the promise: exactly one completion wins, and every callback runs exactly
// once (or, if it does not match the outcome, never).
TEST(FutureStressTest, OneCompletionWinsAndEveryCallbackRunsOnce) {
  constexpr int kRegistrars = 2;
  constexpr int kPerRegistrar = 20;
  constexpr size_t kCallbacks = kRegistrars * kPerRegistrar;
  int problems = 0;
  for (int iteration = 0; iteration < kIterations && problems == 0;
       ++iteration) {
    Promise<int> promise;
    const Future<int> future = promise.future();
    Counters any(kCallbacks);
    Counters ready(kCallbacks);
    Counters failed(kCallbacks);
    Counters discarded(kCallbacks);
    std::atomic<int> inconsistent{0};
    std::atomic<bool> won[3] = {false, false, false};

    runConcurrently(kRegistrars + 3, [&](int thread) {
      if (thread < kRegistrars) {
        Future<int> copy = future;  // Each thread uses its own copy.
        for (int j = 0; j < kPerRegistrar; ++j) {
          const size_t slot = thread * kPerRegistrar + j;
          copy.onAny([&, slot](const Future<int>& f) {
            any.hit(slot);
            if (f.isPending()) {
              inconsistent.fetch_add(1);
            }
          });
          copy.onReady([&, slot, iteration](int value) {
            ready.hit(slot);
            if (value != iteration) {
              inconsistent.fetch_add(1);
            }
          });
          copy.onFailed([&, slot](const std::string& message) {
            failed.hit(slot);
            if (message != "failed") {
              inconsistent.fetch_add(1);
            }
          });
          copy.onDiscarded([&, slot] { discarded.hit(slot); });
        }
      } else if (thread == kRegistrars + kSet) {
        won[kSet] = promise.set(iteration);
      } else if (thread == kRegistrars + kFail) {
        won[kFail] = promise.fail("failed");
      } else {
        won[kDiscard] = promise.discard();
      }
    });

    const int winners = int(won[kSet]) + int(won[kFail]) + int(won[kDiscard]);
    EXPECT_EQ(1, winners) << "iteration " << iteration;
    EXPECT_EQ(0, inconsistent.load()) << "iteration " << iteration;
    EXPECT_EQ(0, any.mismatches(1)) << "iteration " << iteration;
    EXPECT_EQ(0, ready.mismatches(won[kSet] ? 1 : 0))
        << "iteration " << iteration;
    EXPECT_EQ(0, failed.mismatches(won[kFail] ? 1 : 0))
        << "iteration " << iteration;
    EXPECT_EQ(0, discarded.mismatches(won[kDiscard] ? 1 : 0))
        << "iteration " << iteration;
    if (won[kSet]) {
      EXPECT_TRUE(future.isReady());
      EXPECT_EQ(iteration, future.get());
    } else if (won[kFail]) {
      EXPECT_TRUE(future.isFailed());
      EXPECT_EQ("failed", future.failure());
    } else if (won[kDiscard]) {
      EXPECT_TRUE(future.isDiscarded());
    }
    problems += ::testing::Test::HasFailure() ? 1 : 0;
  }
}

// A discard request races with the producer setting or discarding the
// promise, while another thread registers onDiscard and onAny callbacks.
TEST(FutureStressTest, DiscardRequestRacesWithCompletion) {
  constexpr int kPerThread = 20;
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    Promise<int> promise;
    const Future<int> future = promise.future();
    Counters onDiscard(kPerThread);
    Counters onAny(kPerThread);
    std::atomic<bool> requested{false};
    std::atomic<bool> set{false};
    std::atomic<bool> discarded{false};

    runConcurrently(4, [&](int thread) {
      switch (thread) {
        case 0:
          requested = future.discard();
          break;
        case 1:
          set = promise.set(iteration);
          break;
        case 2:
          discarded = promise.discard();
          break;
        case 3:
          for (int j = 0; j < kPerThread; ++j) {
            future.onDiscard([&, j] { onDiscard.hit(j); });
            future.onAny([&, j] { onAny.hit(j); });
          }
          break;
      }
    });

    EXPECT_NE(set.load(), discarded.load());
    EXPECT_EQ(requested.load(), future.hasDiscard());
    EXPECT_FALSE(future.isPending());
    EXPECT_EQ(0, onAny.mismatches(1));
    for (int j = 0; j < kPerThread; ++j) {
      // Never twice; never without a successful request.
      EXPECT_LE(onDiscard.at(j), requested ? 1 : 0) << j;
    }
    EXPECT_FALSE(future.discard());
  }
}

// Several threads ask for a discard of the same pending future at once: one
// request succeeds and each onDiscard callback runs once.
TEST(FutureStressTest, ConcurrentDiscardRequests) {
  constexpr int kThreads = 4;
  constexpr int kCallbacks = 10;
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    Promise<int> promise;
    const Future<int> future = promise.future();
    Counters before(kCallbacks);
    for (int j = 0; j < kCallbacks; ++j) {
      future.onDiscard([&, j] { before.hit(j); });
    }
    std::atomic<int> successes{0};
    runConcurrently(kThreads, [&](int) {
      if (future.discard()) {
        successes.fetch_add(1);
      }
    });
    EXPECT_EQ(1, successes.load());
    EXPECT_EQ(0, before.mismatches(1));
    EXPECT_TRUE(future.hasDiscard());
    EXPECT_TRUE(future.isPending());
  }
}

// Threads build then chains on one pending future while another sets it;
// every chain ends READY with the value computed once per stage.
TEST(FutureStressTest, ConcurrentThenChains) {
  constexpr int kBuilders = 3;
  constexpr int kChainsPerBuilder = 5;
  constexpr int kLength = 4;
  for (int iteration = 0; iteration < kIterations / 3 && !HasFailure();
       ++iteration) {
    Promise<int> promise;
    const Future<int> source = promise.future();
    std::atomic<int> stages{0};
    std::vector<std::vector<Future<int>>> results(kBuilders);

    runConcurrently(kBuilders + 1, [&](int thread) {
      if (thread == kBuilders) {
        promise.set(iteration);
        return;
      }
      for (int c = 0; c < kChainsPerBuilder; ++c) {
        Future<int> chain = source;
        for (int s = 0; s < kLength; ++s) {
          if (s % 2 == 0) {
            chain = chain.then([&](int v) {
              stages.fetch_add(1);
              return v + 1;
            });
          } else {
            chain = chain.then([&](int v) {
              stages.fetch_add(1);
              return Future<int>(v + 1);
            });
          }
        }
        results[thread].push_back(chain);
      }
    });

    for (const auto& chains : results) {
      for (const Future<int>& chain : chains) {
        AWAIT_EXPECT_EQ(iteration + kLength, chain);
      }
    }
    EXPECT_EQ(kBuilders * kChainsPerBuilder * kLength, stages.load());
  }
}

// A discard on the end of a chain races with the source being set: the end
// is READY exactly when the last continuation ran, else DISCARDED; each
// continuation runs at most once.
TEST(FutureStressTest, DiscardOfChainRacesWithSet) {
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    Promise<int> promise;
    std::atomic<int> first{0};
    std::atomic<int> second{0};
    Future<int> result = promise.future()
                             .then([&](int v) {
                               first.fetch_add(1);
                               return v + 1;
                             })
                             .then([&](int v) {
                               second.fetch_add(1);
                               return v * 2;
                             });
    std::atomic<bool> requested{false};
    runConcurrently(2, [&](int thread) {
      if (thread == 0) {
        requested = result.discard();
      } else {
        promise.set(iteration);
      }
    });
    EXPECT_PRED_FORMAT2(Await, result, Seconds(15));
    EXPECT_LE(first.load(), 1);
    EXPECT_LE(second.load(), first.load());
    if (result.isReady()) {
      EXPECT_EQ(1, second.load());
      EXPECT_EQ((iteration + 1) * 2, result.get());
    } else {
      EXPECT_TRUE(result.isDiscarded());
      EXPECT_EQ(0, second.load());
      EXPECT_TRUE(requested.load());
    }
  }
}

// A promise is associated with another future while that future is set and
// the follower is asked to discard; callbacks registered meanwhile on the
// follower run once, and it ends with the value.
TEST(FutureStressTest, AssociationRacesWithCompletion) {
  constexpr int kCallbacks = 20;
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    Promise<int> inner;
    Promise<int> outer;
    const Future<int> follower = outer.future();
    Counters ready(kCallbacks);
    std::atomic<bool> associated{false};
    runConcurrently(4, [&](int thread) {
      switch (thread) {
        case 0:
          associated = outer.set(inner.future());
          break;
        case 1:
          inner.set(iteration);
          break;
        case 2:
          follower.discard();
          break;
        case 3:
          for (int j = 0; j < kCallbacks; ++j) {
            follower.onReady([&, j](int v) {
              if (v == iteration) {
                ready.hit(j);
              }
            });
          }
          break;
      }
    });
    EXPECT_TRUE(associated.load());
    AWAIT_EXPECT_EQ(iteration, follower);
    EXPECT_EQ(0, ready.mismatches(1));
  }
}

// Threads register onAbandoned callbacks and then chains while another
// destroys the promise: each onAbandoned runs once, each chain is abandoned.
TEST(FutureStressTest, AbandonmentRacesWithRegistration) {
  constexpr int kRegistrars = 2;
  constexpr int kPerRegistrar = 10;
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    std::optional<Promise<int>> promise(std::in_place);
    const Future<int> future = promise->future();
    Counters abandoned(kRegistrars * kPerRegistrar);
    std::vector<std::vector<Future<int>>> chains(kRegistrars);
    runConcurrently(kRegistrars + 1, [&](int thread) {
      if (thread == kRegistrars) {
        promise.reset();
        return;
      }
      for (int j = 0; j < kPerRegistrar; ++j) {
        const size_t slot = thread * kPerRegistrar + j;
        future.onAbandoned([&, slot] { abandoned.hit(slot); });
        chains[thread].push_back(future.then([](int v) { return v; }));
      }
    });
    EXPECT_TRUE(future.isAbandoned());
    EXPECT_EQ(0, abandoned.mismatches(1));
    for (const auto& list : chains) {
      for (const Future<int>& chain : list) {
        EXPECT_TRUE(chain.isAbandoned());
        EXPECT_TRUE(chain.isPending());
      }
    }
  }
}

// Threads block in get() and await() while another sets the value.
TEST(FutureStressTest, WaitersSeeTheValue) {
  constexpr int kWaiters = 3;
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    Promise<std::string> promise;
    const Future<std::string> future = promise.future();
    const std::string expected = "value " + std::to_string(iteration);
    std::atomic<int> good{0};
    runConcurrently(kWaiters + 1, [&](int thread) {
      if (thread == kWaiters) {
        promise.set(expected);
      } else if (thread % 2 == 0) {
        if (future.get() == expected) {
          good.fetch_add(1);
        }
      } else {
        if (future.await(Seconds(15)) && future.get() == expected) {
          good.fetch_add(1);
        }
      }
    });
    EXPECT_EQ(kWaiters, good.load());
  }
}

// recover and repair chains built while the source fails concurrently.
TEST(FutureStressTest, ConcurrentRecoverAndRepair) {
  constexpr int kBuilders = 2;
  constexpr int kPerBuilder = 10;
  for (int iteration = 0; iteration < kIterations && !HasFailure();
       ++iteration) {
    Promise<int> promise;
    const Future<int> source = promise.future();
    std::atomic<int> recovered{0};
    std::vector<std::vector<Future<int>>> results(kBuilders);
    runConcurrently(kBuilders + 1, [&](int thread) {
      if (thread == kBuilders) {
        promise.fail("failed");
        return;
      }
      for (int j = 0; j < kPerBuilder; ++j) {
        if (j % 2 == 0) {
          results[thread].push_back(source.recover([&](const Future<int>& f) {
            recovered.fetch_add(1);
            return f.isFailed() ? 1 : -1;
          }));
        } else {
          results[thread].push_back(source.repair([&](const Future<int>& f) {
            recovered.fetch_add(1);
            return f.isFailed() ? 1 : -1;
          }));
        }
      }
    });
    for (const auto& list : results) {
      for (const Future<int>& result : list) {
        AWAIT_EXPECT_EQ(1, result);
      }
    }
    EXPECT_EQ(kBuilders * kPerBuilder, recovered.load());
  }
}
