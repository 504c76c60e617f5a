// Protocol-buffer processes: a process whose messages are protocol buffers,
// each named by its full type name and carried serialized, the way Mesos's
// master, agents and schedulers talk (and byte for byte as libprocess sends
// them). Handlers take the parsed message, or chosen fields of it:
//
// clang-format off
//   class Master : public ProtobufProcess<Master> {
//    public:
//     Master() : ProcessBase(ID::generate("master")) {
//       install<RegisterMessage>(&Master::registered);  // (const UPID&, const RegisterMessage&)
//       install<PingMessage>(&Master::ping, &PingMessage::sequence, &PingMessage::tags);
//     }
//
//    private:
//     void registered(const UPID& from, const RegisterMessage& message) {
//       RegisteredMessage answer;
//       answer.set_id(message.id());
//       reply(answer);                                  // to `from`
//     }
//     void ping(uint64_t sequence, const std::vector<std::string>& tags) {}
//   };
//
//   // A request and its typed response, without writing a process:
//   Future<PongMessage> pong = Protocol<PingMessage, PongMessage>()(master, ping, Seconds(5));
// clang-format on
//
// A body that does not parse as the installed type never reaches the
// handler: it is dropped, logged (rate-limited) and counted in the
// receiving context's droppedMessages(). A message whose name no typed
// handler is installed for goes to the plain install("name", …) handlers.
#pragma once

#include <google/protobuf/arena.h>
#include <google/protobuf/message_lite.h>
#include <google/protobuf/repeated_field.h>

#include <iterator>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <process/clock.hpp>
#include <process/defer.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/id.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>
#include <process/timer.hpp>

namespace process::detail {

// Serializes `message` into `body`; false (the message unsent) if required
// fields are missing, which the receiver would refuse to parse.
inline bool serializeMessage(const ProcessBase* sender, const UPID& from,
                             const UPID& to,
                             const google::protobuf::MessageLite& message,
                             std::string* body) {
  if (!message.IsInitialized()) {
    dropMessage(
        sender, DropReason::kUnparseable, from, to,
        std::string(message.GetTypeName()),
        "missing required fields: " + message.InitializationErrorString());
    return false;
  }
  return message.SerializeToString(body);
}

}  // namespace process::detail

namespace process {

// Posts `message` from outside any process (an empty sender), or naming
// `from` as its sender, under its full type name.
inline void post(const UPID& from, const UPID& to,
                 const google::protobuf::MessageLite& message) {
  std::string body;
  if (detail::serializeMessage(nullptr, from, to, message, &body)) {
    post(from, to, std::string(message.GetTypeName()), std::move(body));
  }
}

inline void post(const UPID& to, const google::protobuf::MessageLite& message) {
  post(UPID(), to, message);
}

}  // namespace process

// libprocess's conversions of fields to handler arguments, which Mesos also
// calls directly: repeated message and string fields become std::vector.
namespace google::protobuf {

template <typename T>
const T& convert(const T& t) {
  return t;
}

template <typename T>
std::vector<T> convert(const RepeatedPtrField<T>& items) {
  return std::vector<T>(items.begin(), items.end());
}

template <typename T>
std::vector<T> convert(RepeatedPtrField<T>&& items) {
  return std::vector<T>(std::make_move_iterator(items.begin()),
                        std::make_move_iterator(items.end()));
}

}  // namespace google::protobuf

namespace process::detail {

template <typename T>
struct IsVector : std::false_type {};
template <typename T, typename A>
struct IsVector<std::vector<T, A>> : std::true_type {};

// A field, given as its accessor returns it, as the handler's parameter
// type P takes it: unchanged if P accepts it; as a std::vector if P is one
// (repeated scalar fields too, which libprocess passes unconverted);
// otherwise through google::protobuf::convert, as libprocess does.
template <typename P, typename F>
decltype(auto) fieldArgument(const F& field) {
  using Wanted = std::remove_cvref_t<P>;
  if constexpr (std::is_convertible_v<const F&, P>) {
    return field;
  } else if constexpr (IsVector<Wanted>::value && requires {
                         field.begin();
                         field.end();
                       }) {
    return Wanted(field.begin(), field.end());
  } else {
    return google::protobuf::convert(field);
  }
}

}  // namespace process::detail

// libprocess declares it in the global namespace, as Mesos names it.
template <typename T>
class ProtobufProcess : public process::Process<T> {
 public:
  ProtobufProcess() = default;
  // Names the process `id`, as Process<T>(id) does.
  explicit ProtobufProcess(const std::string& id) : process::Process<T>(id) {}
  ~ProtobufProcess() override = default;

  // Sends `message` under its full type name (GetTypeName()). Ours: a
  // message missing required fields is not sent; it is logged and counted as
  // dropped (libprocess sends it, and the receiver drops it).
  void send(const process::UPID& to,
            const google::protobuf::MessageLite& message) const {
    std::string body;
    if (process::detail::serializeMessage(this, selfUpid(), to, message,
                                          &body)) {
      process::ProcessBase::send(to, std::string(message.GetTypeName()),
                                 std::move(body));
    }
  }
  using process::Process<T>::send;

 protected:
  // Answers the sender of the message being handled. Ours: outside a typed
  // handler, or for a message with no sender (posted from outside any
  // process), there is no one to answer: the reply is logged and counted as
  // dropped (libprocess ends the program on a CHECK).
  void reply(const google::protobuf::MessageLite& message) const {
    if (from_ == nullptr) {
      process::detail::dropMessage(
          this, process::DropReason::kInvalidUpid, selfUpid(), process::UPID(),
          std::string(message.GetTypeName()),
          "reply() outside a handler of a typed message");
      return;
    }
    send(*from_, message);
  }

  template <typename M, typename P>
  using MessageProperty = P (M::*)() const;

  // Handlers that take the sender first.
  template <typename M>
  void install(void (T::*method)(const process::UPID&, const M&)) {
    installParsed<M>(
        [self = typed(), method](const process::UPID& from, M& message) {
          (self->*method)(from, message);
        });
  }

  template <typename M>
  void install(void (T::*method)(const process::UPID&, M&&)) {
    installParsed<M, true>(
        [self = typed(), method](const process::UPID& from, M& message) {
          (self->*method)(from, std::move(message));
        });
  }

  // Ours: the body must still parse as M, or the handler is not called
  // (libprocess ignores the body).
  template <typename M>
  void install(void (T::*method)(const process::UPID&)) {
    installParsed<M>([self = typed(), method](const process::UPID& from, M&) {
      (self->*method)(from);
    });
  }

  // The handler takes the values of the given fields, in order.
  template <typename M, typename... P, typename... PC>
  void install(void (T::*method)(const process::UPID&, PC...),
               MessageProperty<M, P>... fields) {
    static_assert(sizeof...(P) == sizeof...(PC),
                  "install<M>(handler, fields...): one parameter per field");
    installParsed<M>([self = typed(), method, fields...](
                         const process::UPID& from, M& message) {
      (self->*method)(
          from, process::detail::fieldArgument<PC>((message.*fields)())...);
    });
  }

  // Handlers that do not take the sender.
  template <typename M>
  void install(void (T::*method)(const M&)) {
    installParsed<M>(
        [self = typed(), method](const process::UPID&, M& message) {
          (self->*method)(message);
        });
  }

  template <typename M>
  void install(void (T::*method)(M&&)) {
    installParsed<M, true>(
        [self = typed(), method](const process::UPID&, M& message) {
          (self->*method)(std::move(message));
        });
  }

  template <typename M>
  void install(void (T::*method)()) {
    installParsed<M>([self = typed(), method](const process::UPID&, M&) {
      (self->*method)();
    });
  }

  template <typename M, typename... P, typename... PC>
  void install(void (T::*method)(PC...), MessageProperty<M, P>... fields) {
    static_assert(sizeof...(P) == sizeof...(PC),
                  "install<M>(handler, fields...): one parameter per field");
    installParsed<M>(
        [self = typed(), method, fields...](const process::UPID&, M& message) {
          (self->*method)(
              process::detail::fieldArgument<PC>((message.*fields)())...);
        });
  }

  using process::Process<T>::install;

 private:
  const process::UPID& selfUpid() const {
    return static_cast<const process::ProcessBase&>(*this).self();
  }

  T* typed() {
    if constexpr (requires(ProtobufProcess * process) {
                    static_cast<T*>(process);
                  }) {
      return static_cast<T*>(this);
    } else {
      return dynamic_cast<T*>(this);
    }
  }

  // Installs, ahead of any plain handler of the same name, a handler that
  // parses the body as M and calls `call(from, message)` with the sender
  // known to reply(). `kGiven`: the handler takes the message (M&&), so it
  // must not live in an arena (moving out of one copies).
  template <typename M, bool kGiven = false, typename Call>
  void installParsed(Call call) {
    static_assert(std::is_base_of_v<google::protobuf::MessageLite, M>,
                  "install<M>: M must be a protocol buffer message");
    std::string name(M::default_instance().GetTypeName());
    process::detail::installFirst(
        *this, name,
        [this, name, call = std::move(call)](const process::UPID& from,
                                             const std::string& body) {
          if constexpr (!kGiven) {
            // A large body is mostly nested messages and strings, which an
            // arena makes in a few allocations (a 1.4 KB tree parses twice
            // as fast); a small message is quicker on the stack.
            if (body.size() >= kArenaBodyBytes) {
              google::protobuf::Arena arena;
              handleParsed(from, body, name, call,
                           *google::protobuf::Arena::CreateMessage<M>(&arena));
              return;
            }
          }
          M message;
          handleParsed(from, body, name, call, message);
        });
  }

  template <typename M, typename Call>
  void handleParsed(const process::UPID& from, const std::string& body,
                    const std::string& name, const Call& call, M& message) {
    // ParseFromString would also log, at no rate limit, each message that
    // lacks required fields.
    if (!message.ParsePartialFromString(body) || !message.IsInitialized()) {
      process::detail::dropMessage(this, process::DropReason::kUnparseable,
                                   from, selfUpid(), name,
                                   "the body does not parse as " + name);
      return;
    }
    Replying replying(from_, &from);
    call(from, message);
  }

  static constexpr size_t kArenaBodyBytes = 256;

  // The sender of the message being handled, for reply().
  class Replying {
   public:
    Replying(const process::UPID*& slot, const process::UPID* from)
        : slot_(slot), previous_(std::exchange(slot, from)) {}
    ~Replying() { slot_ = previous_; }
    Replying(const Replying&) = delete;
    Replying& operator=(const Replying&) = delete;

   private:
    const process::UPID*& slot_;
    const process::UPID* previous_;
  };

  const process::UPID* from_ = nullptr;
};

// Sends a request message to `pid` and completes its future with the first
// message of type Res that arrives (from anyone), then terminates; a discard
// of the future terminates it too. Protocol spawns one per request.
template <typename Req, typename Res>
class ReqResProcess : public ProtobufProcess<ReqResProcess<Req, Res>> {
 public:
  ReqResProcess(const process::UPID& pid, const Req& request)
      : process::ProcessBase(process::ID::generate("__req_res__")),
        pid_(pid),
        request_(request) {
    this->template install<Res>(&ReqResProcess::response);
  }

  // Ours: the future fails once `timeout` has passed on the Clock with no
  // response.
  ReqResProcess(const process::UPID& pid, const Req& request,
                const process::Duration& timeout)
      : ReqResProcess(pid, request) {
    timeout_ = timeout;
  }

  ~ReqResProcess() override { promise_.discard(); }

  process::Future<Res> run() {
    promise_.future().onDiscard(
        process::defer(this->self(), &ReqResProcess::discarded));
    if (timeout_.isSome()) {
      timer_ = process::delay(*timeout_, this->self(), &ReqResProcess::expired);
    }
    this->send(pid_, request_);
    return promise_.future();
  }

 private:
  void response(const Res& response) {
    promise_.set(response);
    finish();
  }

  void discarded() {
    promise_.discard();
    finish();
  }

  void expired() {
    std::ostringstream message;
    message << "No " << Res::default_instance().GetTypeName() << " from "
            << pid_ << " within " << *timeout_;
    promise_.fail(message.str());
    finish();
  }

  void finish() {
    if (timer_.isSome()) {
      process::Clock::cancel(*timer_);
    }
    process::terminate(this);
  }

  const process::UPID pid_;
  const Req request_;
  process::Option<process::Duration> timeout_;
  process::Option<process::Timer> timer_;
  process::Promise<Res> promise_;
};

// A request/response protocol: Protocol<Req, Res>()(pid, request) sends
// the request from a process of its own and gives a Future of the response.
// Ours: with a timeout, the future fails once it passes on the Clock
// (Clock::pause/advance apply); a discard of the future stops the waiting.
template <typename Req, typename Res>
struct Protocol {
  static_assert(std::is_base_of_v<google::protobuf::MessageLite, Req> &&
                    std::is_base_of_v<google::protobuf::MessageLite, Res>,
                "Protocol<Req, Res>: both must be protocol buffer messages");

  process::Future<Res> operator()(const process::UPID& pid,
                                  const Req& request) const {
    return start(new ReqResProcess<Req, Res>(pid, request));
  }

  process::Future<Res> operator()(const process::UPID& pid, const Req& request,
                                  const process::Duration& timeout) const {
    return start(new ReqResProcess<Req, Res>(pid, request, timeout));
  }

 private:
  static process::Future<Res> start(ReqResProcess<Req, Res>* process) {
    process::PID<ReqResProcess<Req, Res>> pid = process::spawn(process, true);
    return process::dispatch(pid, &ReqResProcess<Req, Res>::run);
  }
};
