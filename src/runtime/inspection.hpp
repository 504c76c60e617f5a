// Inspection: what a process looks like from outside (/__processes__,
// /help), taken on the process itself, so that nothing reads its mailbox or
// its routes while it changes them.
//
// inspect() queues an inspection event and flags the process (the
// kInspect bit of its state); the worker running the process looks at the
// flag before each event, in the same load that looks for a terminate, and
// answers every inspection found in the mailbox with the events queued
// there, the ones ahead of the inspection included. A process between
// events answers at once; a process inside one long event answers when it
// returns (the caller bounds its wait).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <process/future.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>

namespace process {
class ProcessBase;
}  // namespace process

namespace process::detail {

class ContextImpl;

// One queued event as libprocess's Event::operator JSON::Object shows it.
struct QueuedEventInfo {
  const char* type = "DISPATCH";  // MESSAGE, DISPATCH, HTTP, EXITED, TERMINATE
  // MESSAGE: name, from, body (cut at kMaxBodyShown); HTTP: method, url.
  std::string name;
  std::string from;
  std::string body;
  std::string method;
  std::string url;
};

struct RouteInfo {
  std::string name;
  Option<std::string> help;
};

struct ProcessInfo {
  UPID pid;
  // "idle", "scheduled" (queued or running) or "terminating", as seen just
  // before the inspection was queued.
  std::string state;
  std::vector<QueuedEventInfo> events;  // the first kMaxEventsShown
  size_t queued = 0;                    // all of them
  uint64_t eventsRun = 0;     // taken off its queue, up to the current batch
  std::vector<UPID> links;    // the processes it linked to
  std::vector<UPID> linkers;  // the processes linked to it
  std::vector<RouteInfo> routes;
};

inline constexpr size_t kMaxEventsShown = 1000;
inline constexpr size_t kMaxBodyShown = 1024;

// The process's description, taken on it; failed if it terminates first
// (or never existed).
Future<ProcessInfo> inspect(const UPID& pid);

// Whether an inspection waits for the process (for tests: a handler that
// holds its process can wait for one to be asked).
bool inspectionPending(const ProcessBase& process);

// The processes of a context now.
std::vector<UPID> processesOf(ContextImpl& context);

}  // namespace process::detail
