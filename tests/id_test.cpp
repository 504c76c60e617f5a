// ID::generate: "prefix(1)", "prefix(2)", … with one counter per prefix,
// unique across threads.
#include <process/id.hpp>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using namespace process;

// The counters live for the whole program, so each test uses prefixes of its
// own.

TEST(IdTest, CountsFromOne) {
  EXPECT_EQ("counts(1)", ID::generate("counts"));
  EXPECT_EQ("counts(2)", ID::generate("counts"));
  EXPECT_EQ("counts(3)", ID::generate("counts"));
}

TEST(IdTest, OneCounterPerPrefix) {
  EXPECT_EQ("alpha(1)", ID::generate("alpha"));
  EXPECT_EQ("beta(1)", ID::generate("beta"));
  EXPECT_EQ("alpha(2)", ID::generate("alpha"));
  EXPECT_EQ("beta(2)", ID::generate("beta"));
  EXPECT_EQ("beta(3)", ID::generate("beta"));
  EXPECT_EQ("alpha(3)", ID::generate("alpha"));
  // Prefixes that share a beginning are still different prefixes.
  EXPECT_EQ("alphabet(1)", ID::generate("alphabet"));
  EXPECT_EQ("alpha(4)", ID::generate("alpha"));
}

TEST(IdTest, PrefixIsKeptVerbatim) {
  EXPECT_EQ("with space(1)", ID::generate("with space"));
  EXPECT_EQ("slash/ed(1)", ID::generate("slash/ed"));
  EXPECT_EQ("paren(1)(1)", ID::generate("paren(1)"));
}

TEST(IdTest, EmptyPrefix) {
  // The default prefix is empty and has a counter of its own. Other code in
  // this program may have used it, so only the form and the order are
  // checked.
  std::string first = ID::generate();
  std::string second = ID::generate("");
  ASSERT_GE(first.size(), 3u);
  EXPECT_EQ('(', first.front());
  EXPECT_EQ(')', first.back());
  const long a = std::stol(first.substr(1, first.size() - 2));
  const long b = std::stol(second.substr(1, second.size() - 2));
  EXPECT_GE(a, 1);
  EXPECT_EQ(a + 1, b);
}

TEST(IdTest, ManyIdsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 1; i <= 1000; ++i) {
    std::string id = ID::generate("many");
    EXPECT_EQ("many(" + std::to_string(i) + ")", id);
    ids.insert(id);
  }
  EXPECT_EQ(1000u, ids.size());
}

TEST(IdTest, ConcurrentCallsGiveUniqueNames) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<std::string>> generated(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&generated, t] {
      generated[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) {
        generated[t].push_back(ID::generate("concurrent"));
        // Interleave a second prefix to stress the table of counters.
        if (i % 4 == 0) {
          ID::generate("concurrent-other-" + std::to_string(t));
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  std::set<std::string> all;
  for (const auto& ids : generated) {
    ASSERT_EQ(size_t(kPerThread), ids.size());
    all.insert(ids.begin(), ids.end());
  }
  // Unique, and exactly the numbers 1 .. kThreads * kPerThread.
  ASSERT_EQ(size_t(kThreads * kPerThread), all.size());
  for (int i = 1; i <= kThreads * kPerThread; ++i) {
    EXPECT_EQ(1u, all.count("concurrent(" + std::to_string(i) + ")")) << i;
  }
  // Each thread saw its own numbers in increasing order.
  for (const auto& ids : generated) {
    long last = 0;
    for (const std::string& id : ids) {
      const long n = std::stol(id.substr(std::string("concurrent(").size()));
      EXPECT_GT(n, last);
      last = n;
    }
  }
  // The other prefixes counted on their own.
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ("concurrent-other-" + std::to_string(t) + "(" +
                  std::to_string(kPerThread / 4 + 1) + ")",
              ID::generate("concurrent-other-" + std::to_string(t)));
  }
}
