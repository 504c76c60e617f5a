// The seam between the runtime and the network, both ways.
//
// The runtime decides what is remote and hands it to its context's
// Transport: send a message, make a link, end a turn, stop. The network
// (src/transport) implements Transport and reaches the runtime only through
// the Host it is given: deliver a message, deliver an HTTP request, deliver
// an exit notice, count a drop. Nothing else of the runtime is visible to
// it, and the runtime's own tests run against a fake Transport and a fake
// Poller (tests/runtime_seam_test.cpp) without a socket.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <process/context.hpp>
#include <process/drop_reason.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/pid.hpp>

#include "runtime/poller.hpp"

namespace process::net {
class EventLoop;  // the loop a transport runs on (src/net)
}

namespace process::detail {

// Ours: a message from another node is acknowledged once its process has
// taken it, not when it is queued, so that what a receiver acknowledged is
// what ran there: a receiver that dies (SIGKILL) with messages queued has
// acknowledged none of them, and their sender counts them as dropped.
// The network gives one Receipts per connection; the runtime settles each
// message's ticket exactly once, on the worker that took it or dropped it.
class Receipts {
 public:
  // `ran`: the process took the message (ran its handler, or a test's
  // filter took it); false: it was dropped unrun (the process terminated).
  virtual void settle(uint64_t ticket, bool ran) noexcept = 0;

 protected:
  ~Receipts() = default;
};

// Where one message's acknowledgement goes; empty for a message nobody
// waits on.
struct Receipt {
  std::shared_ptr<Receipts> to;
  uint64_t ticket = 0;

  void settle(bool ran) noexcept {
    if (to != nullptr) {
      std::shared_ptr<Receipts> settled = std::move(to);
      settled->settle(ticket, ran);
    }
  }
};

// What the network may ask of the runtime: one per context.
class Host {
 public:
  // Hands an arrived message to process `toId`; false (and the message
  // dropped, logged, counted) if there is none. `queueFull`, if given, is
  // set when the process now holds more than maxQueuedBytesPerProcess of
  // arrived messages: the caller should stop reading until
  // Transport::resumeReading(). `receipt` is settled once the process has
  // taken or dropped the message; never if this returns false.
  virtual bool deliverMessage(const std::string& toId, UPID from,
                              std::string name, std::string body,
                              bool* queueFull = nullptr,
                              Receipt receipt = {}) = 0;
  // Hands an HTTP request to process `toId`, to the route its path (after
  // the id) names. 404 if there is no such process or route.
  virtual Future<http::Response> deliverRequest(const std::string& toId,
                                                std::string routePath,
                                                http::Request request) = 0;
  // Tells local `linker` that `linkee` is gone.
  virtual void deliverExited(const UPID& linker, const UPID& linkee) = 0;
  // Messages the network could not deliver (counted in droppedMessages()).
  virtual void countDropped(DropReason reason, uint64_t messages) = 0;
  // The calling worker read a stream of messages and will be busy running
  // them: another worker should go on reading.
  virtual void readerBusy() = 0;

 protected:
  ~Host() = default;
};

// What the network has carried, for the built-in metrics (src/metrics).
struct TransportFigures {
  uint64_t outboundConnections = 0;  // open now: one per peer node
  uint64_t inboundConnections = 0;   // open now: accepted from peers
  uint64_t bytesIn = 0;   // read from every socket of the node, since start
  uint64_t bytesOut = 0;  // written to them
  // Requests for routes answered, by status class: [0] 1xx … [4] 5xx.
  std::array<uint64_t, 5> httpResponses{};
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Where the node listens (the port is known once bound).
  virtual Address bound() const = 0;
  // What the scheduler's idle workers poll and wait in.
  virtual Poller& poller() = 0;
  // The loop the transport runs on, which the HTTP client shares; null for
  // a transport without one (a test's fake).
  virtual net::EventLoop* loop() = 0;
  // Queues `name`/`body` from local `from` for `to` on another node. Never
  // blocks; a message that cannot be delivered is dropped, logged, counted.
  virtual void send(const UPID& from, const UPID& to, const std::string& name,
                    std::string&& body) = 0;
  // `linker` (local) hears exited(linkee) once when the connection to
  // linkee's node breaks, or at once if the node cannot be reached.
  virtual void link(const UPID& linker, const UPID& linkee) = 0;
  // A process's turn on this worker ended: what the turn sent (messages,
  // answers to HTTP requests) is written now, so that one turn's sends
  // leave in one system call per connection.
  virtual void endTurn() = 0;
  // Closes every connection and stops serving; after the workers are gone.
  virtual void stop() = 0;
  // Any thread: a process whose queue was full (Host::deliverMessage) has
  // taken half of it; connections that stopped reading may read again.
  virtual void resumeReading() = 0;
  // The node at `peer` is declared silent (a test's injected cut outlasted
  // the peer timeout, runtime/faults.hpp): the connection to it fails as a
  // broken one does, for `reason`.
  virtual void failPeer(const Address& peer, const std::string& reason) {
    (void)peer;
    (void)reason;
  }
  // Any thread: what the network has carried (a fake carries nothing).
  virtual TransportFigures figures() const { return {}; }
};

// The program is exiting (std::exit or the end of main): the network of
// the default context, which is never destroyed, stops running handlers.
extern std::atomic<bool> exiting;

// Binds and listens. Throws std::system_error (the port is taken) or
// std::invalid_argument (an ip that is no address), as Context documents.
// The library's network defines it (src/transport/network.cpp); the
// runtime's tests link a fake instead.
std::unique_ptr<Transport> makeTransport(Host& host,
                                         const Context::Options& options);

// The transport of the context the caller runs in: its process's, else the
// default context's. For the HTTP client, which may be called from any
// thread.
Transport& callerTransport();

}  // namespace process::detail
