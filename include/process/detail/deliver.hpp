// The runtime's entry points for the templates in the public headers
// (dispatch, defer, co_await): hand an event to a process, or drop it.
#pragma once

#include <process/detail/event.hpp>
#include <process/pid.hpp>

namespace process::detail {

// Takes ownership of `event`: queues it on the process `to` names, or, if
// there is no such live process, calls event->drop() and frees it.
void deliver(const UPID& to, Event* event);

// The UPID of the process whose event this thread runs; empty outside.
UPID currentSelf();

}  // namespace process::detail
