#include "transport/inbound.hpp"

#include <optional>

#include <glog/logging.h>

#include "runtime/transport.hpp"
#include "transport/faults.hpp"
#include "transport/message_codec.hpp"
#include "transport/network.hpp"
#include "transport/receipts.hpp"

namespace process::transport {
namespace {

// Messages in one turn that make it a stream, worth a second worker.
constexpr uint64_t kStreamMessages = 64;

std::atomic<uint64_t> rejectLogs{0};
std::atomic<uint64_t> badMessageLogs{0};
std::atomic<uint64_t> handshakeLogs{0};

// How the node reads what it accepts: TLS if on, and plaintext beside it
// with downgrade. The handshake is bounded like a request.
std::optional<net::AcceptTls> acceptTls(Network& network) {
  const std::shared_ptr<net::TlsContext>& context = network.loop()->tls();
  if (context == nullptr) {
    return std::nullopt;
  }
  return net::AcceptTls{
      .context = context,
      .allowPlaintext = network.loop()->tlsSettings().supportDowngrade,
      .timeout = network.limits().requestTimeout};
}

}  // namespace

InboundConnection::InboundConnection(Network& network,
                                     asio::ip::tcp::socket socket,
                                     uint32_t clientIp)
    : network_(network),
      stream_(std::make_shared<net::Stream>(*network.loop(), std::move(socket),
                                            acceptTls(network))),
      session_(network.httpLimits(), *this,
               [gate = network.gate()](std::function<void()> f) {
                 gate->post(std::move(f));
               }),
      peer_(stream_->peerName()),
      clientIp_(clientIp),
      lastRead_(std::chrono::steady_clock::now()) {
  if (std::optional<Address> remote = stream_->remoteAddress()) {
    client_ = *remote;
  }
}

InboundConnection::~InboundConnection() = default;

void InboundConnection::start() {
  receipts_ =
      std::make_shared<MessageReceipts>(network_.gate(), weak_from_this());
  stream_->setHandler(std::shared_ptr<net::StreamHandler>(
      shared_from_this(), static_cast<net::StreamHandler*>(this)));
  stream_->setWriteStallTimeout(network_.limits().requestTimeout);
  // A peer gone silent (a partition, a frozen host) frees its slot.
  stream_->setPeerTimeout(network_.peerTimeout());
  updateReading();
}

// What a request is: a message for a process, or a request for a route.

void InboundConnection::onRequest(DecodedRequest& request, Ticket ticket) {
  if (isMessage(request)) {
    handleMessage(request, ticket);
    return;
  }
  handleRoute(request, ticket);
}

void InboundConnection::handleMessage(DecodedRequest& request, Ticket ticket) {
  ++messages_;
  Try<MessageHeader> header = parseMessage(request, &senders_);
  if (header.isError()) {
    if (net::shouldLog(badMessageLogs)) {
      LOG(WARNING) << "Bad message from " << peer_ << ": " << header.error();
    }
    session_.answer(ticket, 400, header.error() + "\n");
    return;
  }
  MessageHeader& message = header.get();
  if (detail::faults::active() &&
      injectOnArrival(network_, message, request.body)) [[unlikely]] {
    session_.answer(ticket, 202);  // taken: held, dropped or on its way
    return;
  }
  bool full = false;
  // Answered when the process takes it (acknowledge()), or 404 at once.
  if (!network_.host().deliverMessage(
          message.to, std::move(message.from), std::move(message.name),
          std::move(request.body), &full,
          detail::Receipt{.to = receipts_, .ticket = ticket})) {
    session_.answer(ticket, 404);
  }
  if (full && !queueFull_) {
    // The sender is faster than the process: let TCP slow it down.
    queueFull_ = true;
    network_.paused(shared_from_this());
  }
}

void InboundConnection::acknowledge(Ticket ticket, bool ran) {
  if (!closed_) {
    session_.answer(ticket, ran ? 202 : 410);
  }
}

void InboundConnection::complete(Ticket ticket,
                                 const Future<http::Response>& response) {
  network_.countHttpAnswer(response.isReady() ? response->code : 500);
  if (!closed_) {
    session_.answer(ticket, response);
  }
}

void InboundConnection::onOutput() {
  if (session_.aborted()) {
    close(session_.abortReason());
    return;
  }
  write();
}

// The stream.

void InboundConnection::onData(const char* data, size_t size) {
  lastRead_ = std::chrono::steady_clock::now();
  const uint64_t before = session_.requestsDecoded();
  if (!session_.feed(data, size) && net::shouldLog(rejectLogs)) {
    LOG(WARNING) << "Rejected a request from " << peer_ << " ("
                 << session_.errorStatus() << "): " << session_.error();
  }
  if (closed_) {
    return;
  }
  // A stream of messages: this worker will be busy running them, so
  // another takes over reading (parsing and running then overlap).
  if (session_.requestsDecoded() - before >= kStreamMessages) {
    network_.host().readerBusy();
  }
  if (!session_.wantsInput() || queueFull_) {
    stream_->pauseReading();  // the reads of this readiness stop here
  }
}

void InboundConnection::resumeReading() {
  queueFull_ = false;
  updateReading();
}

void InboundConnection::onReadsDone() {
  // The answers of every request read, in one write.
  write();
  if (!closed_) {
    updateReading();
  }
}

void InboundConnection::onEndOfFile() {
  if (session_.midRequest()) {
    LOG(INFO) << "Connection from " << peer_
              << " ended in the middle of a request: closed by the peer";
  }
  // The peer may only have shut its sending side: answer what it sent.
  session_.endOfInput();
  write();
}

void InboundConnection::onError(const net::StreamError& error) {
  using Cause = net::StreamError::Cause;
  if (error.cause == Cause::kStalled) {
    if (net::shouldLog(rejectLogs)) {
      LOG(WARNING) << "Closing the connection from " << peer_
                   << ": it took none of its answers within "
                   << network_.limits().requestTimeout;
    }
    close("answers not taken within the request timeout");
    return;
  }
  if (error.cause == Cause::kHandshake) {
    if (net::shouldLog(handshakeLogs)) {
      LOG(WARNING) << "Closing the connection from " << peer_
                   << ": TLS: " << error.message;
    }
    close("TLS: " + error.message);
    return;
  }
  if (error.cause == Cause::kRead) {
    LOG(INFO) << "Connection from " << peer_ << " ended"
              << (session_.midRequest() ? " in the middle of a request" : "")
              << ": " << error.message;
    close("read failed: " + error.message);
    return;
  }
  close("write failed: " + error.message);
}

void InboundConnection::onReadDeadline() {
  readDeadlineSet_ = false;
  if (net::shouldLog(rejectLogs)) {
    LOG(WARNING) << "Closing the connection from " << peer_
                 << ": no whole request within "
                 << network_.limits().requestTimeout;
  }
  session_.timedOut();
  write();
}

void InboundConnection::updateReading() {
  if (closed_) {
    return;
  }
  const bool wanted =
      session_.wantsInput() && !queueFull_ &&
      stream_->unwrittenBytes() < http::internal::kMaxUnwrittenAnswers;
  if (!wanted) {
    // Not reading is our choice: the peer is not late meanwhile.
    stream_->pauseReading();
    stream_->setReadDeadline(std::nullopt);
    readDeadlineSet_ = false;
    return;
  }
  if (!session_.midRequest()) {
    stream_->setReadDeadline(std::nullopt);
    readDeadlineSet_ = false;
  } else if (!readDeadlineSet_ ||
             deadlineRequest_ != session_.requestsDecoded()) {
    // A new request's clock starts; the same request stays on its own.
    stream_->setReadDeadline(
        net::deadlineAfter(network_.limits().requestTimeout));
    readDeadlineSet_ = true;
    deadlineRequest_ = session_.requestsDecoded();
  }
  stream_->startReading();
}

void InboundConnection::write() {
  if (closed_) {
    return;
  }
  if (session_.hasOutput()) {
    stream_->write(session_.output());
    session_.consumed(session_.output().size());
  }
  if (stream_->flushOnLoop()) {
    afterWritten();
  }
}

void InboundConnection::afterWritten() {
  if (closed_) {
    return;
  }
  if (session_.wantsClose()) {
    close(std::string());
    return;
  }
  updateReading();  // if reading had stopped for unwritten answers
}

void InboundConnection::close(const std::string& why) {
  if (closed_) {
    return;
  }
  closed_ = true;
  if (!why.empty()) {
    VLOG(1) << "Closing the connection from " << peer_ << ": " << why;
  }
  session_.shutdown();
  stream_->close();
  network_.closed(shared_from_this());
}

}  // namespace process::transport
