// Processes: actors that cost no thread. A process has a mailbox of events
// that it handles one at a time, on at most one worker thread at a time, so
// its state needs no locks. Subclass Process<T>, spawn it, talk to it with
// dispatch() (process/dispatch.hpp) or named messages (install/send), and
// terminate it:
//
//   class Counter : public Process<Counter> {
//    public:
//     int add(int n) { return total += n; }
//    private:
//     int total = 0;
//   };
//
//   Counter counter;
//   spawn(counter);
//   Future<int> sum = dispatch(counter, &Counter::add, 5);
//   terminate(counter);
//   wait(counter);
//
// Free functions act on the default Context (process/context.hpp), made on
// first use from LIBPROCESS_IP, LIBPROCESS_PORT, LIBPROCESS_ADVERTISE_IP,
// LIBPROCESS_ADVERTISE_PORT and LIBPROCESS_NUM_WORKER_THREADS.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include <glog/logging.h>

#include <process/authenticator.hpp>
#include <process/coroutine.hpp>
#include <process/detail/mailbox.hpp>
#include <process/drop_reason.hpp>
#include <process/duration.hpp>
#include <process/event.hpp>
#include <process/http.hpp>
#include <process/option.hpp>
#include <process/owned.hpp>
#include <process/pid.hpp>

namespace process {

class Context;

namespace detail {
class ContextImpl;
class Runtime;
struct ProcessExtras;

// The typed layer over messages (process/protobuf.hpp) uses these.
// Installs a handler that takes precedence over those of
// ProcessBase::install() for the same name, as libprocess consults
// ProtobufProcess's handlers before the plain ones; a later installFirst of
// the name replaces it.
void installFirst(
    ProcessBase& process, const std::string& name,
    std::function<void(const UPID& from, const std::string& body)> handler);
// Logs (rate-limited) and counts as dropped a message from `from` to `to`
// that cannot be used (`why`): on the context of `counter` if it is spawned,
// else on the context at from's address, else on the default context.
void dropMessage(const ProcessBase* counter, DropReason reason,
                 const UPID& from, const UPID& to, const std::string& name,
                 const std::string& why);
}  // namespace detail

class ProcessBase;

namespace detail {
// The class that declares the consume(MessageEvent&&) that `consume` names.
template <typename C>
C* messageConsumerOf(void (C::*consume)(MessageEvent&&));

// The process as its own type T. ProcessBase is a virtual base of every
// Process<T>, which a static_cast cannot cross; Process<T> records the
// object as a T, so a dispatch to it costs a comparison, and anything else
// (a T reached through multiple inheritance) takes a dynamic_cast, as in
// libprocess.
template <typename T>
T* downcast(ProcessBase* process);
template <typename T>
T& downcast(ProcessBase& process) {
  T* typed = downcast<T>(&process);
  CHECK(typed != nullptr) << "process is not a " << typeid(T).name();
  return *typed;
}
}  // namespace detail

class ProcessBase : public EventConsumer {
 public:
  // `id` names the process within its node; empty picks "(N)".
  explicit ProcessBase(const std::string& id = "");
  ~ProcessBase() override;

  ProcessBase(const ProcessBase&) = delete;
  ProcessBase& operator=(const ProcessBase&) = delete;

  const UPID& self() const { return pid_; }

  // A named-message handler: from whom, and the body.
  using MessageHandler =
      std::function<void(const UPID& from, const std::string& body)>;
  using HttpRequestHandler =
      std::function<Future<http::Response>(const http::Request& request)>;
  // The handler of a route with a realm: it also gets the principal the
  // realm's authenticator found (None when the realm has none).
  using AuthenticatedHttpRequestHandler = std::function<Future<http::Response>(
      const http::Request& request,
      const Option<http::authentication::Principal>& principal)>;

 protected:
  // Runs on the process before any event it receives.
  virtual void initialize() {}
  // Runs on the process as it terminates; events queued behind the terminate
  // are dropped afterwards.
  virtual void finalize() {}
  // A process this one linked to has terminated (or its node became
  // unreachable).
  virtual void exited(const UPID& pid) { (void)pid; }

  // Every message and exit notice reaches the process through these, on the
  // process, as in libprocess; an override sees each one first and calls
  // the base's to handle it as usual (the installed handler, exited()).
  void consume(MessageEvent&& event) override;
  void consume(ExitedEvent&& event) override;
  // Dispatches, HTTP requests and terminations do not come as events (they
  // keep faster paths): `final`, so that an override of one fails to
  // compile instead of never being called.
  void consume(DispatchEvent&& /*event*/) final {}
  void consume(HttpEvent&& /*event*/) final {}
  void consume(TerminateEvent&& /*event*/) final {}

  // Process<T> records the object as its Process<T> (`typed`), and whether T
  // overrides consume(MessageEvent&&): when it does not, and T is also the
  // process's dynamic type (spawn checks), messages reach consume() without
  // `to` filled in, as nothing can look at it.
  void noteType(const std::type_info& type, void* typed,
                bool overridesConsume) {
    typedAs_ = &type;
    typed_ = typed;
    overridesConsume_ = overridesConsume;
  }

  // Names the process `id` (when not empty); for Process<T>(id), whose
  // ProcessBase(id) the most-derived class overrides. Before spawn only.
  void setId(const std::string& id) {
    if (!id.empty()) {
      pid_.id = id;
    }
  }

  // exited(to) will run once `to` terminates, at once if it already has.
  UPID link(const UPID& to);

  // Handles messages called `name` with `handler`: a member function
  // void T::handler(const UPID& from, const std::string& body), or any
  // callable of that shape. A later install of the same name replaces it.
  void install(const std::string& name, MessageHandler handler);
  template <typename T>
  void install(const std::string& name,
               void (T::*method)(const UPID&, const std::string&)) {
    T* self = detail::downcast<T>(this);
    install(name, [self, method](const UPID& from, const std::string& body) {
      (self->*method)(from, body);
    });
  }

  // Serves HTTP requests for http://<ip>:<port>/<id><name>[/…] with
  // `handler`, run on this process (it may use the process's state). `name`
  // starts with '/'; a request whose path extends a route's name past a '/'
  // goes to that route when no longer one matches. `help` is a description
  // for humans.
  void route(const std::string& name, const Option<std::string>& help,
             const HttpRequestHandler& handler);
  template <typename T>
  void route(const std::string& name, const Option<std::string>& help,
             Future<http::Response> (T::*method)(const http::Request&)) {
    T* self = detail::downcast<T>(this);
    route(name, help, [self, method](const http::Request& request) {
      return (self->*method)(request);
    });
  }

  // The same behind authentication: the authenticator set for `realm`
  // (process/authenticator.hpp) runs first, and answers 401 or 403 itself
  // when it does not accept the request.
  void route(const std::string& name, const std::string& realm,
             const Option<std::string>& help,
             const AuthenticatedHttpRequestHandler& handler);
  template <typename T>
  void route(const std::string& name, const std::string& realm,
             const Option<std::string>& help,
             Future<http::Response> (T::*method)(
                 const http::Request&,
                 const Option<http::authentication::Principal>&)) {
    T* self = detail::downcast<T>(this);
    route(name, realm, help,
          [self, method](
              const http::Request& request,
              const Option<http::authentication::Principal>& principal) {
            return (self->*method)(request, principal);
          });
  }

  // Sends message `name` from this process. A message to a process that does
  // not exist is dropped (logged and counted).
  void send(const UPID& to, const std::string& name) const;
  void send(const UPID& to, const std::string& name, const char* data,
            size_t length) const;
  void send(const UPID& to, const std::string& name, std::string body) const;

 private:
  friend class Context;
  friend class detail::ContextImpl;
  friend class detail::Runtime;
  template <typename T>
  friend T* detail::downcast(ProcessBase* process);
  friend void detail::installFirst(ProcessBase& process,
                                   const std::string& name,
                                   MessageHandler handler);
  friend void detail::dropMessage(const ProcessBase* counter, DropReason reason,
                                  const UPID& from, const UPID& to,
                                  const std::string& name,
                                  const std::string& why);

  UPID pid_;
  detail::Mailbox mailbox_;
  // kScheduled | kTerminating (see runtime/runtime.hpp).
  std::atomic<uint32_t> state_{0};
  bool initialized_ = false;
  bool managed_ = false;
  bool messagesNeedTo_ = true;  // decided at spawn
  bool overridesConsume_ = true;
  const std::type_info* typedAs_ = nullptr;
  void* typed_ = nullptr;
  // How many of handlers_ come from detail::installFirst: they lead the
  // list, so the first match is the preferred handler and a plain message
  // pays nothing for the distinction.
  uint16_t firstHandlers_ = 0;
  detail::ContextImpl* context_ = nullptr;
  // Every event taken off the mailbox so far, added once per batch by the
  // worker running it and read only on the process (/__processes__).
  uint64_t eventsRun_ = 0;
  // Few per process: a scan that compares lengths first beats hashing the
  // name of every message.
  std::unique_ptr<std::vector<std::pair<std::string, MessageHandler>>>
      handlers_;
  // What few processes need: who linked to us, suspended coroutines.
  std::unique_ptr<detail::ProcessExtras> extras_;
};

template <typename T>
class Process;

namespace detail {
template <typename T>
T* downcast(ProcessBase* process) {
  if constexpr (requires { static_cast<T*>(process); }) {
    return static_cast<T*>(process);
  } else {
    if constexpr (requires(Process<T> * base) { static_cast<T*>(base); }) {
      if (process->typedAs_ == &typeid(T)) {
        return static_cast<T*>(static_cast<Process<T>*>(process->typed_));
      }
    }
    return dynamic_cast<T*>(process);
  }
}
}  // namespace detail

// Process<T> derives virtually from ProcessBase, as in libprocess, so the
// most-derived class names its process the way Mesos does:
//
//   class Master : public Process<Master> {
//    public:
//     Master() : ProcessBase(ID::generate("master")) {}
//   };
//
// A virtual base is constructed by the most-derived class, which would
// silently drop the id given to Process<T>(id); that constructor therefore
// sets the id itself, so both forms name the process.
template <typename T>
class Process : public virtual ProcessBase {
 public:
  Process() { recordType(); }
  explicit Process(const std::string& id) : ProcessBase(id) {
    setId(id);
    recordType();
  }

  PID<T> self() const { return PID<T>(static_cast<const T*>(this)); }

 protected:
  using ProcessBase::install;

  // libprocess's names for the process's own type.
  using Self = T;
  using This = T;

 private:
  // Records the object as a T, for detail::downcast, and whether T may
  // look at a message's `to`. `to` is only ever the receiver itself, and
  // copying it into every message costs the busiest workloads a tenth of
  // their rate: it is filled in only where a consume() override may read
  // it. T's own override is seen here (one T declares non-public cannot be
  // seen and counts as one); a class derived from T is checked at spawn.
  void recordType() {
    constexpr bool inheritsConsume = requires {
      { detail::messageConsumerOf(&T::consume) } -> std::same_as<ProcessBase*>;
    };
    // Unless T reaches Process<T> other than as a plain base (nothing then
    // is recorded: downcasts take a dynamic_cast, messages carry `to`).
    // The Process<T> is kept, not yet the T: T is not constructed yet.
    if constexpr (requires { static_cast<T*>(this); }) {
      noteType(typeid(T), static_cast<Process<T>*>(this), !inheritsConsume);
    }
  }
};

// Spawns `process` on the default context: it gets its UPID and runs
// initialize(). With `manage`, it is deleted once it terminates. Spawning a
// process twice, or with an id already taken, gives an empty UPID.
UPID spawn(ProcessBase* process, bool manage = false);
inline UPID spawn(ProcessBase& process) {
  return spawn(&process, false);
}
template <typename T>
PID<T> spawn(T* process, bool manage = false) {
  return PID<T>(spawn(static_cast<ProcessBase*>(process), manage));
}
template <typename T>
PID<T> spawn(T& process) {
  return PID<T>(spawn(static_cast<ProcessBase*>(&process), false));
}

// Terminates a process: with `inject` (the default) the terminate goes ahead
// of queued events, which are dropped unrun (their futures discarded);
// otherwise it runs after them. A pid that names nothing is ignored.
void terminate(const UPID& pid, bool inject = true);
inline void terminate(const ProcessBase& process, bool inject = true) {
  terminate(process.self(), inject);
}
inline void terminate(const ProcessBase* process, bool inject = true) {
  terminate(process->self(), inject);
}

// Blocks until the process has terminated (true) or `timeout` passed (false).
// True at once for a pid that names no live process.
bool wait(const UPID& pid, const Duration& timeout = Duration::max());
inline bool wait(const ProcessBase& process,
                 const Duration& timeout = Duration::max()) {
  return wait(process.self(), timeout);
}
inline bool wait(const ProcessBase* process,
                 const Duration& timeout = Duration::max()) {
  return wait(process->self(), timeout);
}

// Sends a message from outside any process (an empty sender).
void post(const UPID& to, const std::string& name, std::string body = "");
void post(const UPID& to, const std::string& name, const char* data,
          size_t length);
// Sends a message naming `from` as its sender.
void post(const UPID& from, const UPID& to, const std::string& name,
          std::string body);

// The process whose event this thread is running, or null.
ProcessBase* currentProcess();

// libprocess's name for a node's address (process::address() returns one).
namespace network::inet {
using Address = ::process::Address;
}  // namespace network::inet

// The endpoint firewall (process/firewall.hpp): `rules` replace those the
// default context (or `context`) had; every request for a route passes
// them first.
namespace firewall {
class FirewallRule;
void install(std::vector<Owned<FirewallRule>>&& rules);
void install(Context& context, std::vector<Owned<FirewallRule>>&& rules);
}  // namespace firewall

// Makes the default context (from the LIBPROCESS_* variables) if it is not
// made yet; true the first time (again after finalize()), false after.
// Idempotent and thread-safe; the free functions call it implicitly.
// `delegate` names the process whose routes absolutePath() prefixes; the
// realms put the node's own endpoints behind authentication, as
// Context::Options' realms do: /logging/toggle in the read-write realm,
// the others in the read-only one. Given to the first initialize() only
// (after a finalize(), to the next).
bool initialize(
    const Option<std::string>& delegate = None(),
    const Option<std::string>& readwriteAuthenticationRealm = None(),
    const Option<std::string>& readonlyAuthenticationRealm = None());

// Terminates every process of the default context and waits for them. Ours:
// the context itself (its address, workers and connections) stays, so
// UPIDs made since go on naming this node, and a later initialize() or
// spawn() starts afresh on it. Not from a process of the default context
// (it is left running). `finalize_wsa` has no effect outside Windows.
void finalize(bool finalize_wsa = false);

// `path` under the delegate given to initialize(): "/<delegate><path>".
std::string absolutePath(const std::string& path);

// The default context's (advertised) address: address().ip, .port.
network::inet::Address address();

// The default context's worker threads.
long workers();

}  // namespace process
