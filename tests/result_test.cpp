// Result<T>: some, none or error, as stout's Result.
#include <process/result.hpp>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <process/error.hpp>
#include <process/option.hpp>
#include <process/try.hpp>

using namespace process;

namespace {

Result<int> lookup(int key) {
  if (key < 0) {
    return Error("negative key");
  }
  if (key == 0) {
    return None();
  }
  return key * 10;
}

template <typename T>
std::string print(const Result<T>& result) {
  std::ostringstream out;
  out << result;
  return out.str();
}

}  // namespace

TEST(ResultTest, ThreeStates) {
  Result<int> some = lookup(2);
  ASSERT_TRUE(some.isSome());
  EXPECT_FALSE(some.isNone());
  EXPECT_FALSE(some.isError());
  EXPECT_EQ(20, some.get());
  EXPECT_EQ(20, *some);

  Result<int> none = lookup(0);
  EXPECT_TRUE(none.isNone());
  EXPECT_FALSE(none.isSome());
  EXPECT_FALSE(none.isError());

  Result<int> error = lookup(-1);
  ASSERT_TRUE(error.isError());
  EXPECT_FALSE(error.isSome());
  EXPECT_FALSE(error.isNone());
  EXPECT_EQ("negative key", error.error());
}

TEST(ResultTest, Constructors) {
  EXPECT_TRUE(Result<int>::none().isNone());
  EXPECT_EQ(3, Result<int>::some(3).get());
  EXPECT_EQ("bad", Result<int>::error("bad").error());

  Result<std::string> fromSome = Some("text");
  EXPECT_EQ("text", fromSome.get());
  Result<std::string> fromLiteral = "literal";
  EXPECT_EQ("literal", fromLiteral.get());

  Result<int> fromOption = Option<int>(4);
  EXPECT_EQ(4, fromOption.get());
  Result<int> fromNoneOption = Option<int>();
  EXPECT_TRUE(fromNoneOption.isNone());

  Result<int> fromTry = Try<int>(5);
  EXPECT_EQ(5, fromTry.get());
  Result<int> fromErrorTry = Try<int>(Error("try"));
  EXPECT_EQ("try", fromErrorTry.error());

  Result<int> errno_ = ErrnoError(ENOENT, "stat");
  EXPECT_EQ(std::string("stat: ") + std::strerror(ENOENT), errno_.error());
}

TEST(ResultTest, CompareAndPrint) {
  EXPECT_EQ(Result<int>(1), Result<int>(1));
  EXPECT_NE(Result<int>(1), Result<int>(None()));
  EXPECT_NE(Result<int>(None()), Result<int>(Error("e")));
  EXPECT_EQ("1", print(Result<int>(1)));
  EXPECT_EQ("None", print(Result<int>(None())));
  EXPECT_EQ("Error(e)", print(Result<int>(Error("e"))));
}

TEST(ResultTest, ArrowAndMove) {
  Result<std::string> text = std::string("abc");
  EXPECT_EQ(3u, text->size());
  std::string taken = std::move(text).get();
  EXPECT_EQ("abc", taken);
}

TEST(ResultDeathTest, GetOnNoneOrErrorAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Result<int> none = None();
  EXPECT_DEATH((void)none.get(), "Result::get\\(\\) on None");
  Result<int> error = Error("the reason");
  EXPECT_DEATH((void)error.get(), "Result::get\\(\\) on an error: the reason");
}
