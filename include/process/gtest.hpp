// GoogleTest assertions on futures, with the names and messages of
// libprocess's <process/gtest.hpp>. Each waits, in real time, for the future
// to leave PENDING, then checks its state; the wait is bounded by
// process::TEST_AWAIT_TIMEOUT (15 seconds unless main changes it) or by the
// duration given to a _FOR form.
//
// clang-format off
//   AWAIT_READY(future);                   // ASSERT: the test stops on failure
//   AWAIT_EXPECT_READY(future);            // EXPECT: the test goes on
//   AWAIT_READY_FOR(future, Seconds(1));
//   AWAIT_FAILED(future);  AWAIT_DISCARDED(future);  AWAIT_ABANDONED(future);
//   AWAIT_EQ(42, future);  AWAIT_EXPECT_EQ(42, future);  AWAIT_TRUE(future);
//   AWAIT_EXPECT_FAILURE_EQ("why", future);  // ours: the failure's message
//   AWAIT(future);                         // any state but PENDING
//   AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
//   AWAIT_EXPECT_RESPONSE_BODY_EQ("hello", response);
//   AWAIT_EXPECT_RESPONSE_HEADER_EQ("text/plain", "Content-Type", response);
// clang-format on
//
// Every macro has ASSERT_ and EXPECT_ forms and a _FOR(…, duration) form;
// the bare names (AWAIT_READY, AWAIT_EQ …) are the ASSERT_ ones. The
// predicates behind them (Await, AwaitAssertReady, AwaitAssertEq …) are
// usable with ASSERT_PRED_FORMAT2/3 directly.
//
// The wait is in real time also while the Clock is paused, so
// `Clock::pause(); …; Clock::advance(d); AWAIT_READY(f);` works.
//
// Ours: an abandoned future never completes, so the macros do not sit out
// the timeout on it: they report at once ("Failed to wait 15secs for f: it is
// ABANDONED"), where libprocess waits the whole timeout. The exit-status
// macros (AWAIT_EXPECT_WEXITSTATUS_EQ …) are not provided: there is no
// Subprocess.
#pragma once

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <process/check.hpp>
#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/gtest_constants.hpp>
#include <process/http.hpp>
#include <process/option.hpp>

// As with libprocess's, stout's ASSERT_SOME, EXPECT_NONE, ASSERT_ERROR … and
// its foreach macros come too, which libprocess-style tests use unincluded.
#include <stout/foreach.hpp>
#include <stout/gtest.hpp>

namespace process {

// NOLINTBEGIN(readability-identifier-naming): libprocess's names.
constexpr char READONLY_HTTP_AUTHENTICATION_REALM[] = "libprocess-readonly";
constexpr char READWRITE_HTTP_AUTHENTICATION_REALM[] = "libprocess-readwrite";
// NOLINTEND(readability-identifier-naming)

// Resumes the clock after each test, even one stopped by a failed ASSERT
// while the clock was paused. Register it once in main:
//   ::testing::UnitTest::GetInstance()->listeners().Append(
//       process::ClockTestEventListener::instance());
class ClockTestEventListener : public ::testing::EmptyTestEventListener {
 public:
  static ClockTestEventListener* instance() {
    // Owned by GoogleTest's listener list once appended: never freed here.
    static auto* listener = new ClockTestEventListener();
    return listener;
  }

  void OnTestEnd(const ::testing::TestInfo& /*info*/) override {
    if (Clock::paused()) {
      Clock::resume();
    }
  }

 private:
  ClockTestEventListener() = default;
};

namespace detail {

// Waits up to `duration` for `future` to leave PENDING. Nothing when it has;
// otherwise the failure to report (a timeout, or abandonment).
template <typename T>
std::optional<::testing::AssertionResult> awaitOrFailure(
    const char* expression, const Future<T>& future, const Duration& duration) {
  if (future.await(duration)) {
    return std::nullopt;
  }
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << "Failed to wait " << duration << " for " << expression;
  if (future.isAbandoned()) {
    failure << ": it is ABANDONED";
  }
  return failure;
}

template <typename T>
::testing::AssertionResult isReadyMessage(const char* expression,
                                          const Future<T>& future) {
  return ::testing::AssertionFailure()
         << expression << " is ready ("
         << ::testing::PrintToString(future.get()) << ")";
}

inline ::testing::AssertionResult failedMessage(const char* expression,
                                                const std::string& failure) {
  return ::testing::AssertionFailure()
         << "(" << expression << ").failure(): " << failure;
}

inline ::testing::AssertionResult discardedMessage(const char* expression) {
  return ::testing::AssertionFailure() << expression << " was discarded";
}

}  // namespace detail
}  // namespace process

// The predicates, in the global namespace as in libprocess. Each takes the
// expressions' text first, then their values.

// Passes once the future is no longer pending, in any state.
template <typename T>
::testing::AssertionResult Await(const char* expression,
                                 const char* /*durationExpression*/,
                                 const process::Future<T>& actual,
                                 const process::Duration& duration) {
  if (auto failure =
          process::detail::awaitOrFailure(expression, actual, duration)) {
    return *failure;
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult AwaitAssertReady(const char* expression,
                                            const char* /*durationExpression*/,
                                            const process::Future<T>& actual,
                                            const process::Duration& duration) {
  if (auto failure =
          process::detail::awaitOrFailure(expression, actual, duration)) {
    return *failure;
  }
  if (actual.isDiscarded()) {
    return process::detail::discardedMessage(expression);
  }
  if (actual.isFailed()) {
    return process::detail::failedMessage(expression, actual.failure());
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult AwaitAssertFailed(
    const char* expression, const char* /*durationExpression*/,
    const process::Future<T>& actual, const process::Duration& duration) {
  if (auto failure =
          process::detail::awaitOrFailure(expression, actual, duration)) {
    return *failure;
  }
  if (actual.isDiscarded()) {
    return process::detail::discardedMessage(expression);
  }
  if (actual.isReady()) {
    return process::detail::isReadyMessage(expression, actual);
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult AwaitAssertDiscarded(
    const char* expression, const char* /*durationExpression*/,
    const process::Future<T>& actual, const process::Duration& duration) {
  if (auto failure =
          process::detail::awaitOrFailure(expression, actual, duration)) {
    return *failure;
  }
  if (actual.isFailed()) {
    return process::detail::failedMessage(expression, actual.failure());
  }
  if (actual.isReady()) {
    return process::detail::isReadyMessage(expression, actual);
  }
  return ::testing::AssertionSuccess();
}

// Passes once the future is abandoned (it stays PENDING).
template <typename T>
::testing::AssertionResult AwaitAssertAbandoned(
    const char* expression, const char* /*durationExpression*/,
    const process::Future<T>& actual, const process::Duration& duration) {
  // Future::await returns on abandonment too.
  if (!actual.await(duration) && !actual.isAbandoned()) {
    return ::testing::AssertionFailure()
           << "Failed to wait " << duration << " for " << expression;
  }
  if (actual.isDiscarded()) {
    return process::detail::discardedMessage(expression);
  }
  if (actual.isReady()) {
    return process::detail::isReadyMessage(expression, actual);
  }
  if (actual.isFailed()) {
    return process::detail::failedMessage(expression, actual.failure());
  }
  return ::testing::AssertionSuccess();
}

template <typename T1, typename T2>
::testing::AssertionResult AwaitAssertEq(const char* expectedExpression,
                                         const char* actualExpression,
                                         const char* durationExpression,
                                         const T1& expected,
                                         const process::Future<T2>& actual,
                                         const process::Duration& duration) {
  ::testing::AssertionResult ready =
      AwaitAssertReady(actualExpression, durationExpression, actual, duration);
  if (!ready) {
    return ready;
  }
  if (expected == actual.get()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "Value of: (" << actualExpression << ").get()\n"
         << "  Actual: " << ::testing::PrintToString(actual.get()) << "\n"
         << "Expected: " << expectedExpression << "\n"
         << "Which is: " << ::testing::PrintToString(expected);
}

// Ours: the future FAILED with exactly `expected` as its message.
template <typename T>
::testing::AssertionResult AwaitAssertFailureEq(
    const char* expectedExpression, const char* actualExpression,
    const char* durationExpression, const std::string& expected,
    const process::Future<T>& actual, const process::Duration& duration) {
  ::testing::AssertionResult failed =
      AwaitAssertFailed(actualExpression, durationExpression, actual, duration);
  if (!failed) {
    return failed;
  }
  if (expected == actual.failure()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "Value of: (" << actualExpression << ").failure()\n"
         << "  Actual: " << ::testing::PrintToString(actual.failure()) << "\n"
         << "Expected: " << expectedExpression << "\n"
         << "Which is: " << ::testing::PrintToString(expected);
}

// The failure of a response check: which field, and how it differs.
inline ::testing::AssertionResult ResponseFieldDiffers(
    const std::string& field, const std::string& actual,
    const char* expectedExpression, const std::string& expected) {
  return ::testing::AssertionFailure()
         << "Value of: " << field << "\n"
         << "  Actual: " << ::testing::PrintToString(actual) << "\n"
         << "Expected: " << expectedExpression << "\n"
         << "Which is: " << ::testing::PrintToString(expected);
}

inline ::testing::AssertionResult AwaitAssertResponseStatusEq(
    const char* expectedExpression, const char* actualExpression,
    const char* durationExpression, const std::string& expected,
    const process::Future<process::http::Response>& actual,
    const process::Duration& duration) {
  ::testing::AssertionResult ready =
      AwaitAssertReady(actualExpression, durationExpression, actual, duration);
  if (!ready) {
    return ready;
  }
  if (expected == actual->status) {
    return ::testing::AssertionSuccess();
  }
  return ResponseFieldDiffers(std::string("(") + actualExpression + ")->status",
                              actual->status, expectedExpression, expected)
         << "\n    Body: " << ::testing::PrintToString(actual->body);
}

inline ::testing::AssertionResult AwaitAssertResponseBodyEq(
    const char* expectedExpression, const char* actualExpression,
    const char* durationExpression, const std::string& expected,
    const process::Future<process::http::Response>& actual,
    const process::Duration& duration) {
  ::testing::AssertionResult ready =
      AwaitAssertReady(actualExpression, durationExpression, actual, duration);
  if (!ready) {
    return ready;
  }
  if (expected == actual->body) {
    return ::testing::AssertionSuccess();
  }
  return ResponseFieldDiffers(std::string("(") + actualExpression + ")->body",
                              actual->body, expectedExpression, expected);
}

inline ::testing::AssertionResult AwaitAssertResponseHeaderEq(
    const char* expectedExpression, const char* keyExpression,
    const char* actualExpression, const char* durationExpression,
    const std::string& expected, const std::string& key,
    const process::Future<process::http::Response>& actual,
    const process::Duration& duration) {
  ::testing::AssertionResult ready =
      AwaitAssertReady(actualExpression, durationExpression, actual, duration);
  if (!ready) {
    return ready;
  }
  const process::Option<std::string> value = actual->headers.get(key);
  if (value.isNone()) {
    return ::testing::AssertionFailure()
           << "Response does not contain header '" << key << "'";
  }
  if (expected == value.get()) {
    return ::testing::AssertionSuccess();
  }
  return ResponseFieldDiffers(
      std::string("(") + actualExpression + ")->headers[" + keyExpression + "]",
      value.get(), expectedExpression, expected);
}

// clang-format off
#define AWAIT_FOR(actual, duration) ASSERT_PRED_FORMAT2(Await, actual, duration)
#define AWAIT(actual) AWAIT_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_READY_FOR(actual, duration) ASSERT_PRED_FORMAT2(AwaitAssertReady, actual, duration)
#define AWAIT_ASSERT_READY(actual) AWAIT_ASSERT_READY_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_READY_FOR(actual, duration) AWAIT_ASSERT_READY_FOR(actual, duration)
#define AWAIT_READY(actual) AWAIT_ASSERT_READY(actual)
#define AWAIT_EXPECT_READY_FOR(actual, duration) EXPECT_PRED_FORMAT2(AwaitAssertReady, actual, duration)
#define AWAIT_EXPECT_READY(actual) AWAIT_EXPECT_READY_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_FAILED_FOR(actual, duration) ASSERT_PRED_FORMAT2(AwaitAssertFailed, actual, duration)
#define AWAIT_ASSERT_FAILED(actual) AWAIT_ASSERT_FAILED_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_FAILED_FOR(actual, duration) AWAIT_ASSERT_FAILED_FOR(actual, duration)
#define AWAIT_FAILED(actual) AWAIT_ASSERT_FAILED(actual)
#define AWAIT_EXPECT_FAILED_FOR(actual, duration) EXPECT_PRED_FORMAT2(AwaitAssertFailed, actual, duration)
#define AWAIT_EXPECT_FAILED(actual) AWAIT_EXPECT_FAILED_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_DISCARDED_FOR(actual, duration) ASSERT_PRED_FORMAT2(AwaitAssertDiscarded, actual, duration)
#define AWAIT_ASSERT_DISCARDED(actual) AWAIT_ASSERT_DISCARDED_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_DISCARDED_FOR(actual, duration) AWAIT_ASSERT_DISCARDED_FOR(actual, duration)
#define AWAIT_DISCARDED(actual) AWAIT_ASSERT_DISCARDED(actual)
#define AWAIT_EXPECT_DISCARDED_FOR(actual, duration) EXPECT_PRED_FORMAT2(AwaitAssertDiscarded, actual, duration)
#define AWAIT_EXPECT_DISCARDED(actual) AWAIT_EXPECT_DISCARDED_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_ABANDONED_FOR(actual, duration) ASSERT_PRED_FORMAT2(AwaitAssertAbandoned, actual, duration)
#define AWAIT_ASSERT_ABANDONED(actual) AWAIT_ASSERT_ABANDONED_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_ABANDONED_FOR(actual, duration) AWAIT_ASSERT_ABANDONED_FOR(actual, duration)
#define AWAIT_ABANDONED(actual) AWAIT_ASSERT_ABANDONED(actual)
#define AWAIT_EXPECT_ABANDONED_FOR(actual, duration) EXPECT_PRED_FORMAT2(AwaitAssertAbandoned, actual, duration)
#define AWAIT_EXPECT_ABANDONED(actual) AWAIT_EXPECT_ABANDONED_FOR(actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_EQ_FOR(expected, actual, duration) ASSERT_PRED_FORMAT3(AwaitAssertEq, expected, actual, duration)
#define AWAIT_ASSERT_EQ(expected, actual) AWAIT_ASSERT_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_EQ_FOR(expected, actual, duration) AWAIT_ASSERT_EQ_FOR(expected, actual, duration)
#define AWAIT_EQ(expected, actual) AWAIT_ASSERT_EQ(expected, actual)
#define AWAIT_EXPECT_EQ_FOR(expected, actual, duration) EXPECT_PRED_FORMAT3(AwaitAssertEq, expected, actual, duration)
#define AWAIT_EXPECT_EQ(expected, actual) AWAIT_EXPECT_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_TRUE_FOR(actual, duration) AWAIT_ASSERT_EQ_FOR(true, actual, duration)
#define AWAIT_ASSERT_TRUE(actual) AWAIT_ASSERT_EQ(true, actual)
#define AWAIT_TRUE_FOR(actual, duration) AWAIT_ASSERT_TRUE_FOR(actual, duration)
#define AWAIT_TRUE(actual) AWAIT_ASSERT_TRUE(actual)
#define AWAIT_EXPECT_TRUE_FOR(actual, duration) AWAIT_EXPECT_EQ_FOR(true, actual, duration)
#define AWAIT_EXPECT_TRUE(actual) AWAIT_EXPECT_EQ(true, actual)

#define AWAIT_ASSERT_FALSE_FOR(actual, duration) AWAIT_ASSERT_EQ_FOR(false, actual, duration)
#define AWAIT_ASSERT_FALSE(actual) AWAIT_ASSERT_EQ(false, actual)
#define AWAIT_FALSE_FOR(actual, duration) AWAIT_ASSERT_FALSE_FOR(actual, duration)
#define AWAIT_FALSE(actual) AWAIT_ASSERT_FALSE(actual)
#define AWAIT_EXPECT_FALSE_FOR(actual, duration) AWAIT_EXPECT_EQ_FOR(false, actual, duration)
#define AWAIT_EXPECT_FALSE(actual) AWAIT_EXPECT_EQ(false, actual)

#define AWAIT_ASSERT_FAILURE_EQ_FOR(expected, actual, duration) ASSERT_PRED_FORMAT3(AwaitAssertFailureEq, expected, actual, duration)
#define AWAIT_ASSERT_FAILURE_EQ(expected, actual) AWAIT_ASSERT_FAILURE_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_FAILURE_EQ_FOR(expected, actual, duration) EXPECT_PRED_FORMAT3(AwaitAssertFailureEq, expected, actual, duration)
#define AWAIT_EXPECT_FAILURE_EQ(expected, actual) AWAIT_EXPECT_FAILURE_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_RESPONSE_STATUS_EQ_FOR(expected, actual, duration) ASSERT_PRED_FORMAT3(AwaitAssertResponseStatusEq, expected, actual, duration)
#define AWAIT_ASSERT_RESPONSE_STATUS_EQ(expected, actual) AWAIT_ASSERT_RESPONSE_STATUS_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_RESPONSE_STATUS_EQ_FOR(expected, actual, duration) EXPECT_PRED_FORMAT3(AwaitAssertResponseStatusEq, expected, actual, duration)
#define AWAIT_EXPECT_RESPONSE_STATUS_EQ(expected, actual) AWAIT_EXPECT_RESPONSE_STATUS_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_RESPONSE_BODY_EQ_FOR(expected, actual, duration) ASSERT_PRED_FORMAT3(AwaitAssertResponseBodyEq, expected, actual, duration)
#define AWAIT_ASSERT_RESPONSE_BODY_EQ(expected, actual) AWAIT_ASSERT_RESPONSE_BODY_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_RESPONSE_BODY_EQ_FOR(expected, actual, duration) EXPECT_PRED_FORMAT3(AwaitAssertResponseBodyEq, expected, actual, duration)
#define AWAIT_EXPECT_RESPONSE_BODY_EQ(expected, actual) AWAIT_EXPECT_RESPONSE_BODY_EQ_FOR(expected, actual, ::process::TEST_AWAIT_TIMEOUT)

#define AWAIT_ASSERT_RESPONSE_HEADER_EQ_FOR(expected, key, actual, duration) ASSERT_PRED_FORMAT4(AwaitAssertResponseHeaderEq, expected, key, actual, duration)
#define AWAIT_ASSERT_RESPONSE_HEADER_EQ(expected, key, actual) AWAIT_ASSERT_RESPONSE_HEADER_EQ_FOR(expected, key, actual, ::process::TEST_AWAIT_TIMEOUT)
#define AWAIT_EXPECT_RESPONSE_HEADER_EQ_FOR(expected, key, actual, duration) EXPECT_PRED_FORMAT4(AwaitAssertResponseHeaderEq, expected, key, actual, duration)
#define AWAIT_EXPECT_RESPONSE_HEADER_EQ(expected, key, actual) AWAIT_EXPECT_RESPONSE_HEADER_EQ_FOR(expected, key, actual, ::process::TEST_AWAIT_TIMEOUT)
// clang-format on
