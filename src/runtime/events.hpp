// The runtime's own events: an exit notice, a link, an HTTP request for a
// route, a terminate. Shared by the files of src/runtime only.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <process/detail/event.hpp>
#include <process/event.hpp>
#include <process/http.hpp>
#include <process/pid.hpp>

#include "runtime/runtime.hpp"

namespace process::detail {

class QueuedExit final : public Event {
 public:
  explicit QueuedExit(const UPID& pid) : event_(pid) {}
  void run(ProcessBase& process) override {
    Runtime::exited(process, event_.pid);
  }
  bool filteredBy(Filter& filter, ProcessBase& process) override;

 private:
  process::ExitedEvent event_;
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
    deliver(linker_, new QueuedExit(linkee_));
  }

 private:
  UPID linker_;
  UPID linkee_;
};

// An HTTP request for one of the process's routes, held as the HttpEvent a
// filter is shown; its answer goes to the promise, which the connection
// waits on.
class QueuedRequest final : public Event {
 public:
  QueuedRequest(std::string routePath, http::Request request)
      : routePath_(std::move(routePath)),
        event_(std::make_unique<http::Request>(std::move(request)),
               std::make_unique<Promise<http::Response>>()) {}
  void run(ProcessBase& process) override {
    const std::unique_ptr<Promise<http::Response>> response =
        std::move(event_.response);
    response->associate(
        Runtime::handleHttp(process, routePath_, *event_.request));
  }
  void drop() noexcept override {
    const std::unique_ptr<Promise<http::Response>> response =
        std::move(event_.response);
    response->set(http::NotFound());
  }
  bool filteredBy(Filter& filter, ProcessBase& process) override;
  Future<http::Response> future() const { return event_.response->future(); }
  const http::Request& request() const { return *event_.request; }

 private:
  std::string routePath_;
  process::HttpEvent event_;
};

class TerminateEvent final : public Event {
 public:
  void run(ProcessBase& process) override {
    Runtime::requestTerminate(&process);
  }
};

}  // namespace process::detail
