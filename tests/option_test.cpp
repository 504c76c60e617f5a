// Option<T>: None(), Some(x), isSome/isNone/get/getOrElse, comparison and
// printing.
#include <process/option.hpp>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

using namespace process;

namespace {

template <typename T>
std::string print(const Option<T>& option) {
  std::ostringstream out;
  out << option;
  return out.str();
}

Option<int> half(int n) {
  if (n % 2 != 0) {
    return None();
  }
  return n / 2;
}

Option<std::string> named(bool some) {
  if (some) {
    return Some("name");
  }
  return None();
}

}  // namespace

TEST(OptionTest, DefaultIsNone) {
  Option<int> option;
  EXPECT_TRUE(option.isNone());
  EXPECT_FALSE(option.isSome());
}

TEST(OptionTest, None) {
  Option<int> option = None();
  EXPECT_TRUE(option.isNone());
  EXPECT_FALSE(option.isSome());

  Option<std::string> text = None();
  EXPECT_TRUE(text.isNone());

  EXPECT_TRUE(Option<int>::none().isNone());
}

TEST(OptionTest, Some) {
  Option<int> option = Some(42);
  ASSERT_TRUE(option.isSome());
  EXPECT_FALSE(option.isNone());
  EXPECT_EQ(42, option.get());

  EXPECT_EQ(7, Option<int>::some(7).get());
}

TEST(OptionTest, SomeStringLiteralIntoOptionString) {
  Option<std::string> option = Some("text");
  ASSERT_TRUE(option.isSome());
  EXPECT_EQ(std::string("text"), option.get());

  const char* pointer = "pointer";
  Option<std::string> fromPointer = Some(pointer);
  ASSERT_TRUE(fromPointer.isSome());
  EXPECT_EQ(std::string("pointer"), fromPointer.get());

  // Through a function's return value.
  EXPECT_EQ(std::string("name"), named(true).get());
  EXPECT_TRUE(named(false).isNone());
}

TEST(OptionTest, SomeConvertsToOtherTypes) {
  Option<long> wide = Some(3);
  ASSERT_TRUE(wide.isSome());
  EXPECT_EQ(3L, wide.get());

  Option<double> real = Some(2);
  ASSERT_TRUE(real.isSome());
  EXPECT_DOUBLE_EQ(2.0, real.get());

  // A named SomeValue converts as an lvalue too.
  auto some = Some(std::string("lvalue"));
  Option<std::string> a = some;
  Option<std::string> b = some;
  EXPECT_EQ(std::string("lvalue"), a.get());
  EXPECT_EQ(std::string("lvalue"), b.get());
}

TEST(OptionTest, FromValue) {
  Option<int> option = 5;
  ASSERT_TRUE(option.isSome());
  EXPECT_EQ(5, option.get());

  std::string text = "copied";
  Option<std::string> copied = text;
  EXPECT_EQ(text, copied.get());

  EXPECT_EQ(2, half(4).get());
  EXPECT_TRUE(half(3).isNone());
}

TEST(OptionTest, FromStdOptional) {
  std::optional<int> some = 9;
  Option<int> option = some;
  ASSERT_TRUE(option.isSome());
  EXPECT_EQ(9, option.get());

  std::optional<int> none;
  Option<int> empty = none;
  EXPECT_TRUE(empty.isNone());
}

TEST(OptionTest, ConvertsFromOptionOfConvertibleType) {
  Option<int> narrow = 12;
  Option<long> wide = narrow;
  ASSERT_TRUE(wide.isSome());
  EXPECT_EQ(12L, wide.get());

  Option<int> none = None();
  Option<long> wideNone = none;
  EXPECT_TRUE(wideNone.isNone());
}

TEST(OptionTest, GetGivesAccessToTheValue) {
  Option<std::string> option = std::string("abc");
  option.get() += "def";
  EXPECT_EQ(std::string("abcdef"), option.get());

  const Option<std::string>& constant = option;
  EXPECT_EQ(6u, constant.get().size());
}

TEST(OptionTest, GetOnRvalueMovesTheValueOut) {
  Option<std::unique_ptr<int>> option = std::make_unique<int>(3);
  std::unique_ptr<int> taken = std::move(option).get();
  ASSERT_NE(nullptr, taken);
  EXPECT_EQ(3, *taken);
  // The option still holds a (moved-from) value.
  ASSERT_TRUE(option.isSome());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(nullptr, option.get());
}

TEST(OptionTest, GetOrElse) {
  Option<int> some = 1;
  Option<int> none = None();
  EXPECT_EQ(1, some.getOrElse(2));
  EXPECT_EQ(2, none.getOrElse(2));

  Option<std::string> text = None();
  EXPECT_EQ(std::string("fallback"), text.getOrElse("fallback"));
  text = std::string("set");
  EXPECT_EQ(std::string("set"), text.getOrElse("fallback"));
}

TEST(OptionTest, Assignment) {
  Option<int> option;
  option = 3;
  EXPECT_EQ(3, option.get());
  option = None();
  EXPECT_TRUE(option.isNone());
  option = Some(4);
  EXPECT_EQ(4, option.get());
}

TEST(OptionTest, CompareWithNone) {
  Option<int> none = None();
  Option<int> some = 1;

  EXPECT_TRUE(none == None());
  EXPECT_TRUE(None() == none);
  EXPECT_FALSE(none != None());
  EXPECT_FALSE(some == None());
  EXPECT_FALSE(None() == some);
  EXPECT_TRUE(some != None());
  EXPECT_TRUE(None() != some);

  EXPECT_EQ(None(), none);
  EXPECT_NE(None(), some);
}

TEST(OptionTest, CompareWithValues) {
  Option<int> some = 1;
  Option<int> none = None();

  EXPECT_TRUE(some == 1);
  EXPECT_TRUE(1 == some);
  EXPECT_FALSE(some == 2);
  EXPECT_TRUE(some != 2);
  EXPECT_TRUE(2 != some);
  EXPECT_FALSE(none == 1);
  EXPECT_TRUE(none != 1);
  EXPECT_EQ(some, 1);

  EXPECT_TRUE(some == Some(1));
  EXPECT_FALSE(some == Some(2));
  EXPECT_TRUE(some != Some(2));
  EXPECT_FALSE(none == Some(1));

  Option<std::string> text = Some("text");
  EXPECT_TRUE(text == std::string("text"));
  EXPECT_FALSE(text == std::string("other"));
  EXPECT_EQ(text, std::string("text"));
}

TEST(OptionTest, CompareWithOtherOptions) {
  Option<int> one = 1;
  Option<int> anotherOne = Some(1);
  Option<int> two = 2;
  Option<int> none = None();
  Option<int> anotherNone;

  EXPECT_TRUE(one == anotherOne);
  EXPECT_FALSE(one != anotherOne);
  EXPECT_FALSE(one == two);
  EXPECT_TRUE(one != two);
  EXPECT_FALSE(one == none);
  EXPECT_TRUE(one != none);
  EXPECT_TRUE(none == anotherNone);
  EXPECT_FALSE(none != anotherNone);

  EXPECT_EQ(one, anotherOne);
  EXPECT_NE(one, two);
  EXPECT_NE(none, one);
  EXPECT_EQ(none, anotherNone);
}

TEST(OptionTest, UsableInContainers) {
  std::vector<Option<int>> options = {Some(1), None(), 3};
  ASSERT_EQ(3u, options.size());
  EXPECT_EQ(1, options[0].get());
  EXPECT_TRUE(options[1].isNone());
  EXPECT_EQ(3, options[2].get());
}

TEST(OptionTest, Print) {
  EXPECT_EQ("None", print(Option<int>(None())));
  EXPECT_EQ("42", print(Option<int>(42)));
  EXPECT_EQ("-1", print(Option<int>(-1)));
  EXPECT_EQ("text", print(Option<std::string>(Some("text"))));
  EXPECT_EQ("None", print(Option<std::string>()));
}

TEST(OptionDeathTest, GetOnNoneAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Option<int> none = None();
  EXPECT_DEATH((void)none.get(), "Option::get\\(\\) on None");
  const Option<std::string> constNone;
  EXPECT_DEATH((void)constNone.get(), "Option::get\\(\\) on None");
  EXPECT_DEATH((void)Option<int>().get(), "Option::get\\(\\) on None");
}

TEST(OptionTest, Nested) {
  Option<Option<int>> none = None();
  Option<Option<int>> someNone = Some(None());
  Option<Option<int>> someSome = Some(Some(3));
  EXPECT_TRUE(none.isNone());
  ASSERT_TRUE(someNone.isSome());
  EXPECT_TRUE(someNone->isNone());
  ASSERT_TRUE(someSome.isSome());
  EXPECT_EQ(3, someSome->get());
  EXPECT_EQ(3, someSome.get().get());

  // Outer None, Some(None) and Some(Some(3)) are three different values.
  EXPECT_NE(none, someNone);
  EXPECT_NE(someNone, someSome);
  EXPECT_EQ(someSome, Option<Option<int>>(Some(Some(3))));
  EXPECT_TRUE(none == None());
  EXPECT_FALSE(someNone == None());

  // Against the inner type: compares with the inner Option.
  EXPECT_TRUE(someNone == Option<int>());
  EXPECT_TRUE(someSome == Option<int>(3));
  EXPECT_FALSE(someSome == Option<int>(4));
  EXPECT_FALSE(none == Option<int>());
  EXPECT_TRUE(Option<int>(3) == someSome);
  EXPECT_TRUE(Option<int>() != none);
}

TEST(OptionTest, CompareAcrossTypes) {
  Option<long> wide = 3L;
  Option<int> narrow = 3;
  Option<int> none;
  EXPECT_TRUE(wide == narrow);
  EXPECT_TRUE(narrow == wide);
  EXPECT_FALSE(wide == none);
  EXPECT_TRUE(Option<long>() == none);
  EXPECT_TRUE(narrow == 3L);

  // A literal against an Option<std::string>, either way round.
  Option<std::string> text = Some("text");
  EXPECT_TRUE(text == "text");
  EXPECT_TRUE("text" == text);
  EXPECT_TRUE(text != "other");
  EXPECT_FALSE(Option<std::string>() == "text");
}

TEST(OptionTest, ContainersOfOptionsCompare) {
  std::vector<Option<int>> a = {Some(1), None()};
  std::vector<Option<int>> b = {Some(1), None()};
  std::vector<Option<int>> c = {Some(1), Some(2)};
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);

  std::map<std::string, Option<int>> m = {{"a", 1}, {"b", None()}};
  std::map<std::string, Option<int>> n = m;
  EXPECT_EQ(m, n);
  n["b"] = 2;
  EXPECT_NE(m, n);

  // Option of a container.
  Option<std::vector<int>> v = std::vector<int>{1, 2};
  EXPECT_EQ(v, (std::vector<int>{1, 2}));
  EXPECT_NE(v, Option<std::vector<int>>());
}

TEST(OptionTest, Hash) {
  std::hash<Option<int>> hash;
  EXPECT_EQ(hash(Option<int>(5)), hash(Option<int>(5)));
  EXPECT_NE(hash(Option<int>(0)), hash(Option<int>()));
  EXPECT_EQ(0u, hash(Option<int>()));

  std::unordered_set<Option<std::string>> set = {Some("a"), None(), Some("a")};
  EXPECT_EQ(2u, set.size());
  EXPECT_EQ(1u, set.count(None()));
  EXPECT_EQ(1u, set.count(Option<std::string>("a")));
  EXPECT_EQ(0u, set.count(Option<std::string>("b")));

  std::unordered_map<Option<int>, int> map;
  map[None()] = 1;
  map[Some(2)] = 2;
  EXPECT_EQ(1, map[None()]);
  EXPECT_EQ(2, map[2]);
}

TEST(OptionTest, StarAndArrow) {
  Option<std::string> text = std::string("abc");
  EXPECT_EQ(3u, text->size());
  EXPECT_EQ("abc", *text);
  *text += "d";
  EXPECT_EQ("abcd", text.get());
  std::string moved = *std::move(text);
  EXPECT_EQ("abcd", moved);
}

TEST(OptionTest, GetOrElseOnRvalueMoves) {
  Option<std::unique_ptr<int>> option = std::make_unique<int>(4);
  std::unique_ptr<int> taken = std::move(option).getOrElse(nullptr);
  ASSERT_NE(nullptr, taken);
  EXPECT_EQ(4, *taken);
  EXPECT_EQ(nullptr, Option<std::unique_ptr<int>>().getOrElse(nullptr));
}

TEST(OptionTest, MinAndMax) {
  Option<int> one = 1;
  Option<int> two = 2;
  Option<int> none;
  EXPECT_EQ(1, min(one, two).get());
  EXPECT_EQ(2, max(one, two).get());
  EXPECT_EQ(1, min(none, one).get());
  EXPECT_EQ(2, max(two, none).get());
  EXPECT_TRUE(min(none, none).isNone());
  EXPECT_EQ(0, min(one, 0).get());
  EXPECT_EQ(5, max(5, two).get());
}

TEST(OptionTest, BoolOptionFromOtherOptionsConvertsTheValue) {
  // No conversion of an Option to bool: that would be a silent isSome().
  static_assert(!std::is_constructible_v<bool, Option<int>>);
  Option<bool> fromZero = Option<int>(0);
  ASSERT_TRUE(fromZero.isSome());
  EXPECT_FALSE(fromZero.get());
  Option<bool> fromNone = Option<int>();
  EXPECT_TRUE(fromNone.isNone());
  Option<bool> falseValue = false;
  ASSERT_TRUE(falseValue.isSome());
  EXPECT_FALSE(falseValue.get());
}
