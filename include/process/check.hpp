// CHECK_PENDING / CHECK_READY / CHECK_FAILED / CHECK_DISCARDED /
// CHECK_ABANDONED: glog CHECKs on a future's state, as libprocess's
// <process/check.hpp>. On a wrong state they abort with libprocess's text,
// naming the state the future is really in (and its failure message):
//
//   CHECK_READY(future) << "while recovering";
//   // F... CHECK_READY(future): is FAILED: disk full while recovering
//
// They accept more text with <<, which is not evaluated when the check
// passes. An abandoned future is PENDING: CHECK_PENDING passes on it, and
// CHECK_ABANDONED fails on a pending future that is not abandoned with
// "is not abandoned".
#pragma once

#include <optional>
#include <string>

#include <glog/logging.h>

#include <process/future.hpp>

namespace process::detail {

// Why `future` is not in the `expected` state (libprocess's words), or
// nothing if it is.
template <typename T>
std::optional<std::string> checkState(const Future<T>& future,
                                      const char* expected) {
  const std::string want(expected);
  const bool matches =
      (want == "PENDING" && future.isPending()) ||
      (want == "READY" && future.isReady()) ||
      (want == "FAILED" && future.isFailed()) ||
      (want == "DISCARDED" && future.isDiscarded()) ||
      (want == "ABANDONED" && future.isPending() && future.isAbandoned());
  if (matches) {
    return std::nullopt;
  }
  if (future.isFailed()) {
    return "is FAILED: " + future.failure();
  }
  if (future.isReady()) {
    return std::string("is READY");
  }
  if (future.isDiscarded()) {
    return std::string("is DISCARDED");
  }
  return std::string(want == "ABANDONED" ? "is not abandoned" : "is PENDING");
}

}  // namespace process::detail

// `expected` is pasted into names and strings, where parentheses cannot go.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PROCESSION_CHECK_STATE(expected, future)                             \
  for (std::optional<std::string> procession_check_error_ =                  \
           ::process::detail::checkState((future), #expected);               \
       procession_check_error_.has_value(); procession_check_error_.reset()) \
  google::LogMessageFatal(__FILE__, __LINE__).stream()                       \
      << "CHECK_" #expected "(" #future "): " << *procession_check_error_    \
      << " "
// NOLINTEND(bugprone-macro-parentheses)

#define CHECK_PENDING(future) PROCESSION_CHECK_STATE(PENDING, future)
#define CHECK_READY(future) PROCESSION_CHECK_STATE(READY, future)
#define CHECK_FAILED(future) PROCESSION_CHECK_STATE(FAILED, future)
#define CHECK_DISCARDED(future) PROCESSION_CHECK_STATE(DISCARDED, future)
#define CHECK_ABANDONED(future) PROCESSION_CHECK_STATE(ABANDONED, future)
