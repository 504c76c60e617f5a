// stout's foreach, foreachpair, foreachkey and foreachvalue
// (<stout/foreach.hpp>), as Mesos code writes them.
#include <stout/foreach.hpp>

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

TEST(ForeachTest, WalksARange) {
  const std::vector<int> numbers = {1, 2, 3};
  int sum = 0;
  foreach (int number, numbers) {
    sum += number;
  }
  EXPECT_EQ(6, sum);
}

TEST(ForeachTest, DeclarationsMayBeReferences) {
  std::vector<int> numbers = {1, 2, 3};
  foreach (int& number, numbers) {
    number *= 10;
  }
  EXPECT_EQ((std::vector<int>{10, 20, 30}), numbers);
}

TEST(ForeachTest, PairsGiveKeyAndValue) {
  const std::map<std::string, int> counts = {{"a", 1}, {"b", 2}};
  std::string seen;
  foreachpair (const std::string& key, int value, counts) {
    seen += key + std::to_string(value);
  }
  EXPECT_EQ("a1b2", seen);
}

TEST(ForeachTest, PairValuesMayBeChanged) {
  std::map<std::string, int> counts = {{"a", 1}, {"b", 2}};
  foreachvalue (int& value, counts) {
    value += 100;
  }
  EXPECT_EQ(101, counts["a"]);
  EXPECT_EQ(102, counts["b"]);
}

TEST(ForeachTest, KeysAndValuesAlone) {
  const std::map<std::string, int> counts = {{"a", 1}, {"b", 2}};
  std::string keys;
  int sum = 0;
  foreachkey (const std::string& key, counts) {
    keys += key;
  }
  foreachvalue (int value, counts) {
    sum += value;
  }
  EXPECT_EQ("ab", keys);
  EXPECT_EQ(3, sum);
}

TEST(ForeachTest, BreakLeavesAPairLoop) {
  const std::map<int, int> squares = {{1, 1}, {2, 4}, {3, 9}, {4, 16}};
  std::vector<int> seen;
  foreachpair (int key, int value, squares) {
    if (key == 3) {
      break;
    }
    seen.push_back(value);
  }
  EXPECT_EQ((std::vector<int>{1, 4}), seen);
}

TEST(ForeachTest, BreakOnTheLastElementEnds) {
  const std::map<int, int> squares = {{1, 1}, {2, 4}};
  int runs = 0;
  foreachkey (int key, squares) {
    ++runs;
    if (key == 2) {
      break;
    }
  }
  EXPECT_EQ(2, runs);
}

TEST(ForeachTest, ContinueGoesToTheNextPair) {
  const std::map<int, int> squares = {{1, 1}, {2, 4}, {3, 9}};
  std::vector<int> seen;
  foreachpair (int key, int value, squares) {
    if (key == 2) {
      continue;
    }
    seen.push_back(value);
  }
  EXPECT_EQ((std::vector<int>{1, 9}), seen);
}

TEST(ForeachTest, NestedPairLoops) {
  const std::map<int, int> outer = {{1, 10}, {2, 20}};
  const std::map<int, int> inner = {{3, 30}, {4, 40}};
  int sum = 0;
  foreachpair (int a, int x, outer) {
    foreachpair (int b, int y, inner) {
      if (b == 4) {
        break;
      }
      sum += a * b + x + y;
    }
  }
  // (1*3 + 10 + 30) + (2*3 + 20 + 30)
  EXPECT_EQ(99, sum);
}
