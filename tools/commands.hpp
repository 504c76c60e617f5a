// The procession tool's commands, apart from their command line: each
// prints its result and returns the process's exit status.
#pragma once

#include <chrono>
#include <string>

namespace procession_cli {

// Exit statuses, as `procession --help` lists them.
enum Exit : int {
  kOk = 0,         // send: a 2xx answer; ping: every round trip answered
  kRefused = 2,    // send: the node answered another status (404, 400…)
  kNoAnswer = 3,   // refused, unreachable, timed out, closed, not HTTP
  kUsage = 64,     // bad arguments, not a UPID (sysexits' EX_USAGE)
  kNoInput = 66,   // the body's @file cannot be read (EX_NOINPUT)
  kInternal = 70,  // anything else (EX_SOFTWARE)
};

struct Common {
  std::string from;  // empty: a throw-away node's process
  std::chrono::nanoseconds timeout = std::chrono::seconds(5);
};

struct SendOptions : Common {
  std::string to;
  std::string name;
  std::string body;  // "@file" or "@-" (stdin) names where it is
  // After the answer, keep the throw-away node this long and print every
  // message that comes back to it; stop early after `replies` (0: none).
  std::chrono::nanoseconds wait{0};
  int replies = 0;
};

struct PingOptions : Common {
  std::string to;
  std::string name = "procession.ping";
  int count = 5;
  std::chrono::nanoseconds interval{0};
  bool quiet = false;  // only the summary
};

int send(const SendOptions& options);
int ping(const PingOptions& options);

}  // namespace procession_cli
