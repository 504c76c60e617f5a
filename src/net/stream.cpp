#include "net/stream.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <glog/logging.h>

#include <process/clock.hpp>

namespace process::net {
namespace {

// Reads per readiness, so one busy connection cannot starve the others.
constexpr int kReadsPerTurn = 4;

std::string nameOf(const asio::ip::tcp::socket& socket) {
  asio::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  return ec ? std::string("unknown peer")
            : remote.address().to_string() + ":" +
                  std::to_string(remote.port());
}

std::optional<Address> addressOf(const asio::ip::tcp::endpoint& endpoint) {
  if (!endpoint.address().is_v4()) {
    return std::nullopt;
  }
  return Address(net::IP(endpoint.address().to_v4().to_uint()),
                 endpoint.port());
}

void setOption(int fd, int level, int name, int value) {
  if (::setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
    static std::atomic<uint64_t> logs{0};
    if (shouldLog(logs, 10)) {
      PLOG(WARNING) << "setsockopt(" << level << ", " << name << ")";
    }
  }
}

}  // namespace

Deadline deadlineAfter(const Duration& timeout) {
  return Clock::now() + timeout;
}

Stream::Stream(EventLoop& loop, asio::ip::tcp::socket socket,
               std::optional<AcceptTls> tls)
    : loop_(loop), socket_(std::move(socket)), peerName_(nameOf(socket_)) {
  queue_.countWrittenIn(&loop.bytesWritten());
  keepFromChildren(socket_.native_handle());
  opened();
  if (tls) {
    // The queue opens once the handshake is done (handshakeDone()).
    tlsContext_ = std::move(tls->context);
    tlsState_ =
        tls->allowPlaintext ? TlsState::kSniffing : TlsState::kHandshaking;
    handshakeTimeout_ = tls->timeout;
    return;
  }
  queue_.open(socket_.native_handle());  // nothing is queued yet
}

Stream::Stream(EventLoop& loop) : loop_(loop), socket_(loop.io()) {
  queue_.countWrittenIn(&loop.bytesWritten());
}

Stream::~Stream() {
  if (timerArmed_) {
    Clock::cancel(timer_);
  }
}

void Stream::setHandler(std::weak_ptr<StreamHandler> handler) {
  handler_ = std::move(handler);
}

void Stream::opened() {
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
  connected_ = true;
  applyPeerTimeout();
}

void Stream::connect(const asio::ip::tcp::endpoint& endpoint,
                     Duration timeout) {
  peerName_ =
      endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  asio::error_code opened;
  socket_.open(asio::ip::tcp::v4(), opened);
  if (opened) {
    fail(StreamError{.cause = StreamError::Cause::kConnect,
                     .code = opened.value(),
                     .message = "cannot open a socket: " + opened.message()});
    return;
  }
  keepFromChildren(socket_.native_handle());
  connectDeadline_ = deadlineAfter(timeout);
  rearmTimer();
  socket_.async_connect(
      endpoint, [self = shared_from_this()](const asio::error_code& ec) {
        if (self->closed_) {
          return;
        }
        if (ec) {
          self->fail(StreamError{.cause = StreamError::Cause::kConnect,
                                 .code = ec.value(),
                                 .message = ec.message()});
          return;
        }
        self->opened();
        if (self->tlsContext_ != nullptr) {
          // Connected once the handshake is, within the connect deadline.
          self->tlsState_ = TlsState::kHandshaking;
          self->handshakeStarted_ = true;
          self->stepHandshake();
          return;
        }
        self->connectDeadline_.reset();
        self->rearmTimer();
        const bool write = self->queue_.open(self->socket_.native_handle());
        if (auto handler = self->handler()) {
          handler->onConnected();
        }
        if (write && !self->closed_) {
          self->afterDrain(self->queue_.drain());
        }
      });
}

void Stream::startReading() {
  wantRead_ = true;
  if (tlsState_ == TlsState::kSniffing || tlsState_ == TlsState::kHandshaking)
      [[unlikely]] {
    // An accepted connection's handshake starts with its reading; the
    // reads begin once it is done.
    if (!handshakeStarted_ && connectDeadline_ == std::nullopt) {
      handshakeStarted_ = true;
      handshakeDeadline_ = deadlineAfter(handshakeTimeout_);
      rearmTimer();
      stepHandshake();
    }
    return;
  }
  if (tlsState_ == TlsState::kOpen && resumeTlsReading()) [[unlikely]] {
    return;
  }
  waitReadable();
}

void Stream::waitReadable() {
  if (readWaiting_ || closed_ || !connected_ || !wantRead_ ||
      (tlsState_ != TlsState::kPlain && tlsState_ != TlsState::kOpen)) {
    return;
  }
  awaitSocket(asio::socket_base::wait_read, StreamError::Cause::kRead,
              &Stream::onReadable);
}

void Stream::awaitSocket(asio::socket_base::wait_type type,
                         StreamError::Cause cause, void (Stream::*ready)()) {
  readWaiting_ = true;
  socket_.async_wait(type, [self = shared_from_this(), cause,
                            ready](const asio::error_code& ec) {
    self->readWaiting_ = false;
    if (self->closed_) {
      return;
    }
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        self->fail(StreamError{
            .cause = cause, .code = ec.value(), .message = ec.message()});
      }
      return;
    }
    ((*self).*ready)();
  });
}

void Stream::onReadable() {
  if (tlsState_ != TlsState::kPlain) [[unlikely]] {
    onTlsReadable();
    return;
  }
  std::vector<char>& buffer = loop_.readBuffer();
  const int fd = socket_.native_handle();
  bool read = false;
  for (int turn = 0; turn < kReadsPerTurn && wantRead_ && !closed_; ++turn) {
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    }
    if (got < 0) {
      const int error = errno;
      fail(StreamError{.cause = StreamError::Cause::kRead,
                       .code = error,
                       .timedOut = error == ETIMEDOUT,
                       .message = std::strerror(error)});
      return;
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
  waitReadable();
}

bool Stream::deliver(const char* data, size_t got) {
  std::shared_ptr<StreamHandler> handler = this->handler();
  if (handler == nullptr) {
    close();
    return false;
  }
  if (got == 0) {
    wantRead_ = false;
    handler->onEndOfFile();
    return false;
  }
  bytesRead_.store(bytesRead_.load(std::memory_order_relaxed) + got,
                   std::memory_order_relaxed);
  loop_.bytesRead().fetch_add(got, std::memory_order_relaxed);
  handler->onData(data, got);
  return true;
}

void Stream::setReadDeadline(std::optional<Deadline> deadline) {
  if (readDeadline_ != deadline) {
    readDeadline_ = deadline;
    rearmTimer();
  }
}

void Stream::setWriteStallTimeout(Duration timeout) {
  stallTimeout_ = timeout;
}

void Stream::setPeerTimeout(Duration timeout) {
  peerTimeout_ = timeout;
  if (connected_ && !closed_) {
    applyPeerTimeout();
  }
}

void Stream::applyPeerTimeout() {
  if (peerTimeout_ <= Duration::zero()) {
    return;
  }
  // An idle connection is probed after a quarter of the timeout, then
  // every eighth (at least a second each, the kernel's unit); the kernel
  // gives up once nothing was acknowledged for the timeout less one
  // probe interval, so the end comes within the timeout.
  // The kernel takes at most 32767 s for the probe times.
  constexpr int64_t kLongest = 32767;
  const int64_t millis = peerTimeout_.ns() / 1000000;
  const int64_t total = std::clamp<int64_t>(millis / 1000, 2, kLongest);
  const auto interval = static_cast<int>(std::max<int64_t>(1, total / 8));
  const auto idle = static_cast<int>(std::max<int64_t>(1, total / 4));
  const int64_t userMs =
      std::clamp<int64_t>(millis - int64_t{interval} * 1000, 1000, INT32_MAX);
  const int fd = socket_.native_handle();
  setOption(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
  setOption(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle);
  setOption(fd, IPPROTO_TCP, TCP_KEEPINTVL, interval);
  setOption(fd, IPPROTO_TCP, TCP_KEEPCNT,
            static_cast<int>(std::max<int64_t>(1, total / interval)));
  setOption(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, static_cast<int>(userMs));
}

void Stream::rearmTimer() {
  std::optional<Deadline> next = readDeadline_;
  for (const auto& other :
       {connectDeadline_, stallDeadline_, handshakeDeadline_}) {
    if (other && (!next || *other < *next)) {
      next = other;
    }
  }
  if (timerArmed_ && next && !closed_ && timer_.timeout() == *next) {
    return;
  }
  if (timerArmed_) {
    timerArmed_ = false;
    Clock::cancel(timer_);
  }
  if (!next || closed_) {
    return;
  }
  timerArmed_ = true;
  // The clock's thunk runs on its own thread (or the one advancing a
  // paused clock): it only hands the deadline to the loop.
  timer_ = Clock::timer(
      *next, [gate = loop_.gate(), weak = weak_from_this(), at = *next] {
        gate->post([weak, at] {
          if (auto self = weak.lock()) {
            self->onTimer(at);
          }
        });
      });
}

void Stream::onTimer(Deadline at) {
  if (closed_ || !timerArmed_ || timer_.timeout() != at) {
    return;  // re-armed or cancelled meanwhile
  }
  // The deadlines, not the timer, say what is late.
  timerArmed_ = false;
  const Deadline now = Clock::now();
  if (connectDeadline_ && *connectDeadline_ <= now) {
    fail(StreamError{.cause = StreamError::Cause::kConnect,
                     .code = ETIMEDOUT,
                     .timedOut = true,
                     .message = std::strerror(ETIMEDOUT)});
    return;
  }
  if (handshakeDeadline_ && *handshakeDeadline_ <= now) {
    fail(StreamError{
        .cause = StreamError::Cause::kHandshake,
        .code = ETIMEDOUT,
        .timedOut = true,
        .message = "no TLS handshake within " + stringify(handshakeTimeout_)});
    return;
  }
  if (stallDeadline_ && *stallDeadline_ <= now) {
    fail(StreamError{
        .cause = StreamError::Cause::kStalled,
        .code = ETIMEDOUT,
        .timedOut = true,
        .message = "the peer took no byte within " + stringify(stallTimeout_)});
    return;
  }
  if (readDeadline_ && *readDeadline_ <= now) {
    readDeadline_.reset();
    if (auto handler = this->handler()) {
      handler->onReadDeadline();
    }
  }
  if (!closed_) {
    rearmTimer();
  }
}

Stream::Appended Stream::write(std::string_view bytes) {
  return queue_.write(bytes);
}

void Stream::flush() {
  if (queue_.take(true) != WriteQueue::Token::kTaken) {
    return;
  }
  const WriteQueue::Drained drained = queue_.drain();
  if (queue_.leaveOffLoop()) {
    // Closed while this thread wrote: the descriptor was left to it.
    loop_.post([self = shared_from_this()] { self->closeSocket(); });
    return;
  }
  if (drained != WriteQueue::Drained::kDone) {
    loop_.post([self = shared_from_this(), drained] {
      if (!self->closed_) {
        self->afterDrain(drained);
      }
    });
  }
}

bool Stream::flushOnLoop() {
  switch (queue_.take(false)) {
    case WriteQueue::Token::kEmpty:
      return true;
    case WriteQueue::Token::kHeld:
    case WriteQueue::Token::kShut:
      return false;
    case WriteQueue::Token::kTaken:
      break;
  }
  const WriteQueue::Drained drained = queue_.drain();
  afterDrain(drained);
  return drained == WriteQueue::Drained::kDone;
}

void Stream::afterDrain(WriteQueue::Drained drained) {
  using Drained = WriteQueue::Drained;
  if (drained == Drained::kBlocked) {
    if (stallTimeout_ > Duration::zero() &&
        (queue_.progressed() || !stallDeadline_)) {
      stallDeadline_ = deadlineAfter(stallTimeout_);
      rearmTimer();
    }
    waitWritable();
  } else if (drained == Drained::kFailed) {
    const int error = queue_.error();
    fail(StreamError{.cause = StreamError::Cause::kWrite,
                     .code = error,
                     .timedOut = error == ETIMEDOUT,
                     .message = std::strerror(error)});
  } else if (stallDeadline_) {
    stallDeadline_.reset();
    rearmTimer();
  }
}

void Stream::waitWritable() {
  if (writeWaiting_ || closed_) {
    return;
  }
  writeWaiting_ = true;
  socket_.async_wait(
      asio::socket_base::wait_write,
      [self = shared_from_this()](const asio::error_code& ec) {
        self->writeWaiting_ = false;
        if (self->closed_) {
          return;
        }
        if (ec) {
          if (ec != asio::error::operation_aborted) {
            self->fail(StreamError{.cause = StreamError::Cause::kWrite,
                                   .code = ec.value(),
                                   .message = ec.message()});
          }
          return;
        }
        const WriteQueue::Drained drained = self->queue_.drain();
        self->afterDrain(drained);
        if (drained == WriteQueue::Drained::kDone && !self->closed_) {
          if (auto handler = self->handler()) {
            handler->onDrained();
          }
        }
      });
}

void Stream::fail(const StreamError& error) {
  if (closed_) {
    return;
  }
  close();
  if (auto handler = this->handler()) {
    handler->onError(error);
  }
}

void Stream::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  if (timerArmed_) {
    timerArmed_ = false;
    Clock::cancel(timer_);
  }
  // A writer off the loop may be on the descriptor: it closes it when done.
  if (queue_.close()) {
    closeSocket();
  }
}

void Stream::closeSocket() {
  asio::error_code ignored;
  socket_.close(ignored);
}

std::optional<Address> Stream::remoteAddress() const {
  asio::error_code ec;
  const auto endpoint = socket_.remote_endpoint(ec);
  return ec ? std::nullopt : addressOf(endpoint);
}

std::optional<Address> Stream::localAddress() const {
  asio::error_code ec;
  const auto endpoint = socket_.local_endpoint(ec);
  return ec ? std::nullopt : addressOf(endpoint);
}

}  // namespace process::net
