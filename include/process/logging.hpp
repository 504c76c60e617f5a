// Logging: the process behind a node's /logging/toggle, which raises glog's
// verbosity (FLAGS_v, what VLOG(n) obeys) for a while and then puts it back.
// Every node runs one, with the id "logging" (unless
// Context::Options::systemEndpoints is off):
//
//   curl 'http://127.0.0.1:5050/logging/toggle?level=2&duration=5mins'
//   curl 'http://127.0.0.1:5050/logging/toggle'   # the level now: "2"
//
// or, from code, dispatch(pid, &Logging::set_level, 2, Minutes(5)). The
// revert is timed on process::Clock: a test pauses the clock and advances
// it. The level never goes below the one glog had when the process was
// made (a request for less is refused).
#pragma once

#include <cstdint>
#include <string>

#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/process.hpp>
#include <process/timeout.hpp>

namespace process {

class Logging : public Process<Logging> {
 public:
  // With `authenticationRealm`, /toggle is authenticated in that realm;
  // without, in the context's read-write realm
  // (Context::Options::readwriteAuthenticationRealm), if any.
  explicit Logging(const Option<std::string>& authenticationRealm = None());

  // FLAGS_v becomes `level` for `duration` (a later call's duration
  // replaces it), then the original level.
  Future<Nothing> set_level(int level, const Duration& duration);

  // glog's verbosity now.
  static int32_t level();

 protected:
  void initialize() override;

 private:
  Future<http::Response> toggle(const http::Request& request);
  void revert();

  const int32_t original_;
  Timeout timeout_;
  Option<std::string> realm_;
};

}  // namespace process
