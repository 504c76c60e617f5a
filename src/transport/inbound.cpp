#include "transport/inbound.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <glog/logging.h>

#include "transport/message_codec.hpp"
#include "transport/network.hpp"
#include "runtime/transport.hpp"

namespace process::transport {
namespace {

// Answers not yet taken by a peer that keeps sending: past this, reading
// stops until they are written, so a peer that never reads cannot make us
// hold more.
constexpr size_t kMaxUnwrittenAnswers = size_t{1024} * 1024;
// Reads per readiness, so one busy connection cannot starve the others.
constexpr int kReadsPerTurn = 4;
// Messages in one turn that make it a stream, worth a second worker.
constexpr int kStreamMessages = 64;

std::atomic<uint64_t> rejectLogs{0};
std::atomic<uint64_t> badMessageLogs{0};

const char* reasonOf(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

}  // namespace

InboundConnection::InboundConnection(Network& network,
                                     asio::ip::tcp::socket socket)
    : network_(network),
      socket_(std::move(socket)),
      requestTimer_(network.io()),
      decoder_(network.httpLimits()),
      fd_(socket_.native_handle()) {
  net::keepFromChildren(fd_);
  asio::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  peer_ =
      ec ? std::string("unknown peer")
         : remote.address().to_string() + ":" + std::to_string(remote.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
}

void InboundConnection::start() {
  waitReadable();
}

void InboundConnection::waitReadable() {
  if (reading_ || closed_) {
    return;
  }
  if (closeAfterWrite_ || out_.size() >= kMaxUnwrittenAnswers ||
      slots_.size() >= kMaxPendingAnswers) {
    // Not reading is our choice: the peer is not late meanwhile.
    if (readDeadline_) {
      readDeadline_.reset();
      rearmTimer();
    }
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
  int completed = 0;
  for (int turn = 0; turn < kReadsPerTurn && !closed_; ++turn) {
    const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    }
    if (got <= 0) {
      const bool partial = decoder_.midRequest();
      if (got < 0 || partial) {
        LOG(INFO) << "Connection from " << peer_ << " ended"
                  << (partial ? " in the middle of a request" : "") << ": "
                  << (got < 0 ? std::strerror(errno) : "closed by the peer");
      }
      // The peer may only have shut its sending side: answer what it sent.
      closeAfterWrite_ = true;
      break;
    }
    const bool ok = decoder_.feed(buffer.data(), static_cast<size_t>(got),
                                  [&](DecodedRequest& request) {
                                    ++completed;
                                    if (!closeAfterWrite_) {
                                      handle(request);
                                    }
                                  });
    if (!ok) {
      reject();
      break;
    }
    // RFC 9110 10.1.1: a client that asked waits for this before its body.
    if (decoder_.takeContinue() && !closeAfterWrite_) {
      emit("HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (closeAfterWrite_ || out_.size() >= kMaxUnwrittenAnswers ||
        slots_.size() >= kMaxPendingAnswers) {
      break;
    }
  }
  if (closed_) {
    return;
  }
  requestsRead_ += static_cast<uint64_t>(completed);
  // A stream of messages: this worker will be busy running them, so
  // another takes over reading (parsing and running then overlap).
  if (completed >= kStreamMessages) {
    network_.host().readerBusy();
  }
  write();
  if (!closeAfterWrite_ && out_.size() < kMaxUnwrittenAnswers &&
      slots_.size() < kMaxPendingAnswers) {
    waitReadable();
  }
}

void InboundConnection::handle(DecodedRequest& request) {
  if (!request.keepAlive) {
    closeAfterWrite_ = true;
  }
  if (isMessage(request)) {
    handleMessage(request);
    return;
  }
  handleRoute(request);
}

void InboundConnection::handleMessage(DecodedRequest& request) {
  Try<MessageHeader> header = parseMessage(request, &senders_);
  if (header.isError()) {
    if (net::shouldLog(badMessageLogs)) {
      LOG(WARNING) << "Bad message from " << peer_ << ": " << header.error();
    }
    answer(400, header.error() + "\n");
    return;
  }
  MessageHeader& message = header.get();
  const bool delivered = network_.host().deliverMessage(
      message.to, std::move(message.from),
      std::move(message.name), std::move(request.body));
  answer(delivered ? 202 : 404);
}

void InboundConnection::answer(int status, const std::string& body) {
  if (status == 202 && !closeAfterWrite_ && slots_.empty()) {
    out_ += "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
    return;
  }
  std::string bytes = "HTTP/1.1 ";
  bytes += std::to_string(status);
  bytes += ' ';
  bytes += reasonOf(status);
  bytes += "\r\n";
  if (closeAfterWrite_) {
    bytes += "Connection: close\r\n";
  }
  if (!body.empty()) {
    bytes += "Content-Type: text/plain; charset=utf-8\r\n";
  }
  bytes += "Content-Length: ";
  bytes += std::to_string(body.size());
  bytes += "\r\n\r\n";
  bytes += body;
  emit(std::move(bytes));
}

void InboundConnection::emit(std::string bytes) {
  if (slots_.empty()) {
    out_ += bytes;
    return;
  }
  Slot& slot = slots_.emplace_back();
  slot.seq = nextSeq_++;
  slot.ready = true;
  slot.close = closeAfterWrite_;
  slot.bytes = std::move(bytes);
}

void InboundConnection::reject() {
  const int status = decoder_.errorStatus();
  if (net::shouldLog(rejectLogs)) {
    LOG(WARNING) << "Rejected a request from " << peer_ << " (" << status
                 << "): " << decoder_.error();
  }
  closeAfterWrite_ = true;
  answer(status, decoder_.error() + "\n");
}

void InboundConnection::setReadDeadline() {
  if (!decoder_.midRequest()) {
    if (readDeadline_) {
      readDeadline_.reset();
      rearmTimer();
    }
    return;
  }
  if (readDeadline_ && deadlineRequest_ == requestsRead_) {
    return;  // the same request, still on its clock
  }
  readDeadline_ =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          network_.limits().requestTimeout.chrono());
  deadlineRequest_ = requestsRead_;
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
    closeAfterWrite_ = true;
    answer(408);
    write();
  }
  if (!closed_) {
    rearmTimer();
  }
}

void InboundConnection::write() {
  if (writing_ || closed_) {
    return;
  }
  bool progressed = false;
  while (outOffset_ < out_.size()) {
    const ssize_t sent =
        ::send(fd_, out_.data() + outOffset_, out_.size() - outOffset_,
               MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent > 0) {
      outOffset_ += static_cast<size_t>(sent);
      progressed = true;
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (progressed || !writeDeadline_) {
        writeDeadline_ =
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                network_.limits().requestTimeout.chrono());
        rearmTimer();
      }
      waitWritable();
      return;
    } else {
      close(std::string("write failed: ") + std::strerror(errno));
      return;
    }
  }
  out_.clear();
  outOffset_ = 0;
  if (writeDeadline_) {
    writeDeadline_.reset();
    rearmTimer();
  }
  if (closeAfterWrite_ && slots_.empty()) {
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
  asio::error_code ignored;
  requestTimer_.cancel();
  socket_.close(ignored);
  network_.closed(shared_from_this());
}

}  // namespace process::transport
