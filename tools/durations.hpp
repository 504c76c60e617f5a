// Durations on the tool's command line: "5" or "0.5" (seconds), "5s", and
// what process::Duration reads ("250ms", "10secs", "1mins"…).
//
//   Try<std::chrono::nanoseconds> timeout = parseDuration("--timeout",
//   "250ms");
#pragma once

#include <chrono>
#include <string>

#include <process/try.hpp>

namespace procession_cli {

// The Error reads "<option>: <why>". Negative durations are refused; one
// over a year is a year (longer is forever, and would overflow deadlines).
process::Try<std::chrono::nanoseconds> parseDuration(const std::string& option,
                                                     std::string text);

}  // namespace procession_cli
