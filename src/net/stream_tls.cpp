// The TLS side of a Stream (stream.hpp, tls.hpp): telling TLS from
// plaintext on an accepted connection, the handshake, and the read loop
// through the session. The write side is the write queue's, which hands
// its gathered blocks to the session instead of sendmsg().
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "net/stream.hpp"

namespace process::net {
namespace {

// Reads per readiness: a read gives one record (16 KiB at most), a
// quarter of a plaintext read.
constexpr int kTlsReadsPerTurn = 16;

}  // namespace

void Stream::secureClient(std::shared_ptr<TlsContext> context,
                          std::string hostname) {
  tlsContext_ = std::move(context);
  tlsHostname_ = std::move(hostname);
}

bool Stream::resumeTlsReading() {
  if (!tls_->pending()) {
    return false;
  }
  loop_.post([self = shared_from_this()] {
    if (!self->closed_) {
      self->onTlsReadable();
    }
  });
  return true;
}

void Stream::waitHandshake(asio::socket_base::wait_type type) {
  if (readWaiting_ || closed_) {
    return;
  }
  awaitSocket(type, StreamError::Cause::kHandshake, &Stream::stepHandshake);
}

// Downgrade: the first byte says TLS (a handshake record) or plaintext.
void Stream::sniff() {
  unsigned char first = 0;
  const ssize_t got =
      ::recv(socket_.native_handle(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    waitHandshake(asio::socket_base::wait_read);
    return;
  }
  if (got == 1 && opensTlsRecord(first)) {
    tlsState_ = TlsState::kHandshaking;
    stepHandshake();
    return;
  }
  // Plaintext (or an end of file, or an error, which the plain read loop
  // meets and reports as for any connection).
  tlsState_ = TlsState::kPlain;
  tlsContext_.reset();
  handshakeDeadline_.reset();
  rearmTimer();
  queue_.open(socket_.native_handle());
  waitReadable();
}

void Stream::stepHandshake() {
  if (closed_) {
    return;
  }
  if (tlsState_ == TlsState::kSniffing) {
    sniff();
    return;
  }
  if (tls_ == nullptr) {
    std::optional<net::IP> ip;
    if (std::optional<Address> remote = remoteAddress()) {
      ip = remote->ip;
    }
    const bool client = connectDeadline_.has_value();
    tls_ = std::make_unique<TlsSession>(
        tlsContext_, socket_.native_handle(),
        client ? TlsRole::kClient : TlsRole::kServer, tlsHostname_, ip);
  }
  switch (tls_->handshake()) {
    case TlsSession::Want::kNothing:
      handshakeDone();
      return;
    case TlsSession::Want::kRead:
      waitHandshake(asio::socket_base::wait_read);
      return;
    case TlsSession::Want::kWrite:
      waitHandshake(asio::socket_base::wait_write);
      return;
    case TlsSession::Want::kFailed:
      fail(StreamError{.cause = StreamError::Cause::kHandshake,
                       .code = EPROTO,
                       .message = tls_->error()});
      return;
  }
}

void Stream::handshakeDone() {
  tlsState_ = TlsState::kOpen;
  const bool client = connectDeadline_.has_value();
  connectDeadline_.reset();
  handshakeDeadline_.reset();
  rearmTimer();
  const bool write = queue_.open(socket_.native_handle(), tls_.get());
  if (client) {
    if (auto handler = this->handler()) {
      handler->onConnected();
    }
  }
  if (write && !closed_) {
    afterDrain(queue_.drain());
  }
  // The client may have sent its first request with its last handshake
  // bytes: OpenSSL may hold it already.
  if (wantRead_ && !closed_) {
    onTlsReadable();
  }
}

void Stream::onTlsReadable() {
  if (tlsState_ != TlsState::kOpen) {
    stepHandshake();
    return;
  }
  std::vector<char>& buffer = loop_.readBuffer();
  bool read = false;
  TlsSession::Want want = TlsSession::Want::kRead;
  for (int turn = 0; turn < kTlsReadsPerTurn && wantRead_ && !closed_; ++turn) {
    const ssize_t got = tls_->read(buffer.data(), buffer.size(), &want);
    if (got < 0 && want == TlsSession::Want::kFailed) {
      fail(StreamError{.cause = StreamError::Cause::kRead,
                       .code = EPROTO,
                       .message = tls_->error()});
      return;
    }
    if (got < 0) {
      break;
    }
    if (!deliver(buffer.data(), static_cast<size_t>(got))) {
      return;
    }
    read = true;
  }
  if (read && !closed_) {
    if (auto handler = this->handler()) {
      handler->onReadsDone();
    }
  }
  if (closed_ || !wantRead_) {
    return;
  }
  if (want == TlsSession::Want::kWrite) {
    // OpenSSL must write before it reads on (a key update's answer).
    readWaiting_ = true;
    socket_.async_wait(asio::socket_base::wait_write,
                       [self = shared_from_this()](const asio::error_code&) {
                         self->readWaiting_ = false;
                         if (!self->closed_) {
                           self->onTlsReadable();
                         }
                       });
    return;
  }
  if (!resumeTlsReading()) {
    waitReadable();
  }
}

}  // namespace process::net
