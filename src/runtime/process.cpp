#include <process/process.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <glog/logging.h>

#include <process/id.hpp>

#include "runtime/runtime.hpp"
#include "runtime/transport.hpp"

namespace process {
namespace detail {
namespace {

// How many events a process handles before its worker moves on: long enough
// to amortise scheduling, short enough that a flooded process cannot
// monopolise a worker.
constexpr int kBatch = 128;

// Cooperative yielding at send. A process that sends a flood from one event
// (a loop of sends) cannot be preempted, and the receiver it scheduled waits
// for this worker until the event ends, while the flood piles up in memory.
// So every kHelpEvery deliveries within one event, this worker runs up to
// kHelpBatch events of the receiver if it waits for this worker, then
// returns to the sender. Only one level deep; it never runs the sender itself,
// and the receiver still runs on one worker at a time.
constexpr int kHelpEvery = 256;
constexpr int kHelpBatch = 1024;

thread_local ProcessBase* runningProcess = nullptr;
thread_local int deliveriesThisEvent = 0;
thread_local bool helping = false;

class CurrentProcess {
 public:
  explicit CurrentProcess(ProcessBase* process)
      : previous_(std::exchange(runningProcess, process)) {}
  ~CurrentProcess() { runningProcess = previous_; }

 private:
  ProcessBase* previous_;
};

template <typename F>
void guarded(const char* what, const UPID& pid, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    LOG(ERROR) << what << " of " << pid << " threw (ignored): " << e.what();
  } catch (...) {
    LOG(ERROR) << what << " of " << pid << " threw (ignored)";
  }
}

class QueuedExit final : public Event {
 public:
  explicit QueuedExit(UPID pid) : pid_(std::move(pid)) {}
  void run(ProcessBase& process) override { Runtime::exited(process, pid_); }

 private:
  UPID pid_;
};

// Asks the linkee to remember the linker; if the linkee is gone, the linker
// hears of it at once.
class LinkEvent final : public Event {
 public:
  LinkEvent(UPID linker, UPID linkee)
      : linker_(std::move(linker)), linkee_(std::move(linkee)) {}
  void run(ProcessBase& process) override {
    Runtime::addLinker(process, linker_);
  }
  void drop() noexcept override {
    // Out of memory here ends the program, as it would anywhere else.
    // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
    deliver(linker_, new QueuedExit(std::move(linkee_)));
  }

 private:
  UPID linker_;
  UPID linkee_;
};

// An HTTP request for one of the process's routes; its answer goes to the
// promise, which the connection waits on.
class HttpEvent final : public Event {
 public:
  HttpEvent(std::string routePath, http::Request request)
      : routePath_(std::move(routePath)), request_(std::move(request)) {}
  void run(ProcessBase& process) override {
    promise_.associate(Runtime::handleHttp(process, routePath_, request_));
  }
  void drop() noexcept override { promise_.set(http::NotFound()); }
  Future<http::Response> future() const { return promise_.future(); }

 private:
  std::string routePath_;
  http::Request request_;
  Promise<http::Response> promise_;
};

class TerminateEvent final : public Event {
 public:
  void run(ProcessBase& process) override {
    Runtime::requestTerminate(&process);
  }
};

std::mutex& terminationMutex() {
  static auto* mutex = new std::mutex();
  return *mutex;
}
std::condition_variable& terminationCondition() {
  static auto* condition = new std::condition_variable();
  return *condition;
}
}  // namespace

void notifyTerminated(ProcessCell* cell) {
  cell->done.store(true, std::memory_order_seq_cst);
  if (cell->waited.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> guard(terminationMutex());
    terminationCondition().notify_all();
  }
}

bool waitTerminated(const CellRef& cell, const Duration& timeout) {
  // Termination is often a few microseconds away: look a little before
  // paying for a sleep and a wake-up.
  for (int spin = 0; spin < 2000; ++spin) {
    if (cell->done.load(std::memory_order_acquire)) {
      return true;
    }
    if (spin % 64 == 63) {
      std::this_thread::yield();
    }
  }
  if (timeout == Duration::zero()) {
    return false;
  }
  cell->waited.store(true, std::memory_order_seq_cst);
  std::unique_lock<std::mutex> lock(terminationMutex());
  auto done = [&] { return cell->done.load(std::memory_order_seq_cst); };
  if (timeout >= Duration::max() / 2) {
    terminationCondition().wait(lock, done);
    return true;
  }
  return terminationCondition().wait_for(lock, timeout.chrono(), done);
}

void logDroppedMessage(const std::string& name, const UPID& to,
                       const char* why) {
  static std::atomic<uint64_t> drops{0};
  const uint64_t count = drops.fetch_add(1, std::memory_order_relaxed) + 1;
  if (count <= 100 || count % 10000 == 0) {
    LOG(WARNING) << "Dropped message '" << name << "' to " << to << ": " << why
                 << " (" << count << " dropped so far)";
  }
}

void QueuedMessage::run(ProcessBase& process) {
  Runtime::consume(process, std::move(event));
}

void QueuedMessage::drop() noexcept {
  if (dropCounter != nullptr) {
    dropCounter->fetch_add(1, std::memory_order_relaxed);
  }
  // Dropping what is queued behind a terminate is what terminate asks for.
  VLOG(1) << "Dropped message '" << name() << "' queued for a process that "
          << "terminated";
}

void deliver(const UPID& to, Event* event) {
  CellRef resolved;
  ProcessCell* cell = to.reference.get();
  if (cell == nullptr) {
    resolved = resolve(to);
    cell = resolved.get();
  }
  ProcessBase* target = nullptr;
  auto enqueue = [event, &target](ProcessBase* process) {
    Runtime::enqueue(process, event);
    target = process;
  };
  if (cell != nullptr && withProcess(cell, enqueue)) {
    if (runningProcess != nullptr && ++deliveriesThisEvent >= kHelpEvery) {
      deliveriesThisEvent = 0;
      Runtime::help(target);
    }
    return;
  }
  // The referenced process is gone; one of the same name may have replaced
  // it (a restarted process keeps its name), as libprocess allows.
  if (to.reference) {
    resolved = resolve(to);
    if (resolved && resolved.get() != cell &&
        withProcess(resolved.get(), enqueue)) {
      return;
    }
  }
  if (auto* message = dynamic_cast<QueuedMessage*>(event)) {
    ContextImpl* context = contextAt(to.address);
    if (context != nullptr) {
      context->droppedMessages.fetch_add(1, std::memory_order_relaxed);
    }
    logDroppedMessage(message->name(), to, "no such process");
  } else {
    event->drop();
  }
  delete event;
}

bool ContextImpl::deliverMessage(const std::string& toId, UPID from,
                                 std::string name, std::string body) {
  CellRef cell = registry.lookup(toId);
  if (cell) {
    // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
    auto* event =
        new QueuedMessage(std::move(from), std::move(name), std::move(body));
    if (withProcess(cell.get(), [event](ProcessBase* process) {
          Runtime::enqueue(process, event);
        })) {
      return true;
    }
    name = std::move(event->event.message.name);
    delete event;
  }
  droppedMessages.fetch_add(1, std::memory_order_relaxed);
  logDroppedMessage(name, UPID(toId, address), "no such process");
  return false;
}

Future<http::Response> ContextImpl::deliverRequest(const std::string& toId,
                                                   std::string routePath,
                                                   http::Request request) {
  CellRef cell = registry.lookup(toId);
  if (!cell) {
    return http::NotFound();
  }
  // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
  auto* event = new HttpEvent(std::move(routePath), std::move(request));
  Future<http::Response> response = event->future();
  if (!withProcess(cell.get(), [event](ProcessBase* process) {
        Runtime::enqueue(process, event);
      })) {
    delete event;
    return http::NotFound();
  }
  return response;
}

void ContextImpl::deliverExited(const UPID& linker, const UPID& linkee) {
  detail::deliverExited(linker, linkee);
}

void deliverExited(const UPID& linker, const UPID& linkee) {
  // Only to the very process that linked: one that took its name since
  // made no link (libprocess forgets a linker's links when it goes).
  if (ProcessCell* cell = linker.reference.get()) {
    // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
    auto* event = new QueuedExit(linkee);
    if (!withProcess(cell, [event](ProcessBase* process) {
          Runtime::enqueue(process, event);
        })) {
      delete event;
    }
    return;
  }
  deliver(linker, new QueuedExit(linkee));
}

ContextImpl& callerContext() {
  if (runningProcess != nullptr) {
    if (ContextImpl* context = Runtime::contextOf(*runningProcess)) {
      return *context;
    }
  }
  return implOf(Context::instance());
}

Transport& callerTransport() {
  return *callerContext().transport;
}

UPID currentSelf() {
  return runningProcess != nullptr ? runningProcess->self() : UPID();
}

void Runtime::submit(ProcessBase* process) {
  process->context_->scheduler->submit(process);
}

void Runtime::enqueue(ProcessBase* process, Event* event) {
  process->mailbox_.push(event);
  schedule(process, 0);
}

void Runtime::requestTerminate(ProcessBase* process) {
  schedule(process, kTerminating);
}

void Runtime::prepare(ProcessBase* process, ContextImpl* context, bool manage) {
  process->context_ = context;
  process->managed_ = manage;
  process->messagesNeedTo_ = process->overridesConsume_ ||
                             process->typedAs_ == nullptr ||
                             typeid(*process) != *process->typedAs_;
  process->pid_.address = context->address;
  auto* cell = new ProcessCell();
  cell->process.store(process, std::memory_order_release);
  process->pid_.reference = CellRef::adopt(cell);
}

void Runtime::unprepare(ProcessBase* process) {
  process->pid_.reference->process.store(nullptr);
  process->pid_.reference = CellRef();
  process->context_ = nullptr;
}

void Runtime::help(ProcessBase* receiver) {
  ProcessBase* sender = runningProcess;
  if (helping || sender == nullptr || receiver == sender) {
    return;
  }
  // Only a receiver queued for this very worker: then it is not running
  // anywhere, and nothing else will run it before this event ends. (The
  // pointer is only compared until then: a queued process is alive.)
  Scheduler& scheduler = *sender->context_->scheduler;
  if (!scheduler.takeIfWaiting(receiver)) {
    return;
  }
  helping = true;
  const int savedDeliveries = deliveriesThisEvent;
  runBatch(receiver, kHelpBatch);
  deliveriesThisEvent = savedDeliveries;
  helping = false;
  scheduler.finishedInline();
}

void Runtime::run(ProcessBase* process) {
  // The turn may end the process: its context outlives it.
  Transport& transport = *process->context_->transport;
  runBatch(process, kBatch);
  transport.endTurn();
}

void Runtime::runBatch(ProcessBase* process, int batch) {
  {
    CurrentProcess current(process);
    if (!process->initialized_) {
      process->initialized_ = true;
      guarded("initialize()", process->pid_, [&] { process->initialize(); });
    }
    for (int handled = 0; handled < batch; ++handled) {
      deliveriesThisEvent = 0;
      if ((process->state_.load(std::memory_order_acquire) & kTerminating) !=
          0) {
        break;
      }
      Event* event = process->mailbox_.pop();
      if (event == nullptr) {
        break;
      }
      guarded("An event", process->pid_, [&] { event->run(*process); });
      delete event;
    }
  }

  if ((process->state_.load(std::memory_order_acquire) & kTerminating) != 0) {
    terminateNow(process);
    return;
  }
  Scheduler& scheduler = *process->context_->scheduler;
  if (!process->mailbox_.empty()) {
    scheduler.resubmit(process);
    return;
  }
  // Idle: let the next sender schedule it. A sender that pushed before we
  // cleared the flag saw it set and did not schedule, so look once more;
  // only the mailbox's atomic head may be read now (another worker may
  // already be running the process).
  // Once the flag is clear another worker may run the process, terminate it,
  // and its owner free it: hold it as a sender would, so that its
  // termination waits for us.
  HazardSlot& slot = hazardSlot();
  slot.cell.store(process->pid_.reference.get(), std::memory_order_seq_cst);
  process->state_.fetch_and(~kScheduled, std::memory_order_seq_cst);
  const bool pushed = process->mailbox_.pushedSinceEmpty();
  const bool terminating =
      (process->state_.load(std::memory_order_seq_cst) & kTerminating) != 0;
  if ((pushed || terminating) &&
      (process->state_.fetch_or(kScheduled, std::memory_order_seq_cst) &
       kScheduled) == 0) {
    scheduler.resubmit(process);
  }
  slot.cell.store(nullptr, std::memory_order_release);
}

// One order, whatever the process is (see docs/architecture.md,
// Termination): finalize, close the cell, drain the mailbox, destroy the
// suspended coroutines, notify the linkers, delete a managed process, wake
// wait(). Everything that may still touch the object (finalize, dropped
// events, coroutine frames and their locals) runs before it is deleted.
void Runtime::terminateNow(ProcessBase* process) {
  ContextImpl* context = process->context_;
  {
    CurrentProcess current(process);
    guarded("finalize()", process->pid_, [&] { process->finalize(); });
  }

  // Close the door, then wait for anyone already in the doorway.
  const CellRef cell = process->pid_.reference;
  cell->process.store(nullptr, std::memory_order_seq_cst);
  waitForSenders(cell.get());
  context->registry.remove(process);

  // Whatever is still queued will never run.
  for (;;) {
    Event* event = process->mailbox_.pop();
    if (event == nullptr) {
      if (process->mailbox_.empty()) {
        break;
      }
      std::this_thread::yield();
      continue;
    }
    if (auto* message = dynamic_cast<QueuedMessage*>(event)) {
      message->dropCounter = &context->droppedMessages;
    }
    event->drop();
    delete event;
  }

  std::unique_ptr<ProcessExtras> extras = std::move(process->extras_);
  const UPID self = process->pid_;
  if (extras != nullptr) {
    // Coroutines still waiting for a future will never resume here. Their
    // frames may refer to the process (`this`, locals whose destructors use
    // it): destroy them while it exists, as if on the process.
    {
      CurrentProcess current(process);
      for (const auto& suspension : extras->suspensions) {
        if (suspension->claim(Suspension::kCancelled)) {
          guarded("Destroying a suspended coroutine", self,
                  [&] { suspension->handle.destroy(); });
        }
      }
    }
    for (const UPID& linker : extras->linkers) {
      deliver(linker, new QueuedExit(self));
    }
  }
  if (process->managed_) {
    delete process;
  }
  // From here the process may be destroyed by its owner: touch nothing.
  notifyTerminated(cell.get());
}

void Runtime::handleMessage(ProcessBase& process, const UPID& from,
                            const std::string& name, const std::string& body) {
  if (process.handlers_ != nullptr) {
    for (const auto& [installed, handler] : *process.handlers_) {
      if (installed.size() == name.size() && installed == name) {
        handler(from, body);
        return;
      }
    }
  }
  if (process.extras_ != nullptr && process.extras_->unhandled) {
    process.extras_->unhandled(from, name, body);
    return;
  }
  VLOG(1) << process.self() << " has no handler for message '" << name
          << "' from " << from << "; dropped";
}

Future<http::Response> Runtime::handleHttp(ProcessBase& process,
                                           const std::string& routePath,
                                           const http::Request& request) {
  if (process.extras_ == nullptr || process.extras_->routes.empty()) {
    return http::NotFound();
  }
  // The longest route that is the path or a '/'-prefix of it.
  const std::vector<Route>& routes = process.extras_->routes;
  std::string_view path = routePath;
  for (;;) {
    for (const Route& route : routes) {
      if (route.name == path) {
        try {
          return route.handler(request);
        } catch (const std::exception& e) {
          LOG(WARNING) << "Route " << route.name << " of " << process.self()
                       << " threw: " << e.what();
          return http::InternalServerError(std::string(e.what()) + "\n");
        } catch (...) {
          LOG(WARNING) << "Route " << route.name << " of " << process.self()
                       << " threw";
          return http::InternalServerError();
        }
      }
    }
    const size_t slash = path.rfind('/');
    if (slash == 0 || slash == std::string_view::npos) {
      break;
    }
    path = path.substr(0, slash);
  }
  return http::NotFound();
}

ProcessExtras& Runtime::extras(ProcessBase& process) {
  if (process.extras_ == nullptr) {
    process.extras_ = std::make_unique<ProcessExtras>();
  }
  return *process.extras_;
}

void suspendOnCurrentProcess(std::shared_ptr<Suspension> suspension) {
  ProcessBase* process = runningProcess;
  CHECK(process != nullptr);
  auto& suspensions = Runtime::extras(*process).suspensions;
  // Forget the ones that have resumed (amortised: the list stays short).
  if (suspensions.size() >= 8) {
    std::erase_if(suspensions, [](const auto& s) {
      return s->state.load(std::memory_order_acquire) != Suspension::kWaiting;
    });
  }
  suspensions.push_back(std::move(suspension));
}

void Runtime::addLinker(ProcessBase& process, const UPID& linker) {
  auto& linkers = extras(process).linkers;
  if (std::find(linkers.begin(), linkers.end(), linker) == linkers.end()) {
    linkers.push_back(linker);
  }
}

void Runtime::exited(ProcessBase& process, const UPID& pid) {
  process.consume(process::ExitedEvent(pid));
}

void Runtime::consume(ProcessBase& process, process::MessageEvent&& event) {
  // `to` names the receiver without holding a reference to it.
  if (process.messagesNeedTo_) {
    const UPID& self = process.self();
    UPID& to = event.message.to;
    to.id = self.id;
    to.address = self.address;
  }
  process.consume(std::move(event));
}

}  // namespace detail

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
  if (!to) {
    // Nothing can ever be reached there: as for a process that is gone, the
    // linker hears of it at once.
    if (context_ != nullptr) {
      context_->droppedMessages.fetch_add(1, std::memory_order_relaxed);
      detail::logDroppedMessage("(link)", to, "an invalid or empty UPID");
      detail::deliverExited(pid_, to);
    }
    return to;
  }
  if (context_ != nullptr && context_->isRemote(to.address)) {
    context_->transport->link(pid_, to);
    return to;
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

void dropMessage(const ProcessBase* counter, const UPID& from, const UPID& to,
                 const std::string& name, const std::string& why) {
  ContextImpl* context = counter != nullptr ? counter->context_ : nullptr;
  if (context == nullptr) {
    context = contextAt(from.address);
  }
  if (context == nullptr) {
    context = &implOf(Context::instance());
  }
  context->droppedMessages.fetch_add(1, std::memory_order_relaxed);
  static std::atomic<uint64_t> drops{0};
  const uint64_t count = drops.fetch_add(1, std::memory_order_relaxed) + 1;
  if (count <= 100 || count % 10000 == 0) {
    LOG(WARNING) << "Dropped message '" << name << "' from " << from << " to "
                 << to << ": " << why << " (" << count
                 << " such dropped so far)";
  }
}

}  // namespace detail

void ProcessBase::route(const std::string& name,
                        const Option<std::string>& help,
                        const HttpRequestHandler& handler) {
  CHECK(!name.empty() && name[0] == '/')
      << "route '" << name << "' of " << pid_ << " must start with '/'";
  auto& routes = detail::Runtime::extras(*this).routes;
  for (auto& existing : routes) {
    if (existing.name == name) {
      existing.help = help;
      existing.handler = handler;
      return;
    }
  }
  routes.push_back(detail::Route{name, help, handler});
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
      context_->droppedMessages.fetch_add(1, std::memory_order_relaxed);
    }
    detail::logDroppedMessage(name, to, "an invalid or empty UPID");
    return;
  }
  if (context_ != nullptr && context_->isRemote(to.address)) {
    context_->transport->send(pid_, to, name, std::move(body));
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

void post(const UPID& to, const std::string& name, std::string body) {
  post(UPID(), to, name, std::move(body));
}

void post(const UPID& to, const std::string& name, const char* data,
          size_t length) {
  post(UPID(), to, name, std::string(data, length));
}

void post(const UPID& from, const UPID& to, const std::string& name,
          std::string body) {
  if (!to) {
    // Counted by the sender's context, else the default one's.
    detail::ContextImpl* context = detail::contextAt(from.address);
    if (context == nullptr) {
      context = &detail::implOf(Context::instance());
    }
    context->droppedMessages.fetch_add(1, std::memory_order_relaxed);
    detail::logDroppedMessage(name, to, "an invalid or empty UPID");
    return;
  }
  // From outside any process: a process of this OS process is reached in
  // memory; another node through the context `from` belongs to, if it is
  // ours, else the default context.
  if (detail::contextAt(to.address) == nullptr) {
    detail::ContextImpl* context = detail::contextAt(from.address);
    if (context == nullptr) {
      context = &detail::implOf(Context::instance());
    }
    context->transport->send(from, to, name, std::move(body));
    return;
  }
  detail::deliver(to, new detail::QueuedMessage(from, name, std::move(body)));
}

ProcessBase* currentProcess() {
  return detail::runningProcess;
}

}  // namespace process
