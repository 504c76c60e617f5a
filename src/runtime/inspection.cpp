// Inspection (inspection.hpp): an event that asks a process to describe
// itself, answered on the process, from its own mailbox and extras.
#include "runtime/inspection.hpp"

#include <algorithm>
#include <atomic>
#include <utility>

#include <process/process.hpp>

#include "runtime/events.hpp"
#include "runtime/runtime.hpp"
#include "runtime/system_processes.hpp"

namespace process::detail {
namespace {

class InspectEvent final : public Event {
 public:
  Future<ProcessInfo> future() const { return promise_.future(); }
  bool answered() const { return answered_; }
  void answer(ProcessInfo info) {
    answered_ = true;
    info.state = state_;
    promise_.set(std::move(info));
  }
  std::string* state() { return &state_; }

  // Not answered ahead of its turn (the flag came after a worker had
  // looked): what is behind it is what is queued.
  void run(ProcessBase& process) override {
    if (!answered_) {
      answer(Runtime::describe(process));
    }
  }
  void drop() noexcept override {
    if (!answered_) {
      promise_.fail("the process terminated");
    }
  }

 private:
  Promise<ProcessInfo> promise_;
  std::string state_;
  bool answered_ = false;
};

QueuedEventInfo describeEvent(Event& event) {
  QueuedEventInfo info;
  if (auto* message = dynamic_cast<QueuedMessage*>(&event)) {
    const Message& inside = message->event.message;
    info.type = "MESSAGE";
    info.name = inside.name;
    info.from = static_cast<std::string>(inside.from);
    info.body = inside.body.substr(0, kMaxBodyShown);
  } else if (auto* request = dynamic_cast<QueuedRequest*>(&event)) {
    info.type = "HTTP";
    info.method = request->request().method;
    info.url = request->request().url.path;
  } else if (dynamic_cast<QueuedExit*>(&event) != nullptr) {
    info.type = "EXITED";
  } else if (dynamic_cast<TerminateEvent*>(&event) != nullptr) {
    info.type = "TERMINATE";
  }
  // Everything else runs a function on the process: a dispatch, a defer,
  // a timer's, a coroutine's resumption, a link.
  return info;
}

}  // namespace

ProcessInfo Runtime::describe(ProcessBase& process) {
  ProcessInfo info;
  info.pid = process.pid_;
  info.eventsRun = process.eventsRun_;
  process.mailbox_.forEachQueued([&info](Event& event) {
    if (dynamic_cast<InspectEvent*>(&event) != nullptr) {
      return;
    }
    ++info.queued;
    if (info.events.size() < kMaxEventsShown) {
      info.events.push_back(describeEvent(event));
    }
  });
  if (process.extras_ != nullptr) {
    const ProcessExtras& extras = *process.extras_;
    info.links = extras.links;
    info.linkers = extras.linkers;
    for (const Route& route : extras.routes) {
      info.routes.push_back(RouteInfo{route.name, route.help});
    }
  }
  return info;
}

void Runtime::answerInspections(ProcessBase& process) {
  process.state_.fetch_and(~kInspect, std::memory_order_acq_rel);
  std::vector<InspectEvent*> waiting;
  process.mailbox_.forEachQueued([&waiting](Event& event) {
    auto* inspection = dynamic_cast<InspectEvent*>(&event);
    if (inspection != nullptr && !inspection->answered()) {
      waiting.push_back(inspection);
    }
  });
  if (waiting.empty()) {
    return;
  }
  const ProcessInfo info = describe(process);
  for (InspectEvent* inspection : waiting) {
    inspection->answer(info);
  }
}

bool Runtime::requestInspection(const UPID& pid, Event* event,
                                std::string* state) {
  CellRef resolved;
  ProcessCell* cell = pid.reference.get();
  if (cell == nullptr) {
    resolved = resolve(pid);
    cell = resolved.get();
  }
  if (cell == nullptr) {
    return false;
  }
  return withProcess(cell, [event, state](ProcessBase* process) {
    const uint32_t bits = process->state_.load(std::memory_order_acquire);
    *state = (bits & kTerminating) != 0 ? "terminating"
             : (bits & kScheduled) != 0 ? "scheduled"
                                        : "idle";
    enqueue(process, event);
    // After the push: a worker that sees the flag finds the event.
    process->state_.fetch_or(kInspect, std::memory_order_acq_rel);
  });
}

Future<ProcessInfo> inspect(const UPID& pid) {
  auto* event = new InspectEvent();
  Future<ProcessInfo> future = event->future();
  if (!Runtime::requestInspection(pid, event, event->state())) {
    delete event;
    return Failure("no process '" + pid.id + "'");
  }
  return future;
}

bool inspectionPending(const ProcessBase& process) {
  return Runtime::inspectionPending(process);
}

void routeUnmatched(ProcessBase& process,
                    ProcessBase::HttpRequestHandler handler) {
  Runtime::extras(process).unrouted = Route{.name = "/",
                                            .help = None(),
                                            .handler = std::move(handler),
                                            .authenticated = nullptr,
                                            .realm = None(),
                                            .access = SystemAccess::kReadOnly};
}

std::vector<UPID> processesOf(ContextImpl& context) {
  return context.registry.snapshot();
}

}  // namespace process::detail
