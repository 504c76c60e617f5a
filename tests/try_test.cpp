// Try<T>: a value or the Error that prevented it; ErrnoError; conversion to
// Future<T>.
#include <process/try.hpp>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include <process/error.hpp>
#include <process/future.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>

using namespace process;

namespace {

Try<int> parsePositive(int n) {
  if (n <= 0) {
    return Error("not positive: " + std::to_string(n));
  }
  return n;
}

Try<std::string> openFile(bool ok) {
  if (!ok) {
    return ErrnoError(ENOENT, "open");
  }
  return "contents";
}

template <typename T>
std::string print(const Try<T>& t) {
  std::ostringstream out;
  out << t;
  return out.str();
}

}  // namespace

TEST(TryTest, Value) {
  Try<int> t = 5;
  ASSERT_TRUE(t.isSome());
  EXPECT_FALSE(t.isError());
  EXPECT_EQ(5, t.get());
  EXPECT_EQ(5, *t);
  EXPECT_EQ("", t.error());
}

TEST(TryTest, ValueFromFunction) {
  Try<int> ok = parsePositive(3);
  ASSERT_TRUE(ok.isSome());
  EXPECT_EQ(3, ok.get());

  Try<int> bad = parsePositive(-2);
  ASSERT_TRUE(bad.isError());
  EXPECT_EQ("not positive: -2", bad.error());
}

TEST(TryTest, Error) {
  Try<int> t = Error("something went wrong");
  ASSERT_TRUE(t.isError());
  EXPECT_FALSE(t.isSome());
  EXPECT_EQ("something went wrong", t.error());
}

TEST(TryTest, StaticConstructors) {
  Try<int> some = Try<int>::some(4);
  ASSERT_TRUE(some.isSome());
  EXPECT_EQ(4, some.get());

  Try<int> error = Try<int>::error("bad");
  ASSERT_TRUE(error.isError());
  EXPECT_EQ("bad", error.error());
}

TEST(TryTest, ErrorMessageIsPublic) {
  Error error("why");
  EXPECT_EQ("why", error.message);
}

TEST(TryTest, ErrnoErrorWithCodeAndMessage) {
  ErrnoError error(ENOENT, "open");
  EXPECT_EQ(ENOENT, error.code);
  EXPECT_EQ(std::string("open: ") + std::strerror(ENOENT), error.message);
}

TEST(TryTest, ErrnoErrorWithCode) {
  ErrnoError error(EACCES);
  EXPECT_EQ(EACCES, error.code);
  EXPECT_EQ(std::string(std::strerror(EACCES)), error.message);
}

TEST(TryTest, ErrnoErrorTakesErrno) {
  errno = EPIPE;
  ErrnoError plain;
  EXPECT_EQ(EPIPE, plain.code);
  EXPECT_EQ(std::string(std::strerror(EPIPE)), plain.message);

  errno = EINTR;
  ErrnoError withMessage("read");
  EXPECT_EQ(EINTR, withMessage.code);
  EXPECT_EQ(std::string("read: ") + std::strerror(EINTR), withMessage.message);
}

TEST(TryTest, ErrnoErrorIntoTry) {
  Try<std::string> t = openFile(false);
  ASSERT_TRUE(t.isError());
  EXPECT_NE(std::string::npos, t.error().find(std::strerror(ENOENT)))
      << t.error();
  EXPECT_EQ(0u, t.error().find("open: ")) << t.error();

  Try<std::string> ok = openFile(true);
  ASSERT_TRUE(ok.isSome());
  EXPECT_EQ("contents", ok.get());
}

TEST(TryTest, ConvertsFromConvertibleValues) {
  Try<std::string> text = "literal";
  ASSERT_TRUE(text.isSome());
  EXPECT_EQ("literal", text.get());

  Try<long> wide = 3;
  ASSERT_TRUE(wide.isSome());
  EXPECT_EQ(3L, wide.get());

  Try<Option<int>> none = None();
  ASSERT_TRUE(none.isSome());
  EXPECT_TRUE(none.get().isNone());

  Try<Option<int>> some = Some(2);
  ASSERT_TRUE(some.isSome());
  EXPECT_EQ(2, some.get().get());
}

TEST(TryTest, Nothing) {
  Try<Nothing> ok = Nothing();
  EXPECT_TRUE(ok.isSome());
  Try<Nothing> bad = Error("no");
  EXPECT_TRUE(bad.isError());
  EXPECT_EQ("no", bad.error());
}

TEST(TryTest, ArrowAndStarReachTheValue) {
  Try<std::string> t = std::string("abc");
  EXPECT_EQ(3u, t->size());
  t->append("d");
  EXPECT_EQ("abcd", *t);
  const Try<std::string>& constant = t;
  EXPECT_EQ(4u, constant->size());
  EXPECT_EQ("abcd", *constant);
}

TEST(TryTest, MoveOnlyValue) {
  Try<std::unique_ptr<int>> t = std::make_unique<int>(8);
  ASSERT_TRUE(t.isSome());
  EXPECT_EQ(8, *t.get());
  std::unique_ptr<int> taken = std::move(t).get();
  ASSERT_NE(nullptr, taken);
  EXPECT_EQ(8, *taken);
}

TEST(TryTest, CopyAndAssign) {
  Try<std::string> a = std::string("value");
  Try<std::string> b = a;
  EXPECT_EQ("value", b.get());

  Try<std::string> c = Error("error");
  c = a;
  ASSERT_TRUE(c.isSome());
  EXPECT_EQ("value", c.get());

  c = Error("again");
  ASSERT_TRUE(c.isError());
  EXPECT_EQ("again", c.error());
  // `a` is untouched.
  EXPECT_EQ("value", a.get());
}

TEST(TryTest, CustomErrorType) {
  Try<int, ErrnoError> t = ErrnoError(EBADF, "close");
  ASSERT_TRUE(t.isError());
  // As stout: error() is the E itself when E is not Error.
  const ErrnoError& error = t.error();
  EXPECT_EQ(EBADF, error.code);
  EXPECT_EQ(std::string("close: ") + std::strerror(EBADF), error.message);
  using ErrnoTry = Try<int, ErrnoError>;
  EXPECT_EQ(EBADF, ErrnoTry::error(ErrnoError(EBADF)).error().code);

  Try<int, ErrnoError> ok = 1;
  ASSERT_TRUE(ok.isSome());
  EXPECT_EQ(1, ok.get());
}

TEST(TryTest, ConvertsToFuture) {
  Future<int> ready = Try<int>(3);
  ASSERT_TRUE(ready.isReady());
  EXPECT_EQ(3, ready.get());

  Future<int> failed = Try<int>(Error("failure text"));
  ASSERT_TRUE(failed.isFailed());
  EXPECT_EQ("failure text", failed.failure());

  Future<int> fromFunction = parsePositive(0);
  ASSERT_TRUE(fromFunction.isFailed());
  EXPECT_EQ("not positive: 0", fromFunction.failure());
}

TEST(TryTest, ErrorConvertsToFailure) {
  Failure failure(Error("converted"));
  EXPECT_EQ("converted", failure.message);
  Future<int> future = Failure(ErrnoError(ENOENT, "stat"));
  ASSERT_TRUE(future.isFailed());
  EXPECT_EQ(std::string("stat: ") + std::strerror(ENOENT), future.failure());
}

TEST(TryTest, Print) {
  EXPECT_EQ("7", print(Try<int>(7)));
  EXPECT_EQ("Error(bad)", print(Try<int>(Error("bad"))));
}

TEST(TryDeathTest, GetOnErrorAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Try<int> t = Error("the reason");
  EXPECT_DEATH((void)t.get(), "Try::get\\(\\) on an error: the reason");
  const Try<int>& constant = t;
  EXPECT_DEATH((void)constant.get(), "Try::get\\(\\) on an error");
  EXPECT_DEATH((void)*t, "the reason");
}

TEST(TryTest, Compare) {
  EXPECT_EQ(Try<int>(1), Try<int>(1));
  EXPECT_NE(Try<int>(1), Try<int>(2));
  EXPECT_NE(Try<int>(1), Try<int>(Error("1")));
  EXPECT_EQ(Try<int>(Error("x")), Try<int>(Error("x")));
  EXPECT_NE(Try<int>(Error("x")), Try<int>(Error("y")));
  // A value converts to a Try to compare.
  EXPECT_TRUE(Try<int>(3) == 3);
  EXPECT_EQ(Error("a"), Error("a"));
  EXPECT_NE(Error("a"), Error("b"));
}

TEST(TryTest, SomeIntoTry) {
  Try<std::string> text = Some("some");
  ASSERT_TRUE(text.isSome());
  EXPECT_EQ("some", text.get());
  Try<Option<int>> nested = Some(Some(4));
  ASSERT_TRUE(nested.isSome());
  EXPECT_EQ(4, nested->get());
}

TEST(TryTest, OfOption) {
  Try<Option<int>> none = None();
  Try<Option<int>> some = Some(1);
  Try<Option<int>> error = Error("e");
  EXPECT_EQ(none, Try<Option<int>>(None()));
  EXPECT_NE(none, some);
  EXPECT_NE(some, error);
  EXPECT_TRUE(none->isNone());
  EXPECT_EQ(1, some->get());
  EXPECT_EQ("e", error.error());
}

TEST(TryTest, ErrorIsAReferenceToTheMessage) {
  Try<int> t = Error("kept");
  const std::string& message = t.error();
  EXPECT_EQ("kept", message);
  EXPECT_EQ(&message, &t.error());
}

TEST(TryTest, PrintError) {
  std::ostringstream out;
  out << Error("why") << " " << ErrnoError(ENOENT, "x");
  EXPECT_EQ(std::string("why x: ") + std::strerror(ENOENT), out.str());
  std::ostringstream custom;
  custom << Try<int, ErrnoError>(ErrnoError(EBADF, "close"));
  EXPECT_EQ(std::string("Error(close: ") + std::strerror(EBADF) + ")",
            custom.str());
}
