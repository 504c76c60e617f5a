// The events a process consumes, as libprocess names them. A process may
// override ProcessBase::consume() for an event kind to see every such event
// before (or instead of) the default handling, as Mesos's master does:
//
//   class Master : public ProtobufProcess<Master> {
//    protected:
//     void consume(MessageEvent&& event) override {
//       ++messagesReceived;
//       ProtobufProcess<Master>::consume(std::move(event));  // the handlers
//     }
//     void consume(ExitedEvent&& event) override {
//       LOG(INFO) << event.pid << " exited";
//       ProtobufProcess<Master>::consume(std::move(event));  // exited(pid)
//     }
//   };
//
// EventVisitor and EventConsumer let code tell an Event's kind (`is<T>()`,
// `as<T>()`) without a cast. The runtime delivers MessageEvent and
// ExitedEvent through consume(); dispatches, HTTP requests and terminations
// keep their own faster paths. A process::Filter (filter.hpp) sees every
// message, dispatch, HTTP request and exit notice as one of these.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>

#include <glog/logging.h>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/message.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>

namespace process {

struct MessageEvent;
struct DispatchEvent;
struct HttpEvent;
struct ExitedEvent;
struct TerminateEvent;

struct EventVisitor {
  virtual ~EventVisitor() = default;
  virtual void visit(const MessageEvent& /*event*/) {}
  virtual void visit(const DispatchEvent& /*event*/) {}
  virtual void visit(const HttpEvent& /*event*/) {}
  virtual void visit(const ExitedEvent& /*event*/) {}
  virtual void visit(const TerminateEvent& /*event*/) {}
};

struct EventConsumer {
  virtual ~EventConsumer() = default;
  virtual void consume(MessageEvent&& /*event*/) {}
  virtual void consume(DispatchEvent&& /*event*/) {}
  virtual void consume(HttpEvent&& /*event*/) {}
  virtual void consume(ExitedEvent&& /*event*/) {}
  virtual void consume(TerminateEvent&& /*event*/) {}
};

struct Event {
  virtual ~Event() = default;
  virtual void visit(EventVisitor* visitor) const = 0;
  virtual void consume(EventConsumer* consumer) && = 0;

  template <typename T>
  bool is() const {
    struct IsVisitor : EventVisitor {
      void visit(const T& /*event*/) override { found = true; }
      bool found = false;
    } visitor;
    visit(&visitor);
    return visitor.found;
  }

  // The event as a T; aborts if it is another kind.
  template <typename T>
  const T& as() const {
    struct AsVisitor : EventVisitor {
      void visit(const T& event) override { found = &event; }
      const T* found = nullptr;
    } visitor;
    visit(&visitor);
    CHECK(visitor.found != nullptr)
        << "Event::as(): the event is not a " << typeid(T).name();
    return *visitor.found;
  }
};

struct MessageEvent final : Event {
  explicit MessageEvent(Message&& message) : message(std::move(message)) {}
  MessageEvent(const UPID& from, const UPID& to, const std::string& name,
               const char* data, size_t length)
      : message{name, from, to, std::string(data, length)} {}
  MessageEvent(const UPID& from, const UPID& to, std::string&& name,
               std::string&& data)
      : message{std::move(name), from, to, std::move(data)} {}

  // Ours: the runtime's form, moving everything in; `to` is left empty for
  // the receiver to fill in.
  MessageEvent(UPID&& from, std::string&& name, std::string&& body)
      : message{std::move(name), std::move(from), UPID(), std::move(body)} {}

  MessageEvent(MessageEvent&&) = default;
  MessageEvent& operator=(MessageEvent&&) = default;
  MessageEvent(const MessageEvent&) = delete;
  MessageEvent& operator=(const MessageEvent&) = delete;

  void visit(EventVisitor* visitor) const override { visitor->visit(*this); }
  void consume(EventConsumer* consumer) && override {
    consumer->consume(std::move(*this));
  }

  Message message;
};

// An HTTP request for one of the process's routes, and the promise of its
// answer. Destroyed with the promise still held (a filter dropped the
// request), the answer is a 500, as in libprocess.
struct HttpEvent final : Event {
  HttpEvent(std::unique_ptr<http::Request>&& request,
            std::unique_ptr<Promise<http::Response>>&& response)
      : request(std::move(request)), response(std::move(response)) {}

  HttpEvent(HttpEvent&&) = default;
  HttpEvent& operator=(HttpEvent&&) = default;
  HttpEvent(const HttpEvent&) = delete;
  HttpEvent& operator=(const HttpEvent&) = delete;

  ~HttpEvent() override {
    if (response != nullptr) {
      response->set(http::InternalServerError());
    }
  }

  void visit(EventVisitor* visitor) const override { visitor->visit(*this); }
  void consume(EventConsumer* consumer) && override {
    consumer->consume(std::move(*this));
  }

  std::unique_ptr<http::Request> request;
  std::unique_ptr<Promise<http::Response>> response;
};

// A dispatch, as a filter sees it: the type of the method dispatched
// (`&typeid(&T::method)`), or none for a lambda. Ours: there is no `f`; the
// call itself stays in the runtime's mailbox entry.
struct DispatchEvent final : Event {
  explicit DispatchEvent(const Option<const std::type_info*>& functionType)
      : functionType(functionType) {}

  DispatchEvent(DispatchEvent&&) = default;
  DispatchEvent& operator=(DispatchEvent&&) = default;
  DispatchEvent(const DispatchEvent&) = delete;
  DispatchEvent& operator=(const DispatchEvent&) = delete;

  void visit(EventVisitor* visitor) const override { visitor->visit(*this); }
  void consume(EventConsumer* consumer) && override {
    consumer->consume(std::move(*this));
  }

  Option<const std::type_info*> functionType;
};

// A process this one linked to has terminated, or its node is unreachable.
struct ExitedEvent final : Event {
  explicit ExitedEvent(const UPID& pid) : pid(pid) {}

  ExitedEvent(ExitedEvent&&) = default;
  ExitedEvent& operator=(ExitedEvent&&) = default;
  ExitedEvent(const ExitedEvent&) = delete;
  ExitedEvent& operator=(const ExitedEvent&) = delete;

  void visit(EventVisitor* visitor) const override { visitor->visit(*this); }
  void consume(EventConsumer* consumer) && override {
    consumer->consume(std::move(*this));
  }

  UPID pid;
};

}  // namespace process
