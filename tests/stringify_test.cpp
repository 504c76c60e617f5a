// stringify(): stout's text for values, strings, bools, Errors and
// containers (nested too), alongside the one-type overloads (Duration, UPID).
#include <process/stringify.hpp>

#include <deque>
#include <list>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include <process/duration.hpp>
#include <process/error.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>

using namespace process;

namespace {

struct Point {
  int x;
  int y;
};

std::ostream& operator<<(std::ostream& stream, const Point& point) {
  return stream << "(" << point.x << "," << point.y << ")";
}

}  // namespace

TEST(StringifyTest, Values) {
  EXPECT_EQ("42", stringify(42));
  EXPECT_EQ("-7", stringify(-7L));
  EXPECT_EQ("1.5", stringify(1.5));
  EXPECT_EQ("x", stringify('x'));
  EXPECT_EQ("literal", stringify("literal"));
  EXPECT_EQ("(1,2)", stringify(Point{1, 2}));
  EXPECT_EQ("Nothing", stringify(Nothing()));
  EXPECT_EQ("None", stringify(Option<int>()));
  EXPECT_EQ("3", stringify(Option<int>(3)));
}

TEST(StringifyTest, StringIsItself) {
  const std::string text = "with spaces\nand a newline";
  EXPECT_EQ(text, stringify(text));
  EXPECT_EQ("", stringify(std::string()));
}

TEST(StringifyTest, Bool) {
  EXPECT_EQ("true", stringify(true));
  EXPECT_EQ("false", stringify(false));
  EXPECT_EQ("[ true, false ]", stringify(std::vector<bool>{true, false}));
}

TEST(StringifyTest, Error) {
  EXPECT_EQ("the reason", stringify(Error("the reason")));
}

TEST(StringifyTest, Sequences) {
  EXPECT_EQ("[ 1, 2, 3 ]", stringify(std::vector<int>{1, 2, 3}));
  EXPECT_EQ("[ a, b ]", stringify(std::list<std::string>{"a", "b"}));
  EXPECT_EQ("[ 1 ]", stringify(std::deque<int>{1}));
  // stout prints an empty container with both spaces.
  EXPECT_EQ("[  ]", stringify(std::vector<int>()));
  EXPECT_EQ("[  ]", stringify(std::list<int>()));
}

TEST(StringifyTest, Sets) {
  EXPECT_EQ("{ 1, 2 }", stringify(std::set<int>{2, 1}));
  EXPECT_EQ("{  }", stringify(std::set<int>()));
  EXPECT_EQ("{ 7 }", stringify(std::unordered_set<int>{7}));
}

TEST(StringifyTest, Maps) {
  EXPECT_EQ("{ a: 1, b: 2 }",
            stringify(std::map<std::string, int>{{"b", 2}, {"a", 1}}));
  EXPECT_EQ("{  }", stringify(std::map<int, int>()));
  EXPECT_EQ("{ k: true }",
            stringify(std::unordered_map<std::string, bool>{{"k", true}}));
}

TEST(StringifyTest, Nested) {
  // Containers of containers, in either order of declaration.
  std::map<std::string, std::vector<int>> byName = {{"a", {1, 2}}, {"b", {}}};
  EXPECT_EQ("{ a: [ 1, 2 ], b: [  ] }", stringify(byName));
  std::vector<std::map<int, std::set<int>>> deep = {{{1, {2, 3}}}};
  EXPECT_EQ("[ { 1: { 2, 3 } } ]", stringify(deep));
  std::vector<std::vector<std::string>> grid = {{"a"}, {"b", "c"}};
  EXPECT_EQ("[ [ a ], [ b, c ] ]", stringify(grid));
}

TEST(StringifyTest, OneTypeOverloadsStillWin) {
  EXPECT_EQ("5secs", stringify(Seconds(5)));
  const Duration d = Milliseconds(3);
  EXPECT_EQ("3ms", stringify(d));
  EXPECT_EQ("[ 1secs ]", stringify(std::vector<Duration>{Seconds(1)}));

  const UPID pid("master@127.0.0.1:5050");
  EXPECT_EQ("master@127.0.0.1:5050", stringify(pid));
  EXPECT_EQ("[ master@127.0.0.1:5050 ]", stringify(std::vector<UPID>{pid}));
}
