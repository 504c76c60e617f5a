// Option<T>: None(), Some(x), isSome/isNone/get/getOrElse, comparison and
// printing.
#include <process/option.hpp>

#include <memory>
#include <sstream>
#include <string>
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
