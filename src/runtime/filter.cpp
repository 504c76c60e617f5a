// process::filter(): the one filter of the OS process, shown each event as
// its process takes it off the mailbox (Runtime::runBatch). Events come
// millions a second and a filter is a test's tool: with none installed the
// cost is one atomic load (runtime/filtering.hpp); with one, a recursive
// mutex held across the filter, so that removing it waits for whoever is
// inside it, and a filter's callbacks may install expectations again.
#include <atomic>
#include <exception>
#include <mutex>
#include <typeinfo>

#include <glog/logging.h>

#include <process/event.hpp>
#include <process/filter.hpp>
#include <process/process.hpp>

#include "runtime/events.hpp"
#include "runtime/filtering.hpp"
#include "runtime/runtime.hpp"

namespace process {
namespace detail {
namespace {

std::recursive_mutex& filterMutex() {
  // Never destroyed: a worker may filter during static destruction.
  static auto* mutex = new std::recursive_mutex();
  return *mutex;
}

}  // namespace

std::atomic<Filter*> installedFilter{nullptr};

bool filteredOut(Event& event, ProcessBase& process) noexcept {
  try {
    std::lock_guard<std::recursive_mutex> lock(filterMutex());
    Filter* filter = installedFilter.load(std::memory_order_relaxed);
    return filter != nullptr && event.filteredBy(*filter, process);
  } catch (const std::exception& e) {
    LOG(ERROR) << "The filter threw on an event for " << process.self()
               << " (ignored; the event runs): " << e.what();
  } catch (...) {
    LOG(ERROR) << "The filter threw on an event for " << process.self()
               << " (ignored; the event runs)";
  }
  return false;
}

bool filterDispatch(Filter& filter, ProcessBase& process,
                    const std::type_info* functionType) {
  process::DispatchEvent event(functionType != nullptr
                                   ? Option<const std::type_info*>(functionType)
                                   : Option<const std::type_info*>());
  return filter.filter(process.self(), &event);
}

bool QueuedMessage::filteredBy(Filter& filter, ProcessBase& process) {
  // A filter looks at `to` (FUTURE_MESSAGE matches on it and hands it out).
  const UPID& self = process.self();
  event.message.to.id = self.id;
  event.message.to.address = self.address;
  const bool filtered = filter.filter(self, &event);
  if (filtered) {
    receipt.settle(true);  // the process took it; the test's filter ate it
  }
  return filtered;
}

bool QueuedExit::filteredBy(Filter& filter, ProcessBase& process) {
  return filter.filter(process.self(), &event_);
}

bool QueuedRequest::filteredBy(Filter& filter, ProcessBase& process) {
  return filter.filter(process.self(), &event_);
}

}  // namespace detail

void filter(Filter* filter) {
  std::lock_guard<std::recursive_mutex> lock(detail::filterMutex());
  detail::installedFilter.store(filter, std::memory_order_release);
}

}  // namespace process
