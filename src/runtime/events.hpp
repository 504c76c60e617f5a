// The runtime's own events: an exit notice, a link, an HTTP request for a
// route, a terminate. Shared by the files of src/runtime only.
#pragma once

#include <string>
#include <utility>

#include <process/detail/event.hpp>
#include <process/http.hpp>
#include <process/pid.hpp>

#include "runtime/runtime.hpp"

namespace process::detail {

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

}  // namespace process::detail
