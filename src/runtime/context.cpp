#include <process/context.hpp>

#include <errno.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <glog/logging.h>

#include <process/clock.hpp>

#include "runtime/faults.hpp"
#include "runtime/runtime.hpp"
#include "runtime/system_processes.hpp"
#include "runtime/tls_environment.hpp"
#include "runtime/transport.hpp"

namespace process {
namespace detail {

std::atomic<bool> exiting{false};
namespace {

std::shared_mutex& contextsMutex() {
  static auto* mutex = new std::shared_mutex();
  return *mutex;
}
std::vector<ContextImpl*>& contexts() {
  static auto* all = new std::vector<ContextImpl*>();
  return *all;
}
std::atomic<int> contextsInMemory{0};

int defaultWorkers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 2 : static_cast<int>(cores);
}

}  // namespace

namespace {
// glog prints "Logging before InitGoogleLogging() is written to STDERR" at
// the first line logged by a program that did not initialize it: do it for
// the program, the first time a context is made, unless it did it itself.
// Logs still go to stderr (glog would otherwise write them to files in
// /tmp) unless the environment asks glog for files.
void initializeLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (google::IsGoogleLoggingInitialized()) {
      return;
    }
    if (std::getenv("GLOG_logtostderr") == nullptr &&
        std::getenv("GLOG_log_dir") == nullptr &&
        std::getenv("GLOG_alsologtostderr") == nullptr) {
      FLAGS_logtostderr = true;
    }
    google::InitGoogleLogging(program_invocation_short_name);
  });
}
Option<Duration> intervalOf(const Option<Context::Options::RateLimit>& limit) {
  if (limit.isNone()) {
    return None();
  }
  if (limit->requests <= 0 || limit->interval < Duration::zero()) {
    throw std::invalid_argument(
        "Context: metricsSnapshotRateLimit needs a positive number of "
        "requests and an interval of at least 0");
  }
  return limit->interval / limit->requests;
}
}  // namespace

ContextImpl::ContextImpl(const Context::Options& options)
    : inMemoryLocalPeers(options.inMemoryLocalPeers),
      maxQueuedBytesPerProcess(options.limits.maxQueuedBytesPerProcess),
      systemEndpoints(options.systemEndpoints),
      metricsSnapshotInterval(intervalOf(options.metricsSnapshotRateLimit)),
      startedAt(Clock::now()) {
  initializeLogging();
  guards = std::make_unique<RouteGuards>(options);
  transport = makeTransport(*this, options);
  bound = transport->bound();
  address = bound;
  if (!options.advertiseIp.empty()) {
    Try<net::IP> ip = net::IP::parse(options.advertiseIp);
    if (ip.isError()) {
      throw std::invalid_argument("Context: cannot advertise '" +
                                  options.advertiseIp + "': " + ip.error());
    }
    address.ip = ip.get();
  }
  if (options.advertisePort != 0) {
    address.port = options.advertisePort;
  }
  const int workers = options.workers > 0 ? options.workers : defaultWorkers();
  scheduler =
      std::make_unique<Scheduler>(workers, &Runtime::run, &transport->poller());
  counters.bind(scheduler.get());
  std::unique_lock<std::shared_mutex> guard(contextsMutex());
  contexts().push_back(this);
  if (inMemoryLocalPeers) {
    contextsInMemory.fetch_add(1, std::memory_order_release);
  }
  guard.unlock();
  faults::attach(*this, options.peerTimeout);
  startSystemProcesses(*this);
}

bool ContextImpl::isSystemProcess(const UPID& pid) const {
  return std::find(systemProcesses_.begin(), systemProcesses_.end(), pid) !=
         systemProcesses_.end();
}

uint64_t ContextImpl::deepestQueue() const {
  uint64_t deepest = 0;
  registry.forEach([&deepest](const ProcessBase& process) {
    deepest = std::max(deepest, process.mailbox_.depth());
  });
  return deepest;
}

ContextImpl::~ContextImpl() {
  shutdown();
  {
    std::unique_lock<std::shared_mutex> guard(contextsMutex());
    auto& all = contexts();
    all.erase(std::remove(all.begin(), all.end(), this), all.end());
    if (inMemoryLocalPeers) {
      contextsInMemory.fetch_sub(1, std::memory_order_release);
    }
  }
}

UPID ContextImpl::spawn(ProcessBase* process, bool manage) {
  CHECK(process != nullptr) << "spawn() of a null process";
  if (process->self().reference) {
    LOG(WARNING) << "Attempted to spawn " << process->self()
                 << ", which was already spawned";
    return UPID();
  }
  Runtime::prepare(process, this, manage);
  if (!registry.insert(process)) {
    LOG(WARNING) << "Attempted to spawn a process with id '"
                 << process->self().id << "', which is already taken";
    Runtime::unprepare(process);
    if (manage) {
      delete process;
    }
    return UPID();
  }
  UPID pid = process->self();
  Runtime::start(process);
  return pid;
}

void ContextImpl::shutdown() {
  if (shutDown_) {
    return;
  }
  shutDown_ = true;
  // Finalizers may spawn more; go until none is left.
  for (std::vector<UPID> pids = registry.snapshot(); !pids.empty();
       pids = registry.snapshot()) {
    for (const UPID& pid : pids) {
      process::terminate(pid);
    }
    for (const UPID& pid : pids) {
      process::wait(pid);
    }
  }
  // Nothing the fault injector holds reaches the node from here on.
  faults::detach(*this);
  scheduler->stop();
  transport->stop();
}

CellRef resolve(const UPID& pid) {
  std::shared_lock<std::shared_mutex> guard(contextsMutex());
  for (ContextImpl* context : contexts()) {
    if (context->address == pid.address || context->bound == pid.address) {
      return context->registry.lookup(pid.id);
    }
  }
  return CellRef();
}

bool ContextImpl::isRemote(const Address& to) const {
  if (to == address || to == bound) {
    return false;
  }
  // Either end may ask for the shortcut; most programs have no such
  // context and skip the lookup.
  if (contextsInMemory.load(std::memory_order_acquire) == 0) {
    return true;
  }
  std::shared_lock<std::shared_mutex> guard(contextsMutex());
  for (ContextImpl* context : contexts()) {
    if (context->address == to || context->bound == to) {
      return !(inMemoryLocalPeers || context->inMemoryLocalPeers);
    }
  }
  return true;
}

ContextImpl* contextAt(const Address& address) {
  std::shared_lock<std::shared_mutex> guard(contextsMutex());
  for (ContextImpl* context : contexts()) {
    if (context->address == address || context->bound == address) {
      return context;
    }
  }
  return nullptr;
}

bool allContextsIdle() {
  std::shared_lock<std::shared_mutex> guard(contextsMutex());
  return std::all_of(contexts().begin(), contexts().end(),
                     [](ContextImpl* c) { return c->scheduler->idle(); });
}

}  // namespace detail

namespace {

std::string environment(const char* name, const std::string& otherwise) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : otherwise;
}

uint16_t environmentPort(const char* name) {
  const std::string text = environment(name, "0");
  char* end = nullptr;
  const unsigned long port = std::strtoul(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || port > 65535) {
    throw std::invalid_argument(std::string(name) + "='" + text +
                                "' is not a port number");
  }
  return static_cast<uint16_t>(port);
}

// LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT: unset, libprocess's 2
// per second; set and empty, none; else "<requests>/<interval>".
Option<Context::Options::RateLimit> snapshotRateLimitFromEnvironment() {
  const char* name = "LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT";
  const char* value = std::getenv(name);
  if (value == nullptr) {
    return Context::Options::RateLimit{};
  }
  const std::string text(value);
  if (text.empty()) {
    return None();
  }
  const size_t slash = text.find('/');
  const std::string requests = text.substr(0, slash);
  char* end = nullptr;
  const long count = std::strtol(requests.c_str(), &end, 10);
  Try<Duration> interval = slash == std::string::npos
                               ? Try<Duration>(Error("no '/'"))
                               : Duration::parse(text.substr(slash + 1));
  if (end == requests.c_str() || *end != '\0' || count <= 0 ||
      count > 1000000 || interval.isError() ||
      interval.get() < Duration::zero()) {
    throw std::invalid_argument(
        std::string(name) + "='" + text +
        "' is not <number of requests>/<interval duration> (such as "
        "2/1secs)");
  }
  return Context::Options::RateLimit{static_cast<int>(count), interval.get()};
}

Context::Options optionsFromEnvironment() {
  Context::Options options;
  options.ip = environment("LIBPROCESS_IP", "127.0.0.1");
  options.port = environmentPort("LIBPROCESS_PORT");
  options.advertiseIp = environment("LIBPROCESS_ADVERTISE_IP", "");
  options.advertisePort = environmentPort("LIBPROCESS_ADVERTISE_PORT");
  const std::string workers = environment("LIBPROCESS_NUM_WORKER_THREADS", "0");
  char* end = nullptr;
  const long count = std::strtol(workers.c_str(), &end, 10);
  if (end == workers.c_str() || *end != '\0' || count < 0 || count > 4096) {
    throw std::invalid_argument("LIBPROCESS_NUM_WORKER_THREADS='" + workers +
                                "' is not a number of threads");
  }
  options.workers = static_cast<int>(count);
  const std::string peerTimeout = environment("PROCESSION_PEER_TIMEOUT", "");
  if (!peerTimeout.empty()) {
    Try<Duration> parsed = Duration::parse(peerTimeout);
    if (parsed.isError() || parsed.get() <= Duration::zero()) {
      throw std::invalid_argument(
          "PROCESSION_PEER_TIMEOUT='" + peerTimeout +
          "' is not a positive duration (such as 5secs)");
    }
    options.peerTimeout = parsed.get();
  }
  const std::string system = environment("PROCESSION_SYSTEM_ENDPOINTS", "1");
  if (system == "0" || system == "false") {
    options.systemEndpoints = false;
  } else if (system != "1" && system != "true") {
    throw std::invalid_argument("PROCESSION_SYSTEM_ENDPOINTS='" + system +
                                "' is not 0, 1, false or true");
  }
  options.metricsSnapshotRateLimit = snapshotRateLimitFromEnvironment();
  for (auto [name, realm] : {std::pair{"PROCESSION_READWRITE_REALM",
                                       &options.readwriteAuthenticationRealm},
                             std::pair{"PROCESSION_READONLY_REALM",
                                       &options.readonlyAuthenticationRealm}}) {
    const std::string value = environment(name, "");
    if (!value.empty()) {
      *realm = value;
    }
  }
  const std::string details = environment("PROCESSION_HTTP_ERROR_DETAILS", "0");
  if (details == "1" || details == "true") {
    options.httpErrorDetails = true;
  } else if (details != "0" && details != "false") {
    throw std::invalid_argument("PROCESSION_HTTP_ERROR_DETAILS='" + details +
                                "' is not 0, 1, false or true");
  }
  options.tls = detail::tlsFromEnvironment();
  return options;
}

std::atomic<Context*> defaultContext{nullptr};

// The default context or, if it cannot be made (LIBPROCESS_PORT taken, a
// bad variable), one line on stderr and exit(1): the program cannot run
// without it, and a stack trace would only hide the reason.
Context* makeDefault() {
  try {
    return new Context(optionsFromEnvironment());
  } catch (const std::exception& error) {
    std::fprintf(stderr,
                 "Cannot start libprocess from the environment: "
                 "%s\n",
                 error.what());
  } catch (...) {
    std::fprintf(stderr, "Cannot start libprocess: an unknown error\n");
  }
  std::fflush(nullptr);
  // Not exit(): other threads (contexts of the program's own) may still be
  // running, and static destructors would run under them.
  std::_Exit(1);
}

}  // namespace

Context::Context(const Options& options)
    : impl_(std::make_unique<detail::ContextImpl>(options)) {}

Try<std::unique_ptr<Context>> Context::create(const Options& options) {
  try {
    return std::make_unique<Context>(options);
  } catch (const std::exception& error) {
    return Error(error.what());
  }
}

Context::Context() : Context(Options()) {}

Context::~Context() = default;

detail::ContextImpl& detail::implOf(Context& context) {
  return *context.impl_;
}

Context& Context::instance() {
  // Made on first use and never destroyed: processes may still be running
  // while static destructors run at exit.
  static Context* context = [] {
    static Context* made = makeDefault();
    defaultContext.store(made, std::memory_order_release);
    // Runs before the destructors of statics made earlier (glog's among
    // them): from then on no worker runs network handlers, which log.
    std::atexit([] {
      detail::exiting.store(true, std::memory_order_release);
      made->impl_->transport->poller().interrupt();
    });
    return made;
  }();
  return *context;
}

void detail::ContextImpl::terminateAllBut(
    const std::function<bool(const UPID&)>& keep) {
  for (;;) {
    std::vector<UPID> pids = registry.snapshot();
    std::erase_if(pids, keep);
    if (pids.empty()) {
      return;
    }
    for (const UPID& pid : pids) {
      process::terminate(pid);
    }
    for (const UPID& pid : pids) {
      process::wait(pid);
    }
  }
}

namespace {
// initialize()'s state: whether it has run since the last finalize(), and
// the delegate it was given.
std::mutex& initializeMutex() {
  static auto* mutex = new std::mutex();
  return *mutex;
}
bool initialized = false;
Option<std::string>& delegateId() {
  static auto* delegate = new Option<std::string>();
  return *delegate;
}
}  // namespace

bool initialize(const Option<std::string>& delegate,
                const Option<std::string>& readwriteAuthenticationRealm,
                const Option<std::string>& readonlyAuthenticationRealm) {
  Context& context = Context::instance();
  std::lock_guard<std::mutex> guard(initializeMutex());
  if (initialized) {
    return false;
  }
  initialized = true;
  delegateId() = delegate;
  detail::implOf(context).guards->setSystemRealms(readwriteAuthenticationRealm,
                                                  readonlyAuthenticationRealm);
  return true;
}

void finalize(bool finalize_wsa) {
  (void)finalize_wsa;
  {
    std::lock_guard<std::mutex> guard(initializeMutex());
    initialized = false;
    delegateId() = None();
  }
  Context* context = defaultContext.load(std::memory_order_acquire);
  if (context == nullptr) {
    return;
  }
  // The library's executors (defer(f) without a pid) stay: they hold no
  // state of the program's, and defer() would find them gone. So does the
  // caller, if it is a process: it cannot wait for itself.
  // The system processes (the "metrics" registry, …) stay too, as if
  // made anew by the next initialize(): metrics::add must keep working.
  const ProcessBase* caller = currentProcess();
  detail::ContextImpl& impl = detail::implOf(*context);
  impl.terminateAllBut([caller, &impl](const UPID& pid) {
    return pid.id.rfind("__executor__", 0) == 0 ||
           (caller != nullptr && pid == caller->self()) ||
           impl.isSystemProcess(pid);
  });
}

std::string absolutePath(const std::string& path) {
  std::lock_guard<std::mutex> guard(initializeMutex());
  if (delegateId().isNone()) {
    return path;
  }
  return "/" + delegateId().get() + path;
}

network::inet::Address address() {
  return Context::instance().address();
}

long workers() {
  return Context::instance().workers();
}

Address Context::address() const {
  return impl_->address;
}

int Context::workers() const {
  return impl_->scheduler->workers();
}

UPID Context::spawn(ProcessBase* process, bool manage) {
  return impl_->spawn(process, manage);
}

void Context::terminate(const UPID& pid, bool inject) {
  process::terminate(pid, inject);
}

bool Context::wait(const UPID& pid, const Duration& timeout) {
  return process::wait(pid, timeout);
}

uint64_t Context::droppedMessages() const {
  return impl_->drops.total();
}

uint64_t Context::droppedMessages(DropReason reason) const {
  return impl_->drops.of(reason);
}

bool Clock::settled() {
  return detail::allContextsIdle() && !Clock::timerDue();
}

void Clock::settle() {
  // Idle means: no context has a process queued or running and no timer is
  // due, seen several times in a row (work can hide for an instant between
  // being taken from a queue and being marked running).
  int quiet = 0;
  while (quiet < 3) {
    if (detail::allContextsIdle() && !Clock::timerDue()) {
      ++quiet;
    } else {
      quiet = 0;
    }
    std::this_thread::yield();
    if (quiet == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }
}

}  // namespace process
