// <stout/gtest.hpp>: stout's GoogleTest assertions on Option, Try and
// Result, which Mesos's tests use on almost every page:
//
//   Try<int> parsed = numify<int>("42");
//   ASSERT_SOME(parsed);             // fails with the error's message
//   EXPECT_SOME_EQ(42, parsed);
//   EXPECT_NONE(Option<int>::none());
//   EXPECT_ERROR(Try<int>(Error("no")));
//
// ASSERT_SOME passes on an Option, Try or Result that holds a value;
// ASSERT_NONE on a none Option or Result; ASSERT_ERROR on an error Try or
// Result. The _EQ, _NE, _TRUE and _FALSE forms first assert SOME.
#pragma once

#include <gtest/gtest.h>

#include <process/stout.hpp>

namespace process::testing {

template <typename T>
::testing::AssertionResult assertSome(const char* expression,
                                      const Option<T>& actual) {
  if (actual.isNone()) {
    return ::testing::AssertionFailure() << expression << " is NONE";
  }
  return ::testing::AssertionSuccess();
}

template <typename T, typename E>
::testing::AssertionResult assertSome(const char* expression,
                                      const Try<T, E>& actual) {
  if (actual.isError()) {
    return ::testing::AssertionFailure()
           << expression << ": " << actual.error();
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult assertSome(const char* expression,
                                      const Result<T>& actual) {
  if (actual.isNone()) {
    return ::testing::AssertionFailure() << expression << " is NONE";
  }
  if (actual.isError()) {
    return ::testing::AssertionFailure()
           << expression << ": " << actual.error();
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult assertNone(const char* expression,
                                      const Option<T>& actual) {
  if (actual.isSome()) {
    return ::testing::AssertionFailure()
           << expression << " is SOME ("
           << ::testing::PrintToString(actual.get()) << ")";
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult assertNone(const char* expression,
                                      const Result<T>& actual) {
  if (actual.isSome()) {
    return ::testing::AssertionFailure()
           << expression << " is SOME ("
           << ::testing::PrintToString(actual.get()) << ")";
  }
  if (actual.isError()) {
    return ::testing::AssertionFailure()
           << expression << " is ERROR: " << actual.error();
  }
  return ::testing::AssertionSuccess();
}

template <typename T, typename E>
::testing::AssertionResult assertError(const char* expression,
                                       const Try<T, E>& actual) {
  if (!actual.isError()) {
    return ::testing::AssertionFailure() << expression << " is SOME";
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult assertError(const char* expression,
                                       const Result<T>& actual) {
  if (!actual.isError()) {
    return ::testing::AssertionFailure()
           << expression << " is " << (actual.isSome() ? "SOME" : "NONE");
  }
  return ::testing::AssertionSuccess();
}

}  // namespace process::testing

// clang-format off
#define ASSERT_SOME(actual) \
  ASSERT_PRED_FORMAT1(::process::testing::assertSome, actual)
#define EXPECT_SOME(actual) \
  EXPECT_PRED_FORMAT1(::process::testing::assertSome, actual)

#define ASSERT_NONE(actual) \
  ASSERT_PRED_FORMAT1(::process::testing::assertNone, actual)
#define EXPECT_NONE(actual) \
  EXPECT_PRED_FORMAT1(::process::testing::assertNone, actual)

#define ASSERT_ERROR(actual) \
  ASSERT_PRED_FORMAT1(::process::testing::assertError, actual)
#define EXPECT_ERROR(actual) \
  EXPECT_PRED_FORMAT1(::process::testing::assertError, actual)

// As stout: the comparison is skipped (and the test fails) when `actual`
// holds no value; the ASSERT forms return from the test.
#define ASSERT_SOME_EQ(expected, actual) \
  ASSERT_SOME(actual); ASSERT_EQ(expected, (actual).get())
#define EXPECT_SOME_EQ(expected, actual) \
  ASSERT_SOME(actual); EXPECT_EQ(expected, (actual).get())
#define ASSERT_SOME_NE(notExpected, actual) \
  ASSERT_SOME(actual); ASSERT_NE(notExpected, (actual).get())
#define EXPECT_SOME_NE(notExpected, actual) \
  ASSERT_SOME(actual); EXPECT_NE(notExpected, (actual).get())
#define ASSERT_SOME_TRUE(actual) \
  ASSERT_SOME(actual); ASSERT_TRUE((actual).get())
#define EXPECT_SOME_TRUE(actual) \
  ASSERT_SOME(actual); EXPECT_TRUE((actual).get())
#define ASSERT_SOME_FALSE(actual) \
  ASSERT_SOME(actual); ASSERT_FALSE((actual).get())
#define EXPECT_SOME_FALSE(actual) \
  ASSERT_SOME(actual); EXPECT_FALSE((actual).get())

// Tests stout marks as not yet working on Windows are ordinary tests here.
#define TEST_TEMP_DISABLED_ON_WINDOWS(test_case_name, test_name) \
  TEST(test_case_name, test_name)
#define TEST_F_TEMP_DISABLED_ON_WINDOWS(test_case_name, test_name) \
  TEST_F(test_case_name, test_name)
#define TEST_P_TEMP_DISABLED_ON_WINDOWS(test_case_name, test_name) \
  TEST_P(test_case_name, test_name)
// clang-format on
