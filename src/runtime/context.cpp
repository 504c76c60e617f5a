#include <process/context.hpp>

#include <algorithm>
#include <cstdlib>
#include <shared_mutex>
#include <thread>
#include <vector>

#include <glog/logging.h>

#include <process/clock.hpp>

#include "runtime/runtime.hpp"
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

ContextImpl::ContextImpl(const Context::Options& options)
    : inMemoryLocalPeers(options.inMemoryLocalPeers) {
  transport = makeTransport(*this, options);
  bound = transport->bound();
  address = bound;
  if (!options.advertiseIp.empty()) {
    Try<net::IP> ip = net::IP::parse(options.advertiseIp);
    CHECK(ip.isSome()) << "Context: advertised " << ip.error();
    address.ip = ip.get();
  }
  if (options.advertisePort != 0) {
    address.port = options.advertisePort;
  }
  const int workers = options.workers > 0 ? options.workers : defaultWorkers();
  scheduler =
      std::make_unique<Scheduler>(workers, &Runtime::run, transport.get());
  std::unique_lock<std::shared_mutex> guard(contextsMutex());
  contexts().push_back(this);
  if (inMemoryLocalPeers) {
    contextsInMemory.fetch_add(1, std::memory_order_release);
  }
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
  CHECK(end != text.c_str() && *end == '\0' && port <= 65535)
      << name << "='" << text << "' is not a port number";
  return static_cast<uint16_t>(port);
}

Context::Options optionsFromEnvironment() {
  Context::Options options;
  options.ip = environment("LIBPROCESS_IP", "127.0.0.1");
  options.port = environmentPort("LIBPROCESS_PORT");
  options.advertiseIp = environment("LIBPROCESS_ADVERTISE_IP", "");
  options.advertisePort = environmentPort("LIBPROCESS_ADVERTISE_PORT");
  const std::string workers = environment("LIBPROCESS_NUM_WORKER_THREADS", "0");
  options.workers = std::atoi(workers.c_str());
  CHECK_GE(options.workers, 0)
      << "LIBPROCESS_NUM_WORKER_THREADS='" << workers << "'";
  return options;
}

}  // namespace

Context::Context(const Options& options)
    : impl_(std::make_unique<detail::ContextImpl>(options)) {}

Context::Context() : Context(Options()) {}

Context::~Context() = default;

Context& Context::instance() {
  // Made on first use and never destroyed: processes may still be running
  // while static destructors run at exit.
  static Context* context = [] {
    static Context* made = new Context(optionsFromEnvironment());
    // Runs before the destructors of statics made earlier (glog's among
    // them): from then on no worker runs network handlers, which log.
    std::atexit([] {
      detail::exiting.store(true, std::memory_order_release);
      made->impl().transport->interrupt();
    });
    return made;
  }();
  return *context;
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
  return impl_->droppedMessages.load(std::memory_order_relaxed);
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
