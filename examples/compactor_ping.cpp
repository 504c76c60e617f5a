// compactor's first example, in C++: a process installs a handler for the
// message "ping", a client process sends it one, and the ping process
// signals that it got it (compactor's `pinged` threading.Event is a
// Promise here). The ping process also answers "pong", so the client hears
// back.
//
// In Python (compactor's README, roughly):
//
//   class PingProcess(Process):
//     def initialize(self):
//       self.pinged = threading.Event()
//     @install('ping')
//     def ping(self, from_pid, body):
//       self.pinged.set()
//
//   ping_process = PingProcess('ping_process')
//   spawn(ping_process)
//   client = Process('client')
//   spawn(client)
//   client.send(ping_process.pid, 'ping')
//   ping_process.pinged.wait()
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>

#include <glog/logging.h>

#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;

namespace {}  // namespace

class PingProcess : public Process<PingProcess> {
 public:
  PingProcess() : Process<PingProcess>("ping_process") {}

  // Set (with the sender) when a ping arrives.
  Promise<UPID> pinged;

 protected:
  void initialize() override { install("ping", &PingProcess::ping); }

 private:
  void ping(const UPID& from, const std::string& body) {
    say(from, " -> ", self(), ": ping", body.empty() ? "" : " ", body);
    pinged.set(from);
    send(from, "pong");
  }
};

class ClientProcess : public Process<ClientProcess> {
 public:
  ClientProcess() : Process<ClientProcess>("client") {}

  // send() belongs to the process: it names the sender. From outside a
  // process, ask the process to send (or use post(), which has no sender).
  void sendPing(const UPID& to) { send(to, "ping"); }

  // Set when the answer arrives.
  Promise<Nothing> ponged;

 protected:
  void initialize() override { install("pong", &ClientProcess::pong); }

 private:
  void pong(const UPID& from, const std::string&) {
    say(from, " -> ", self(), ": pong");
    ponged.set(Nothing());
  }
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  // Construct the process and spawn it, binding it to the default context.
  PingProcess pingProcess;
  spawn(pingProcess);

  ClientProcess client;
  spawn(client);

  // Send a message to the process.
  dispatch(client, &ClientProcess::sendPing, pingProcess.self());

  // Ensure the message was delivered (and answered).
  const bool pinged = pingProcess.pinged.future().await(Seconds(10));
  const bool ponged = client.ponged.future().await(Seconds(10));

  bool ok =
      pinged && ponged && pingProcess.pinged.future().get() == client.self();
  say(ok ? "ok: " : "FAILED: ", pingProcess.self(), " got 'ping' from ",
      pinged ? pingProcess.pinged.future().get() : UPID(), ", ", client.self(),
      (ponged ? " got" : " did not get"), " 'pong' back");

  terminate(client);
  wait(client);
  terminate(pingProcess);
  wait(pingProcess);
  return ok ? 0 : 1;
}
