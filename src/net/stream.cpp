#include "net/stream.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace process::net {
namespace {

constexpr size_t kBlockBytes = size_t{64} * 1024;
constexpr size_t kSpareBlocks = 16;
// Blocks per sendmsg (well under IOV_MAX).
constexpr size_t kGatherBlocks = 64;
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

Deadline deadlineAfter(const Duration& timeout) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             timeout.chrono());
}

}  // namespace

Stream::Stream(EventLoop& loop, asio::ip::tcp::socket socket)
    : loop_(loop),
      socket_(std::move(socket)),
      timer_(loop.io()),
      peerName_(nameOf(socket_)) {
  keepFromChildren(socket_.native_handle());
  opened();
}

Stream::Stream(EventLoop& loop)
    : loop_(loop), socket_(loop.io()), timer_(loop.io()) {}

Stream::~Stream() = default;

void Stream::setHandler(std::weak_ptr<StreamHandler> handler) {
  handler_ = std::move(handler);
}

void Stream::opened() {
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
  connected_ = true;
  std::lock_guard<std::mutex> guard(mutex_);
  fd_ = socket_.native_handle();
  state_ = State::kOpen;
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
        self->connectDeadline_.reset();
        self->rearmTimer();
        self->opened();
        if (auto handler = self->handler()) {
          handler->onConnected();
        }
        bool write = false;
        {
          std::lock_guard<std::mutex> guard(self->mutex_);
          if (!self->pending_.empty() && !self->writing_) {
            self->writing_ = true;
            write = true;
          }
        }
        if (write && !self->closed_) {
          self->afterDrain(self->drain());
        }
      });
}

void Stream::startReading() {
  wantRead_ = true;
  waitReadable();
}

void Stream::waitReadable() {
  if (readWaiting_ || closed_ || !connected_ || !wantRead_) {
    return;
  }
  readWaiting_ = true;
  socket_.async_wait(
      asio::socket_base::wait_read,
      [self = shared_from_this()](const asio::error_code& ec) {
        self->readWaiting_ = false;
        if (self->closed_) {
          return;
        }
        if (ec) {
          if (ec != asio::error::operation_aborted) {
            self->fail(StreamError{.cause = StreamError::Cause::kRead,
                                   .code = ec.value(),
                                   .message = ec.message()});
          }
          return;
        }
        self->onReadable();
      });
}

void Stream::onReadable() {
  std::vector<char>& buffer = loop_.readBuffer();
  const int fd = socket_.native_handle();
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
                       .message = std::strerror(error)});
      return;
    }
    std::shared_ptr<StreamHandler> handler = this->handler();
    if (handler == nullptr) {
      close();
      return;
    }
    if (got == 0) {
      wantRead_ = false;
      handler->onEndOfFile();
      return;
    }
    handler->onData(buffer.data(), static_cast<size_t>(got));
  }
  waitReadable();
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

void Stream::rearmTimer() {
  std::optional<Deadline> next = readDeadline_;
  for (const auto& other : {connectDeadline_, stallDeadline_}) {
    if (other && (!next || *other < *next)) {
      next = other;
    }
  }
  if (!next || closed_) {
    if (timerArmed_) {
      timerArmed_ = false;
      timer_.cancel();
    }
    return;
  }
  if (timerArmed_ && timerAt_ == *next) {
    return;
  }
  timerArmed_ = true;
  timerAt_ = *next;
  timer_.expires_at(*next);
  timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec && !self->closed_) {
      self->onTimer();
    }
  });
}

void Stream::onTimer() {
  // A wait that had fired before it was re-armed may still run: the
  // deadlines, not the timer, say what is late.
  timerArmed_ = false;
  const Deadline now = std::chrono::steady_clock::now();
  if (connectDeadline_ && *connectDeadline_ <= now) {
    fail(StreamError{.cause = StreamError::Cause::kConnect,
                     .code = ETIMEDOUT,
                     .timedOut = true,
                     .message = std::strerror(ETIMEDOUT)});
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

std::string& Stream::tailBlock(size_t sizeHint) {
  if (pending_.empty() || pending_.back().size() + sizeHint > kBlockBytes) {
    if (spare_.empty()) {
      pending_.emplace_back();
      pending_.back().reserve(std::max(kBlockBytes, sizeHint));
    } else {
      pending_.push_back(std::move(spare_.back()));
      spare_.pop_back();
    }
  }
  return pending_.back();
}

Stream::Appended Stream::write(std::string_view bytes) {
  return append(bytes.size(), SIZE_MAX, false,
                [bytes](std::string& block) { block.append(bytes); });
}

size_t Stream::unwrittenBytes() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return static_cast<size_t>(queued_ -
                             written_.load(std::memory_order_relaxed));
}

uint64_t Stream::lostMarks() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return lost_;
}

void Stream::flush() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (state_ != State::kOpen || writing_ || pending_.empty()) {
      return;
    }
    writing_ = true;
    offLoopWriting_ = true;
  }
  const Drained drained = drain();
  bool close = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    offLoopWriting_ = false;
    close = closeWhenWritten_;
  }
  if (close) {
    loop_.post([self = shared_from_this()] { self->closeSocket(); });
    return;
  }
  if (drained != Drained::kDone) {
    loop_.post([self = shared_from_this(), drained] {
      if (!self->closed_) {
        self->afterDrain(drained);
      }
    });
  }
}

bool Stream::flushOnLoop() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (state_ != State::kOpen) {
      return false;
    }
    if (writing_) {
      return false;
    }
    if (pending_.empty()) {
      return true;
    }
    writing_ = true;
  }
  const Drained drained = drain();
  afterDrain(drained);
  return drained == Drained::kDone;
}

Stream::Drained Stream::drain() {
  bool progressed = false;
  for (;;) {
    if (inflight_.empty()) {
      std::lock_guard<std::mutex> guard(mutex_);
      const uint64_t written = written_.load(std::memory_order_relaxed);
      while (!marks_.empty() && marks_.front() <= written) {
        marks_.pop_front();
      }
      for (std::string& block : used_) {
        if (spare_.size() < kSpareBlocks && block.capacity() <= kBlockBytes) {
          block.clear();
          spare_.push_back(std::move(block));
        }
      }
      used_.clear();
      if (pending_.empty() || state_ != State::kOpen) {
        writing_ = false;
        return Drained::kDone;
      }
      inflight_.swap(pending_);
      pendingBytes_ = 0;
    }
    iovec parts[kGatherBlocks];
    size_t count = 0;
    for (auto block = inflight_.begin();
         block != inflight_.end() && count < kGatherBlocks; ++block, ++count) {
      const size_t skip = count == 0 ? inflightOffset_ : 0;
      parts[count].iov_base = block->data() + skip;
      parts[count].iov_len = block->size() - skip;
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = count;
    const ssize_t sent = ::sendmsg(fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent > 0) {
      progressed = true;
      written_.fetch_add(static_cast<uint64_t>(sent),
                         std::memory_order_relaxed);
      size_t left = static_cast<size_t>(sent);
      while (left > 0) {
        const size_t rest = inflight_.front().size() - inflightOffset_;
        if (left < rest) {
          inflightOffset_ += left;
          break;
        }
        left -= rest;
        inflightOffset_ = 0;
        used_.push_back(std::move(inflight_.front()));
        inflight_.pop_front();
      }
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The stall clock restarts with every byte taken (on the loop).
      progressed_ = progressed;
      return Drained::kBlocked;
    } else {
      writeError_ = sent < 0 ? errno : EPIPE;
      return Drained::kFailed;
    }
  }
}

void Stream::afterDrain(Drained drained) {
  if (drained == Drained::kBlocked) {
    if (stallTimeout_ > Duration::zero() && (progressed_ || !stallDeadline_)) {
      stallDeadline_ = deadlineAfter(stallTimeout_);
      rearmTimer();
    }
    waitWritable();
  } else if (drained == Drained::kFailed) {
    const int error = writeError_;
    fail(StreamError{.cause = StreamError::Cause::kWrite,
                     .code = error,
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
        const Drained drained = self->drain();
        self->afterDrain(drained);
        if (drained == Drained::kDone && !self->closed_) {
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
  bool closeNow = true;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    state_ = State::kClosed;
    // Bytes the socket took are not lost: the peer may have them. While a
    // writer off the loop is under way, its progress is unknown: all of
    // its batch counts.
    const uint64_t written =
        offLoopWriting_ ? 0 : written_.load(std::memory_order_relaxed);
    lost_ = static_cast<uint64_t>(
        std::count_if(marks_.begin(), marks_.end(),
                      [written](uint64_t end) { return end > written; }));
    marks_.clear();
    pendingBytes_ = 0;
    pending_.clear();
    spare_.clear();
    // That writer is on the descriptor: it closes it when done.
    if (offLoopWriting_) {
      closeWhenWritten_ = true;
      closeNow = false;
    }
  }
  timerArmed_ = false;
  timer_.cancel();
  if (closeNow) {
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
