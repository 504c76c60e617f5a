#include <process/process.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <glog/logging.h>

#include <process/id.hpp>

#include "runtime/events.hpp"
#include "runtime/faults.hpp"
#include "runtime/filtering.hpp"
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

void QueuedMessage::run(ProcessBase& process) {
  ++turnCounts.received;  // counted in the batch's totals (runBatch)
  if (arrivedBytes > 0) {
    Runtime::tookArrived(process, arrivedBytes);
  }
  Runtime::consume(process, std::move(event));
  receipt.settle(true);
}

void QueuedMessage::drop() noexcept {
  if (dropCounter != nullptr) {
    dropCounter->count(DropReason::kProcessTerminated);
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
  // Undeliverable: said and dropped. (Never null; the check is for the
  // reader and the analyzer, on this cold path only.)
  CHECK(event != nullptr);
  if (auto* message = dynamic_cast<QueuedMessage*>(event)) {
    ContextImpl* context = contextAt(to.address);
    if (context != nullptr) {
      context->drops.count(DropReason::kNoSuchProcess);
    }
    logDroppedMessage(message->name(), to, "no such process");
  } else {
    event->drop();
  }
  delete event;
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
  int handled = 0;
  {
    CurrentProcess current(process);
    if (!process->initialized_) {
      process->initialized_ = true;
      guarded("initialize()", process->pid_, [&] { process->initialize(); });
    }
    for (; handled < batch; ++handled) {
      deliveriesThisEvent = 0;
      // One load for both: a terminate, and an inspection to answer before
      // the events ahead of it run.
      const uint32_t state = process->state_.load(std::memory_order_acquire);
      if ((state & (kTerminating | kInspect)) != 0) [[unlikely]] {
        if ((state & kTerminating) != 0) {
          break;
        }
        answerInspections(*process);
      }
      Event* event = process->mailbox_.pop();
      if (event == nullptr) {
        break;
      }
      if (dropsEvent(*event, *process)) {
        delete event;
        continue;
      }
      guarded("An event", process->pid_, [&] { event->run(*process); });
      delete event;
    }
  }
  // Once per batch, in this worker's own block (runtime/counters.hpp). A
  // nested batch (help(), a blocked wait) is of the same context and takes
  // what the outer one counted so far: nothing is lost or counted twice.
  process->eventsRun_ += static_cast<uint64_t>(handled);
  process->context_->counters.addBatch(static_cast<uint64_t>(handled),
                                       std::exchange(turnCounts.sent, 0),
                                       std::exchange(turnCounts.received, 0));

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
      message->dropCounter = &context->drops;
      if (message->arrivedBytes > 0) {
        Runtime::tookArrived(*process, message->arrivedBytes);
      }
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
      if (faults::active() && linker.address != self.address &&
          faults::exitInMemory(*context, linker, self)) [[unlikely]] {
        continue;  // held by an injected cut
      }
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
        return serveRoute(*process.context_->guards, process.self(),
                          process.extras_->routeOrder, route, request);
      }
    }
    const size_t slash = path.rfind('/');
    if (slash == 0 || slash == std::string_view::npos) {
      break;
    }
    path = path.substr(0, slash);
  }
  if (process.extras_->unrouted.has_value()) {
    return serveRoute(*process.context_->guards, process.self(),
                      process.extras_->routeOrder, *process.extras_->unrouted,
                      request);
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
  if (process.extras_ != nullptr) {
    std::erase(process.extras_->links, pid);
  }
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

ProcessBase* currentProcess() {
  return detail::runningProcess;
}

}  // namespace process
