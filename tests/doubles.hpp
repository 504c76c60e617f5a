// The processes the tests of filter.hpp and gmock.hpp watch: a Target that
// counts what reaches its handlers (messages, method calls, routes, exit
// notices), and a Sender that sends from a process of its own, so that
// messages have a `from`.
#pragma once

#include <atomic>
#include <string>

#include <process/dispatch.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

namespace doubles {

class Target : public process::Process<Target> {
 public:
  explicit Target(const std::string& id = "target")
      : process::Process<Target>(id) {}

  // Two methods of one signature: a dispatch matches by the method's type.
  int add(int n) { return adds += n; }
  int subtract(int n) { return adds -= n; }
  void touch() { ++touches; }
  // Links from the process itself, so that its exit notices reach it.
  process::Nothing watch(const process::UPID& pid) {
    link(pid);
    return {};
  }

  std::atomic<int> pings{0};
  std::atomic<int> probes{0};
  std::atomic<int> adds{0};
  std::atomic<int> touches{0};
  std::atomic<int> exits{0};
  std::atomic<int> requests{0};

 protected:
  void initialize() override {
    install("ping",
            [this](const process::UPID&, const std::string&) { ++pings; });
    install("probe",
            [this](const process::UPID&, const std::string&) { ++probes; });
    route("/echo", process::None(), [this](const process::http::Request& r) {
      ++requests;
      return process::http::OK(r.body);
    });
  }
  void exited(const process::UPID& /*pid*/) override { ++exits; }
};

class Sender : public process::Process<Sender> {
 public:
  explicit Sender(const std::string& id = "sender")
      : process::Process<Sender>(id) {}
  void sendTo(const process::UPID& to, const std::string& name,
              const std::string& body) {
    send(to, name, body);
  }
};

}  // namespace doubles
