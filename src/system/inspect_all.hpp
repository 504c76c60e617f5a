// Inspecting many processes at once, each given a bounded time to answer
// (runtime/inspection.hpp), for /__processes__ and /help.
#pragma once

#include <string>
#include <vector>

#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>
#include <process/try.hpp>

#include "runtime/inspection.hpp"

namespace process::system {

struct Inspected {
  UPID pid;
  // None: the process did not answer in time (inside one long event).
  Option<detail::ProcessInfo> info;
};

// How long a process is given to answer: ?timeout= (a duration), else 5
// seconds; an error text for a bad value.
Try<Duration> inspectionTimeout(const http::Request& request);

// The processes of `pids` that still exist when asked, in id order;
// those that terminate meanwhile are left out.
Future<std::vector<Inspected>> inspectAll(const std::vector<UPID>& pids,
                                          const Duration& timeout);

}  // namespace process::system
