// A connection a peer opened to us: its net::Stream, an HTTP server session
// (http/server_session.hpp) that decodes the requests and orders the
// answers, and the choice of what each request is: a libprocess message,
// handed to its process, or a request for a process's route.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <asio.hpp>

#include <process/address.hpp>
#include <process/future.hpp>
#include <process/http.hpp>

#include "http/server_session.hpp"
#include "net/stream.hpp"
#include "transport/figures.hpp"
#include "transport/message_codec.hpp"

namespace process::transport {

class MessageReceipts;
class Network;

class InboundConnection final
    : public std::enable_shared_from_this<InboundConnection>,
      private http::internal::ServerSession::Handler,
      private net::StreamHandler {
 public:
  using Ticket = http::internal::ServerSession::Ticket;

  InboundConnection(Network& network, asio::ip::tcp::socket socket,
                    uint32_t clientIp);
  ~InboundConnection();
  InboundConnection(const InboundConnection&) = delete;
  InboundConnection& operator=(const InboundConnection&) = delete;

  // Event loop thread, as is everything here.
  void start();
  void close(const std::string& why);
  Network& network() { return network_; }
  // For admission.cpp: the client's IPv4 address (0: unknown), whether a
  // whole request ever came, and since when nothing has.
  uint32_t clientIp() const { return clientIp_; }
  bool carriedRequest() const { return session_.requestsDecoded() > 0; }
  std::chrono::steady_clock::time_point idleSince() const { return lastRead_; }
  // The process queue this connection waited for drained: read on.
  void resumeReading();
  // The handler's answer to `ticket` is whole (or its stream begins); the
  // caller then write()s, once for many answers.
  void complete(Ticket ticket, const Future<http::Response>& response);
  // Writes what the session has to say, and reads on if it wants more.
  void write();
  // The process a message went to took it (`ran`) or dropped it: its
  // answer, 202 or 410. The caller then write()s.
  void acknowledge(Ticket ticket, bool ran);
  // For /__network__ (figures.cpp).
  InboundFigures figures() const;

 private:
  // ServerSession::Handler.
  void onRequest(DecodedRequest& request, Ticket ticket) override;
  void onOutput() override;

  void handleMessage(DecodedRequest& request, Ticket ticket);
  // inbound_routes.cpp: a request for a route of the process its path
  // names, answered when the route's future completes.
  void handleRoute(DecodedRequest& decoded, Ticket ticket);

  // net::StreamHandler.
  void onData(const char* data, size_t size) override;
  void onReadsDone() override;
  void onEndOfFile() override;
  void onError(const net::StreamError& error) override;
  void onDrained() override { afterWritten(); }
  void onReadDeadline() override;

  // Reads while the session wants more and the peer takes its answers.
  void updateReading();
  void afterWritten();

  Network& network_;
  const std::shared_ptr<net::Stream> stream_;
  http::internal::ServerSession session_;
  std::string peer_;  // "ip:port", for log lines
  Option<Address> client_;
  const uint32_t clientIp_;
  std::chrono::steady_clock::time_point lastRead_;
  bool closed_ = false;
  // A message went to a process holding maxQueuedBytesPerProcess: no more
  // reading until Network::resumeReading().
  bool queueFull_ = false;
  uint64_t messages_ = 0;  // requests that were libprocess messages
  // The request timeout bounds the peer, never our handlers: a request
  // must arrive whole within Limits::requestTimeout (its clock starts at
  // its first byte), and answers ready to go must be taken (each byte the
  // peer takes restarts that clock, the stream's write stall timeout).
  bool readDeadlineSet_ = false;
  uint64_t deadlineRequest_ = 0;  // requests decoded when it was set

  SenderCache senders_;
  // Made at start(): it holds the connection weakly.
  std::shared_ptr<MessageReceipts> receipts_;
};

// Hands the answers completed during this thread's process turn to their
// loops.
void flushAnswers();

}  // namespace process::transport
