// CHECK_PENDING / CHECK_READY / CHECK_FAILED / CHECK_DISCARDED /
// CHECK_ABANDONED: glog CHECKs on a future's state. On failure they abort
// with the state the future is really in (and its failure message), and
// accept more text with <<, as CHECK does.
#pragma once

#include <optional>
#include <string>

#include <glog/logging.h>

#include <process/future.hpp>

namespace process::detail {

// The reason a future is not in the expected state, or nothing if it is.
template <typename T>
std::optional<std::string> checkState(const Future<T>& future,
                                      const char* expected) {
  const std::string want(expected);
  const bool matches = (want == "PENDING" && future.isPending()) ||
                       (want == "READY" && future.isReady()) ||
                       (want == "FAILED" && future.isFailed()) ||
                       (want == "DISCARDED" && future.isDiscarded()) ||
                       (want == "ABANDONED" && future.isAbandoned());
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
  return std::string(future.isAbandoned() ? "is PENDING (abandoned)"
                                          : "is PENDING");
}

}  // namespace process::detail

#define PROCESSION_CHECK_STATE(expected, future)                             \
  for (std::optional<std::string> procession_check_error_ =                  \
           ::process::detail::checkState((future), #expected);               \
       procession_check_error_.has_value(); procession_check_error_.reset()) \
  google::LogMessageFatal(__FILE__, __LINE__).stream()                       \
      << "CHECK_" #expected "(" #future ") failed: the future "              \
      << *procession_check_error_ << " "

#define CHECK_PENDING(future) PROCESSION_CHECK_STATE(PENDING, future)
#define CHECK_READY(future) PROCESSION_CHECK_STATE(READY, future)
#define CHECK_FAILED(future) PROCESSION_CHECK_STATE(FAILED, future)
#define CHECK_DISCARDED(future) PROCESSION_CHECK_STATE(DISCARDED, future)
#define CHECK_ABANDONED(future) PROCESSION_CHECK_STATE(ABANDONED, future)
