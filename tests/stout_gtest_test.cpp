// stout's assertions on Option, Try and Result (<stout/gtest.hpp>, which
// <process/gtest.hpp> brings): each passes when it should and, with the
// message a reader needs, fails when it should.
#include <stout/gtest.hpp>

#include <string>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

TEST(StoutGtestTest, SomePasses) {
  ASSERT_SOME(Option<int>(1));
  EXPECT_SOME(Try<int>(2));
  EXPECT_SOME(Result<int>(3));
  EXPECT_SOME_EQ(1, Option<int>(1));
  EXPECT_SOME_NE(2, Try<int>(1));
  EXPECT_SOME_TRUE(Option<bool>(true));
  EXPECT_SOME_FALSE(Try<bool>(false));
}

TEST(StoutGtestTest, NoneAndErrorPass) {
  EXPECT_NONE(Option<int>());
  EXPECT_NONE(Result<int>(None()));
  EXPECT_ERROR(Try<int>(Error("no")));
  EXPECT_ERROR(Result<int>(Error("no")));
}

TEST(StoutGtestTest, SomeOfAnErrorFailsWithTheMessage) {
  EXPECT_NONFATAL_FAILURE(EXPECT_SOME(Try<int>(Error("disk full"))),
                          "disk full");
  EXPECT_NONFATAL_FAILURE(EXPECT_SOME(Option<int>()), "is NONE");
  EXPECT_NONFATAL_FAILURE(EXPECT_SOME(Result<int>(Error("bad"))), "bad");
}

TEST(StoutGtestTest, NoneOfAValueFailsWithTheValue) {
  EXPECT_NONFATAL_FAILURE(EXPECT_NONE(Option<int>(42)), "is SOME (42)");
  EXPECT_NONFATAL_FAILURE(EXPECT_NONE(Result<int>(Error("why"))), "why");
}

TEST(StoutGtestTest, ErrorOfAValueFails) {
  EXPECT_NONFATAL_FAILURE(EXPECT_ERROR(Try<int>(1)), "is SOME");
  EXPECT_NONFATAL_FAILURE(EXPECT_ERROR(Result<int>(None())), "is NONE");
}

TEST(StoutGtestTest, SomeEqComparesTheValue) {
  EXPECT_NONFATAL_FAILURE(
      EXPECT_SOME_EQ(std::string("a"), Option<std::string>("b")), "\"b\"");
}

// EXPECT_FATAL_FAILURE takes no locals: the flag is a global.
bool reachedTheEnd = false;

void assertSomeOfNone() {
  ASSERT_SOME_EQ(1, Option<int>());
  reachedTheEnd = true;
}

TEST(StoutGtestTest, AssertSomeEqStopsWhenThereIsNoValue) {
  EXPECT_FATAL_FAILURE(assertSomeOfNone(), "is NONE");
  EXPECT_FALSE(reachedTheEnd);
}
