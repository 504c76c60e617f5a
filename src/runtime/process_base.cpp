// ProcessBase's members (links, handlers, routes, sends) and the free
// functions of process.hpp that act on a process by its UPID.
#include <process/process.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include <glog/logging.h>

#include <process/id.hpp>

#include "runtime/events.hpp"
#include "runtime/faults.hpp"
#include "runtime/runtime.hpp"

namespace process {

ProcessBase::ProcessBase(const std::string& id)
    : pid_(id.empty() ? ID::generate() : id, Address()) {}

ProcessBase::~ProcessBase() {
  const detail::CellRef& cell = pid_.reference;
  if (cell && cell->process.load() != nullptr) {
    LOG(FATAL) << "Process " << pid_
               << " destroyed while still running: terminate() and wait() "
                  "for it first";
  }
}

void ProcessBase::consume(MessageEvent&& event) {
  const Message& message = event.message;
  detail::Runtime::handleMessage(*this, message.from, message.name,
                                 message.body);
}

void ProcessBase::consume(ExitedEvent&& event) {
  exited(event.pid);
}

UPID ProcessBase::link(const UPID& to) {
  // Remembered for /__processes__ when the process links on itself (or
  // before it is spawned), which is how link(), being protected, is used.
  if (to && (context_ == nullptr || currentProcess() == this)) {
    std::vector<UPID>& links = detail::Runtime::extras(*this).links;
    if (std::find(links.begin(), links.end(), to) == links.end()) {
      links.push_back(to);
    }
  }
  if (!to) {
    // Nothing can ever be reached there: as for a process that is gone, the
    // linker hears of it at once.
    if (context_ != nullptr) {
      context_->drops.count(DropReason::kInvalidUpid);
      detail::logDroppedMessage("(link)", to, "an invalid or empty UPID");
      detail::deliverExited(pid_, to);
    }
    return to;
  }
  if (context_ != nullptr && context_->isRemote(to.address)) {
    context_->transport->link(pid_, to);
    return to;
  }
  if (detail::faults::active() && context_ != nullptr &&
      to.address != pid_.address &&
      detail::faults::linkInMemory(*context_, pid_, to)) [[unlikely]] {
    return to;  // held by an injected cut
  }
  detail::deliver(to, new detail::LinkEvent(pid_, to));
  return to;
}

void ProcessBase::install(const std::string& name, MessageHandler handler) {
  if (handlers_ == nullptr) {
    handlers_ =
        std::make_unique<std::vector<std::pair<std::string, MessageHandler>>>();
  }
  for (size_t i = firstHandlers_; i < handlers_->size(); ++i) {
    auto& [installed, existing] = (*handlers_)[i];
    if (installed == name) {
      existing = std::move(handler);
      return;
    }
  }
  handlers_->emplace_back(name, std::move(handler));
}

namespace detail {

void installFirst(ProcessBase& process, const std::string& name,
                  ProcessBase::MessageHandler handler) {
  auto& handlers = process.handlers_;
  if (handlers == nullptr) {
    handlers = std::make_unique<
        std::vector<std::pair<std::string, ProcessBase::MessageHandler>>>();
  }
  for (size_t i = 0; i < process.firstHandlers_; ++i) {
    auto& [installed, existing] = (*handlers)[i];
    if (installed == name) {
      existing = std::move(handler);
      return;
    }
  }
  CHECK_LT(process.firstHandlers_, UINT16_MAX)
      << "too many typed handlers in " << process.pid_;
  handlers->emplace(handlers->begin() + process.firstHandlers_, name,
                    std::move(handler));
  ++process.firstHandlers_;
}

void addRoute(ProcessBase& process, Route route) {
  auto& routes = Runtime::extras(process).routes;
  for (auto& existing : routes) {
    if (existing.name == route.name) {
      existing = std::move(route);
      return;
    }
  }
  routes.push_back(std::move(route));
}

void routeSystem(ProcessBase& process, const std::string& name,
                 SystemAccess access, const Option<std::string>& help,
                 ProcessBase::HttpRequestHandler handler) {
  CHECK(!name.empty() && name[0] == '/') << "route '" << name << "'";
  addRoute(process, Route{.name = name,
                          .help = help,
                          .handler = std::move(handler),
                          .authenticated = nullptr,
                          .realm = None(),
                          .access = access});
}

}  // namespace detail

void ProcessBase::route(const std::string& name,
                        const Option<std::string>& help,
                        const HttpRequestHandler& handler) {
  CHECK(!name.empty() && name[0] == '/')
      << "route '" << name << "' of " << pid_ << " must start with '/'";
  detail::addRoute(*this, detail::Route{.name = name,
                                        .help = help,
                                        .handler = handler,
                                        .authenticated = nullptr,
                                        .realm = None(),
                                        .access = detail::SystemAccess::kNone});
}

void ProcessBase::route(const std::string& name, const std::string& realm,
                        const Option<std::string>& help,
                        const AuthenticatedHttpRequestHandler& handler) {
  CHECK(!name.empty() && name[0] == '/')
      << "route '" << name << "' of " << pid_ << " must start with '/'";
  detail::addRoute(*this, detail::Route{.name = name,
                                        .help = help,
                                        .handler = nullptr,
                                        .authenticated = handler,
                                        .realm = realm,
                                        .access = detail::SystemAccess::kNone});
}

void ProcessBase::send(const UPID& to, const std::string& name) const {
  send(to, name, std::string());
}

void ProcessBase::send(const UPID& to, const std::string& name,
                       const char* data, size_t length) const {
  send(to, name, std::string(data, length));
}

void ProcessBase::send(const UPID& to, const std::string& name,
                       std::string body) const {
  if (!to) {
    if (context_ != nullptr) {
      context_->drops.count(DropReason::kInvalidUpid);
    }
    detail::logDroppedMessage(name, to, "an invalid or empty UPID");
    return;
  }
  if (currentProcess() == this) {
    ++detail::turnCounts.sent;  // the batch's totals (Runtime::runBatch)
  } else if (context_ != nullptr) {
    context_->counters.add(detail::RuntimeCounters::kMessagesSent);
  }
  if (context_ != nullptr && context_->isRemote(to.address)) {
    context_->transport->send(pid_, to, name, std::move(body));
    return;
  }
  // To another context in memory, through a test's injected faults.
  if (detail::faults::active() && context_ != nullptr &&
      to.address != pid_.address &&
      detail::faults::sendInMemory(*context_, pid_, to, name, body))
      [[unlikely]] {
    return;
  }
  detail::deliver(to, new detail::QueuedMessage(pid_, name, std::move(body)));
}

UPID::UPID(const ProcessBase& process) : UPID(process.self()) {}

UPID spawn(ProcessBase* process, bool manage) {
  return Context::instance().spawn(process, manage);
}

void terminate(const UPID& pid, bool inject) {
  if (!pid) {
    return;
  }
  detail::CellRef resolved;
  detail::ProcessCell* cell = pid.reference.get();
  if (cell == nullptr) {
    resolved = detail::resolve(pid);
    cell = resolved.get();
  }
  if (cell == nullptr) {
    return;
  }
  detail::withProcess(cell, [inject](ProcessBase* process) {
    if (inject) {
      detail::Runtime::requestTerminate(process);
    } else {
      detail::Runtime::enqueue(process, new detail::TerminateEvent());
    }
  });
}

bool wait(const UPID& pid, const Duration& timeout) {
  detail::CellRef cell = pid.reference ? pid.reference : detail::resolve(pid);
  if (!cell) {
    return true;
  }
  if (currentProcess() != nullptr && currentProcess()->self() == pid) {
    LOG(FATAL) << "A process cannot wait() for itself: " << pid;
  }
  // On a worker (a handler waiting for a process it spawned), blocking the
  // thread could deadlock: with one worker, or all of them waiting, nothing
  // would run the process waited for. So the worker runs other queued
  // processes meanwhile (libprocess "donates" the thread likewise).
  detail::Scheduler* scheduler = detail::Scheduler::current();
  if (scheduler == nullptr) {
    return detail::waitTerminated(cell, timeout);
  }
  const bool forever = timeout >= Duration::max() / 2;
  const auto deadline =
      std::chrono::steady_clock::now() +
      (forever ? std::chrono::nanoseconds(0) : timeout.chrono());
  while (!cell->done.load(std::memory_order_acquire)) {
    if (scheduler->runOneInline()) {
      continue;
    }
    Duration pause = Milliseconds(1);
    if (!forever) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::nanoseconds(0)) {
        return false;
      }
      pause = std::min(pause, Duration(Nanoseconds(left.count())));
    }
    // Nothing to run here: sleep briefly, then look for work again (work
    // for this worker appears without waking it, as it counts as busy).
    detail::waitTerminated(cell, pause);
  }
  return true;
}

}  // namespace process
