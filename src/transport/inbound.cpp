#include "transport/inbound.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <glog/logging.h>

#include "runtime/transport.hpp"
#include "transport/message_codec.hpp"
#include "transport/network.hpp"

namespace process::transport {
namespace {

// Reads per readiness, so one busy connection cannot starve the others.
constexpr int kReadsPerTurn = 4;
// Messages in one turn that make it a stream, worth a second worker.
constexpr uint64_t kStreamMessages = 64;

std::atomic<uint64_t> rejectLogs{0};
std::atomic<uint64_t> badMessageLogs{0};

}  // namespace

InboundConnection::InboundConnection(Network& network,
                                     asio::ip::tcp::socket socket)
    : network_(network),
      socket_(std::move(socket)),
      requestTimer_(network.io()),
      session_(network.httpLimits(), *this,
               [gate = network.gate()](std::function<void()> f) {
                 gate->post(std::move(f));
               }),
      fd_(socket_.native_handle()) {
  net::keepFromChildren(fd_);
  asio::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  peer_ =
      ec ? std::string("unknown peer")
         : remote.address().to_string() + ":" + std::to_string(remote.port());
  if (!ec && remote.address().is_v4()) {
    client_ =
        Address(net::IP(remote.address().to_v4().to_uint()), remote.port());
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
}

InboundConnection::~InboundConnection() = default;

void InboundConnection::start() {
  waitReadable();
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
  Try<MessageHeader> header = parseMessage(request, &senders_);
  if (header.isError()) {
    if (net::shouldLog(badMessageLogs)) {
      LOG(WARNING) << "Bad message from " << peer_ << ": " << header.error();
    }
    session_.answer(ticket, 400, header.error() + "\n");
    return;
  }
  MessageHeader& message = header.get();
  const bool delivered = network_.host().deliverMessage(
      message.to, std::move(message.from), std::move(message.name),
      std::move(request.body));
  session_.answer(ticket, delivered ? 202 : 404);
}

void InboundConnection::complete(Ticket ticket,
                                 const Future<http::Response>& response) {
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

// Socket I/O.

void InboundConnection::waitReadable() {
  if (reading_ || closed_) {
    return;
  }
  if (!session_.wantsInput()) {
    stopReadDeadline();  // not reading is our choice: the peer is not late
    return;
  }
  setReadDeadline();
  reading_ = true;
  socket_.async_wait(asio::socket_base::wait_read,
                     [self = shared_from_this()](const asio::error_code& ec) {
                       self->reading_ = false;
                       if (ec) {
                         if (ec != asio::error::operation_aborted) {
                           self->close("read failed: " + ec.message());
                         }
                         return;
                       }
                       self->onReadable();
                     });
}

void InboundConnection::onReadable() {
  std::vector<char>& buffer = network_.readBuffer();
  const uint64_t before = session_.requestsDecoded();
  for (int turn = 0; turn < kReadsPerTurn && !closed_; ++turn) {
    const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    }
    if (got <= 0) {
      const bool partial = session_.midRequest();
      if (got < 0 || partial) {
        LOG(INFO) << "Connection from " << peer_ << " ended"
                  << (partial ? " in the middle of a request" : "") << ": "
                  << (got < 0 ? std::strerror(errno) : "closed by the peer");
      }
      session_.endOfInput();
      break;
    }
    if (!session_.feed(buffer.data(), static_cast<size_t>(got))) {
      if (net::shouldLog(rejectLogs)) {
        LOG(WARNING) << "Rejected a request from " << peer_ << " ("
                     << session_.errorStatus() << "): " << session_.error();
      }
      break;
    }
    if (!session_.wantsInput()) {
      break;
    }
  }
  if (closed_) {
    return;
  }
  // A stream of messages: this worker will be busy running them, so
  // another takes over reading (parsing and running then overlap).
  if (session_.requestsDecoded() - before >= kStreamMessages) {
    network_.host().readerBusy();
  }
  write();
  waitReadable();  // also while answers wait for the peer to take them
}

void InboundConnection::write() {
  if (writing_ || closed_) {
    return;
  }
  bool progressed = false;
  while (session_.hasOutput()) {
    const std::string_view out = session_.output();
    const ssize_t sent =
        ::send(fd_, out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent > 0) {
      session_.consumed(static_cast<size_t>(sent));
      progressed = true;
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (progressed || !writeDeadline_) {
        writeDeadline_ = timeoutFromNow();
        rearmTimer();
      }
      waitWritable();
      return;
    } else {
      close(std::string("write failed: ") + std::strerror(errno));
      return;
    }
  }
  afterWritten();
}

void InboundConnection::afterWritten() {
  if (writeDeadline_) {
    writeDeadline_.reset();
    rearmTimer();
  }
  if (session_.wantsClose()) {
    close(std::string());
    return;
  }
  waitReadable();  // if reading had stopped for unwritten answers
}

void InboundConnection::waitWritable() {
  writing_ = true;
  socket_.async_wait(asio::socket_base::wait_write,
                     [self = shared_from_this()](const asio::error_code& ec) {
                       self->writing_ = false;
                       if (ec) {
                         if (ec != asio::error::operation_aborted) {
                           self->close("write failed: " + ec.message());
                         }
                         return;
                       }
                       self->write();
                     });
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
  asio::error_code ignored;
  requestTimer_.cancel();
  socket_.close(ignored);
  network_.closed(shared_from_this());
}

// The request timer.

InboundConnection::Deadline InboundConnection::timeoutFromNow() const {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             network_.limits().requestTimeout.chrono());
}

void InboundConnection::stopReadDeadline() {
  if (readDeadline_) {
    readDeadline_.reset();
    rearmTimer();
  }
}

void InboundConnection::setReadDeadline() {
  if (!session_.midRequest()) {
    stopReadDeadline();
    return;
  }
  if (readDeadline_ && deadlineRequest_ == session_.requestsDecoded()) {
    return;  // the same request, still on its clock
  }
  readDeadline_ = timeoutFromNow();
  deadlineRequest_ = session_.requestsDecoded();
  rearmTimer();
}

void InboundConnection::rearmTimer() {
  std::optional<Deadline> next = readDeadline_;
  if (writeDeadline_ && (!next || *writeDeadline_ < *next)) {
    next = writeDeadline_;
  }
  if (!next) {
    if (timerArmed_) {
      timerArmed_ = false;
      requestTimer_.cancel();
    }
    return;
  }
  if (timerArmed_ && timerAt_ == *next) {
    return;
  }
  timerArmed_ = true;
  timerAt_ = *next;
  requestTimer_.expires_at(*next);
  requestTimer_.async_wait(
      [self = shared_from_this()](const asio::error_code& ec) {
        if (!ec && !self->closed_) {
          self->onTimer();
        }
      });
}

void InboundConnection::onTimer() {
  // A wait that had fired before it was re-armed may still run: the
  // deadlines, not the timer, say what is late.
  timerArmed_ = false;
  const Deadline now = std::chrono::steady_clock::now();
  if (writeDeadline_ && *writeDeadline_ <= now) {
    if (net::shouldLog(rejectLogs)) {
      LOG(WARNING) << "Closing the connection from " << peer_
                   << ": it took none of its answers within "
                   << network_.limits().requestTimeout;
    }
    close("answers not taken within the request timeout");
    return;
  }
  if (readDeadline_ && *readDeadline_ <= now) {
    readDeadline_.reset();
    if (net::shouldLog(rejectLogs)) {
      LOG(WARNING) << "Closing the connection from " << peer_
                   << ": no whole request within "
                   << network_.limits().requestTimeout;
    }
    session_.timedOut();
    write();
  }
  if (!closed_) {
    rearmTimer();
  }
}

}  // namespace process::transport
