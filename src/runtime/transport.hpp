// What the runtime asks of the network layer: carry a message or a link to
// a process on another node. The runtime decides what is remote; the
// network (src/network) implements this and makes it with makeTransport().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/pid.hpp>

#include "runtime/poller.hpp"

namespace process::detail {

class ContextImpl;

class Transport : public Poller {
 public:
  // Where the node listens (the port is known once bound).
  virtual Address bound() const = 0;
  // Queues `name`/`body` from local `from` for `to` on another node. Never
  // blocks; a message that cannot be delivered is dropped, logged, counted.
  virtual void send(const UPID& from, const UPID& to, const std::string& name,
                    std::string&& body) = 0;
  // `linker` (local) hears exited(linkee) once when the connection to
  // linkee's node breaks, or at once if the node cannot be reached.
  virtual void link(const UPID& linker, const UPID& linkee) = 0;
  // Closes every connection and stops serving; after the workers are gone.
  virtual void stop() = 0;
};

// The program is exiting (std::exit or the end of main): the network of
// the default context, which is never destroyed, stops running handlers.
extern std::atomic<bool> exiting;

// Binds and listens (a port in use is a fatal, clear error).
std::unique_ptr<Transport> makeTransport(ContextImpl& context,
                                         const Context::Options& options);

// Sends made by a process are buffered per connection and written when its
// worker ends the batch: one system call carries many messages.
extern thread_local bool sendsBuffered;
void flushBufferedSends();

// For the network: hand an arrived message to process `toId` of `context`;
// false (and the message dropped, logged, counted) if there is none.
bool deliverMessage(ContextImpl& context, const std::string& toId, UPID from,
                    std::string name, std::string body);
// Hands an HTTP request to process `toId` of `context`, to the route its
// path (after the id) names. 404 if there is no such process or route.
Future<http::Response> deliverHttp(ContextImpl& context,
                                   const std::string& toId,
                                   std::string routePath,
                                   http::Request request);
// Tell local `linker` that `linkee` is gone.
void deliverExited(const UPID& linker, const UPID& linkee);

}  // namespace process::detail
