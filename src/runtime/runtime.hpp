// The runtime's internals: how a process is scheduled, run, and terminated,
// and the context that owns it. Shared by the files of src/runtime only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <process/context.hpp>
#include <process/detail/event.hpp>
#include <process/detail/suspension.hpp>
#include <process/process.hpp>
#include <process/time.hpp>

#include "runtime/counters.hpp"
#include "runtime/drops.hpp"
#include "runtime/hazard.hpp"
#include "runtime/inspection.hpp"
#include "runtime/registry.hpp"
#include "runtime/route_guard.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/transport.hpp"

namespace process::detail {

struct Route {
  std::string name;
  Option<std::string> help;
  ProcessBase::HttpRequestHandler handler;
  // A route with a realm has this handler instead (route_guard.hpp).
  ProcessBase::AuthenticatedHttpRequestHandler authenticated;
  Option<std::string> realm;
  SystemAccess access = SystemAccess::kNone;  // a system endpoint's realm
};

struct ProcessExtras {
  std::vector<UPID> linkers;  // who will hear of our exit
  std::vector<UPID> links;    // whom we linked to, until we hear of the exit
  std::vector<std::shared_ptr<Suspension>> suspensions;
  std::vector<Route> routes;
  // Paths no route matches (the help process: /help/<id>/<name>).
  std::optional<Route> unrouted;
  RouteOrder routeOrder;  // guarded requests not yet let through
  // Messages no handler is installed for (the procession tool prints them).
  std::function<void(const UPID& from, const std::string& name,
                     const std::string& body)>
      unhandled;
};

// ProcessBase::state_ bits.
inline constexpr uint32_t kScheduled = 1;    // queued or running
inline constexpr uint32_t kTerminating = 2;  // terminate with inject asked
inline constexpr uint32_t kInspect = 4;      // an inspection is queued

class ContextImpl final : public Host {
 public:
  explicit ContextImpl(const Context::Options& options);
  ~ContextImpl();

  ContextImpl(const ContextImpl&) = delete;
  ContextImpl& operator=(const ContextImpl&) = delete;

  UPID spawn(ProcessBase* process, bool manage);
  // Terminates every process and stops the workers.
  void shutdown();
  // Terminates every process but those `keep` names, and waits for them
  // (and for any they spawn as they go); the context stays up.
  void terminateAllBut(const std::function<bool(const UPID&)>& keep);

  // Whether a process at `to` is reached through the transport.
  bool isRemote(const Address& to) const;

  // Host: what the transport asks of us.
  bool deliverMessage(const std::string& toId, UPID from, std::string name,
                      std::string body, bool* queueFull,
                      Receipt receipt) override;
  Future<http::Response> deliverRequest(const std::string& toId,
                                        std::string routePath,
                                        http::Request request) override;
  void deliverExited(const UPID& linker, const UPID& linkee) override;
  void countDropped(DropReason reason, uint64_t messages) override {
    drops.count(reason, messages);
  }
  void readerBusy() override { Scheduler::wakeSpareWorker(); }

  // The processes every context runs for operators (src/metrics' "metrics",
  // …; runtime/system_processes.hpp), which finalize() leaves running.
  void addSystemProcess(const UPID& pid) { systemProcesses_.push_back(pid); }
  bool isSystemProcess(const UPID& pid) const;
  // The events queued for the process that has the most, now.
  uint64_t deepestQueue() const;

  Address address;  // advertised
  Address bound;
  Registry registry;
  // Before the scheduler and the transport, which outlive it: the routes'
  // firewall, authenticators and authorization callbacks.
  std::unique_ptr<RouteGuards> guards;
  // Before the scheduler: its workers' blocks outlive them.
  RuntimeCounters counters;
  std::unique_ptr<Scheduler> scheduler;
  std::unique_ptr<Transport> transport;
  DropCounts drops;
  const bool inMemoryLocalPeers;
  const size_t maxQueuedBytesPerProcess;
  // Whether the operators' endpoints (/metrics/snapshot, …) are served.
  const bool systemEndpoints;
  // Between two answers of /metrics/snapshot (None: no limit).
  const Option<Duration> metricsSnapshotInterval;
  const Time startedAt;

 private:
  bool shutDown_ = false;
  std::vector<UPID> systemProcesses_;  // written while the context is made
};

// Adds `route` to the process's routes, replacing one of the same name.
void addRoute(ProcessBase& process, Route route);

// The context behind a public Context.
ContextImpl& implOf(Context& context);
// The context the calling process runs in, else the default context.
ContextImpl& callerContext();

// Tell local `linker` that `linkee` is gone.
void deliverExited(const UPID& linker, const UPID& linkee);

// The contexts of this OS process, to find a process by address and id.
CellRef resolve(const UPID& pid);
// The context whose advertised address is `address`, or null.
ContextImpl* contextAt(const Address& address);
// Every context, for Clock::settle().
bool allContextsIdle();

// A message between processes, as a mailbox holds it: the MessageEvent the
// process will consume, made once by the sender (`to` is filled in on
// arrival), so that handing it over moves nothing.
class QueuedMessage final : public Event {
 public:
  QueuedMessage(UPID from, std::string name, std::string body)
      : event(std::move(from), std::move(name), std::move(body)) {}
  // Not run (dropped, or never queued): its sender hears so.
  ~QueuedMessage() override { receipt.settle(false); }
  QueuedMessage(const QueuedMessage&) = delete;
  QueuedMessage& operator=(const QueuedMessage&) = delete;
  void run(ProcessBase& process) override;
  void drop() noexcept override;
  bool filteredBy(Filter& filter, ProcessBase& process) override;

  const std::string& name() const { return event.message.name; }

  process::MessageEvent event;
  DropCounts* dropCounter = nullptr;
  // Bytes counted in the receiver's ProcessCell::arrivedBytes (a message
  // from another node), given back when it is run or dropped.
  size_t arrivedBytes = 0;
  // Its acknowledgement to the sending node, once taken.
  Receipt receipt;
};

class Runtime {
 public:
  static void enqueue(ProcessBase* process, Event* event);
  static void requestTerminate(ProcessBase* process);
  // The scheduler's entry point: runs a batch of the process's events.
  static void run(ProcessBase* process);
  static void runBatch(ProcessBase* process, int batch);
  // Called on a worker by a process that has sent a lot in one event: runs
  // a batch of `receiver` here if it is waiting for this worker.
  static void help(ProcessBase* receiver);
  static void handleMessage(ProcessBase& process, const UPID& from,
                            const std::string& name, const std::string& body);
  static Future<http::Response> handleHttp(ProcessBase& process,
                                           const std::string& routePath,
                                           const http::Request& request);
  static void addLinker(ProcessBase& process, const UPID& linker);
  // Hands the process an exit notice (ProcessBase::consume(ExitedEvent&&)).
  static void exited(ProcessBase& process, const UPID& pid);
  static void consume(ProcessBase& process, process::MessageEvent&& event);
  // A message from another node, of `bytes`, left the process's queue.
  static void tookArrived(ProcessBase& process, size_t bytes);
  static void prepare(ProcessBase* process, ContextImpl* context, bool manage);
  // Undoes prepare() (a spawn that failed), so the object can be destroyed.
  static void unprepare(ProcessBase* process);
  // Schedules a freshly spawned process: its first run calls initialize().
  static void start(ProcessBase* process) { schedule(process, 0); }
  static ProcessExtras& extras(ProcessBase& process);
  static ContextImpl* contextOf(const ProcessBase& process) {
    return process.context_;
  }
  // inspection.cpp: the process as /__processes__ shows it, taken on it;
  // and the answer to every inspection queued for it (kInspect).
  static ProcessInfo describe(ProcessBase& process);
  static void answerInspections(ProcessBase& process);
  static bool inspectionPending(const ProcessBase& process) {
    return (process.state_.load(std::memory_order_acquire) & kInspect) != 0;
  }
  // Queues `event` and flags the process; false if it is gone.
  static bool requestInspection(const UPID& pid, Event* event,
                                std::string* state);

 private:
  static void schedule(ProcessBase* process, uint32_t bits) {
    // Usually the receiver is already scheduled: a load, not a contended
    // read-modify-write. Safe against the idle path in run(): if this load
    // sees the flag, the push came before the worker cleared it, and the
    // worker's look at the mailbox after clearing sees the push.
    if (bits == 0 &&
        (process->state_.load(std::memory_order_seq_cst) & kScheduled) != 0) {
      return;
    }
    const uint32_t previous =
        process->state_.fetch_or(bits | kScheduled, std::memory_order_seq_cst);
    if ((previous & kScheduled) == 0) {
      submit(process);
    }
  }
  static void submit(ProcessBase* process);
  static void terminateNow(ProcessBase* process);
};

// Calls f(process) with the live process behind `cell`, if there is one;
// the process cannot terminate completely while f runs.
template <typename F>
bool withProcess(ProcessCell* cell, F&& f) {
  HazardSlot& slot = hazardSlot();
  // Nested use would unprotect the outer cell; f only queues work.
  ProcessCell* const outer = slot.cell.load(std::memory_order_relaxed);
  slot.cell.store(cell, std::memory_order_seq_cst);
  ProcessBase* process = cell->process.load(std::memory_order_seq_cst);
  if (process != nullptr) {
    f(process);
  }
  slot.cell.store(outer, std::memory_order_release);
  return process != nullptr;
}

// Waiting for processes to terminate (all contexts share it).
void notifyTerminated(ProcessCell* cell);
bool waitTerminated(const CellRef& cell, const Duration& timeout);

// Logs the first drops and then every 10,000th, so a flood stays readable.
void logDroppedMessage(const std::string& name, const UPID& to,
                       const char* why);

}  // namespace process::detail
