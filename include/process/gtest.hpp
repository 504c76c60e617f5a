// GoogleTest assertions on futures. Each waits in real time (15 seconds by
// default, also while the Clock is paused) for the future to leave PENDING,
// then checks its state:
//
//   AWAIT_READY(future);              AWAIT_ASSERT_READY_FOR(future,
//   Seconds(1)); AWAIT_FAILED(future);             AWAIT_EXPECT_FAILED(future);
//   AWAIT_DISCARDED(future);          AWAIT_ABANDONED(future);
//   AWAIT_EXPECT_EQ(42, future);      AWAIT_ASSERT_EQ(expected, future);
//   AWAIT_EXPECT_TRUE(future);        AWAIT_EXPECT_FAILURE_EQ("why", future);
//   AWAIT(future);                    // any state but PENDING
//
// The plain forms (AWAIT_READY …) are ASSERTs: the test stops on failure.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include <process/check.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>

namespace process::testing {

inline constexpr Duration kDefaultAwaitTimeout = Seconds(15);

// Waits for `future` and judges its state; `expected` is READY, FAILED,
// DISCARDED, ABANDONED or ANY (anything but pending).
template <typename T>
::testing::AssertionResult awaitState(const char* expression,
                                      const char* /*timeoutExpression*/,
                                      const Future<T>& future,
                                      const Duration& timeout,
                                      const char* expected) {
  const std::string want(expected);
  if (want == "ABANDONED") {
    // Abandonment happens while pending: wait for it, or for completion.
    future.await(timeout);
    if (future.isAbandoned() && future.isPending()) {
      return ::testing::AssertionSuccess();
    }
  } else if (!future.await(timeout)) {
    return ::testing::AssertionFailure()
           << expression << " is still pending after " << timeout
           << (future.isAbandoned() ? " (abandoned)" : "");
  }
  if (want == "ANY") {
    return ::testing::AssertionSuccess();
  }
  std::optional<std::string> error = detail::checkState(future, expected);
  if (!error) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << expression << " should be " << want << " but " << *error;
}

template <typename T, typename E>
::testing::AssertionResult awaitEqual(const char* expectedExpression,
                                      const char* actualExpression,
                                      const char* /*timeoutExpression*/,
                                      const E& expected,
                                      const Future<T>& actual,
                                      const Duration& timeout) {
  ::testing::AssertionResult ready =
      awaitState(actualExpression, "", actual, timeout, "READY");
  if (!ready) {
    return ready;
  }
  if (actual.get() == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "Value of: " << actualExpression
         << "\n  Actual: " << ::testing::PrintToString(actual.get())
         << "\nExpected: " << expectedExpression
         << "\nWhich is: " << ::testing::PrintToString(expected);
}

template <typename T>
::testing::AssertionResult awaitFailure(const char* expectedExpression,
                                        const char* actualExpression,
                                        const char* /*timeoutExpression*/,
                                        const std::string& expected,
                                        const Future<T>& actual,
                                        const Duration& timeout) {
  ::testing::AssertionResult failed =
      awaitState(actualExpression, "", actual, timeout, "FAILED");
  if (!failed) {
    return failed;
  }
  if (actual.failure() == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << actualExpression << " failed with '" << actual.failure()
         << "', expected '" << expected << "' (" << expectedExpression << ")";
}

}  // namespace process::testing

#define PROCESSION_AWAIT_STATE_(assertion, future, timeout, state)      \
  assertion(                                                            \
      [&](const char* e, const char* t, const auto& f, const auto& d) { \
        return ::process::testing::awaitState(e, t, f, d, #state);      \
      },                                                                \
      future, timeout)

#define AWAIT_ASSERT_STATE_FOR(state, future, timeout) \
  PROCESSION_AWAIT_STATE_(ASSERT_PRED_FORMAT2, future, timeout, state)
#define AWAIT_EXPECT_STATE_FOR(state, future, timeout) \
  PROCESSION_AWAIT_STATE_(EXPECT_PRED_FORMAT2, future, timeout, state)

#define AWAIT_ASSERT_READY_FOR(future, timeout) \
  AWAIT_ASSERT_STATE_FOR(READY, future, timeout)
#define AWAIT_EXPECT_READY_FOR(future, timeout) \
  AWAIT_EXPECT_STATE_FOR(READY, future, timeout)
#define AWAIT_ASSERT_FAILED_FOR(future, timeout) \
  AWAIT_ASSERT_STATE_FOR(FAILED, future, timeout)
#define AWAIT_EXPECT_FAILED_FOR(future, timeout) \
  AWAIT_EXPECT_STATE_FOR(FAILED, future, timeout)
#define AWAIT_ASSERT_DISCARDED_FOR(future, timeout) \
  AWAIT_ASSERT_STATE_FOR(DISCARDED, future, timeout)
#define AWAIT_EXPECT_DISCARDED_FOR(future, timeout) \
  AWAIT_EXPECT_STATE_FOR(DISCARDED, future, timeout)
#define AWAIT_ASSERT_ABANDONED_FOR(future, timeout) \
  AWAIT_ASSERT_STATE_FOR(ABANDONED, future, timeout)
#define AWAIT_EXPECT_ABANDONED_FOR(future, timeout) \
  AWAIT_EXPECT_STATE_FOR(ABANDONED, future, timeout)
#define AWAIT_FOR(future, timeout) AWAIT_ASSERT_STATE_FOR(ANY, future, timeout)

#define PROCESSION_AWAIT_TIMEOUT ::process::testing::kDefaultAwaitTimeout

#define AWAIT_ASSERT_READY(future) \
  AWAIT_ASSERT_READY_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_READY(future) \
  AWAIT_EXPECT_READY_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_READY(future) AWAIT_ASSERT_READY(future)
#define AWAIT_READY_FOR(future, timeout) AWAIT_ASSERT_READY_FOR(future, timeout)

#define AWAIT_ASSERT_FAILED(future) \
  AWAIT_ASSERT_FAILED_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_FAILED(future) \
  AWAIT_EXPECT_FAILED_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_FAILED(future) AWAIT_ASSERT_FAILED(future)

#define AWAIT_ASSERT_DISCARDED(future) \
  AWAIT_ASSERT_DISCARDED_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_DISCARDED(future) \
  AWAIT_EXPECT_DISCARDED_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_DISCARDED(future) AWAIT_ASSERT_DISCARDED(future)

#define AWAIT_ASSERT_ABANDONED(future) \
  AWAIT_ASSERT_ABANDONED_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_ABANDONED(future) \
  AWAIT_EXPECT_ABANDONED_FOR(future, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_ABANDONED(future) AWAIT_ASSERT_ABANDONED(future)

#define AWAIT(future) AWAIT_FOR(future, PROCESSION_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_EQ_FOR(expected, actual, timeout) \
  ASSERT_PRED_FORMAT3(::process::testing::awaitEqual, expected, actual, timeout)
#define AWAIT_EXPECT_EQ_FOR(expected, actual, timeout) \
  EXPECT_PRED_FORMAT3(::process::testing::awaitEqual, expected, actual, timeout)
#define AWAIT_ASSERT_EQ(expected, actual) \
  AWAIT_ASSERT_EQ_FOR(expected, actual, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_EQ(expected, actual) \
  AWAIT_EXPECT_EQ_FOR(expected, actual, PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EQ(expected, actual) AWAIT_ASSERT_EQ(expected, actual)

#define AWAIT_ASSERT_TRUE(actual) AWAIT_ASSERT_EQ(true, actual)
#define AWAIT_EXPECT_TRUE(actual) AWAIT_EXPECT_EQ(true, actual)
#define AWAIT_TRUE(actual) AWAIT_ASSERT_TRUE(actual)
#define AWAIT_ASSERT_FALSE(actual) AWAIT_ASSERT_EQ(false, actual)
#define AWAIT_EXPECT_FALSE(actual) AWAIT_EXPECT_EQ(false, actual)
#define AWAIT_FALSE(actual) AWAIT_ASSERT_FALSE(actual)

#define AWAIT_ASSERT_FAILURE_EQ(expected, actual)                         \
  ASSERT_PRED_FORMAT3(::process::testing::awaitFailure, expected, actual, \
                      PROCESSION_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_FAILURE_EQ(expected, actual)                         \
  EXPECT_PRED_FORMAT3(::process::testing::awaitFailure, expected, actual, \
                      PROCESSION_AWAIT_TIMEOUT)
