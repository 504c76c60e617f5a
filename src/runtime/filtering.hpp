// The runtime's side of process::filter() (filter.cpp): whether the
// installed filter, if any, drops an event its process is about to run.
#pragma once

#include <atomic>

#include <process/detail/event.hpp>
#include <process/filter.hpp>

namespace process::detail {

extern std::atomic<Filter*> installedFilter;

// Shows the event to the installed filter, under its mutex. A filter that
// throws is logged and drops nothing.
[[gnu::cold]] bool filteredOut(Event& event, ProcessBase& process) noexcept;

// One acquire load when no filter is installed: the hot path's whole cost.
inline bool dropsEvent(Event& event, ProcessBase& process) {
  return installedFilter.load(std::memory_order_acquire) != nullptr &&
         filteredOut(event, process);
}

}  // namespace process::detail
