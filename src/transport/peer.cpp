#include "transport/peer.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <glog/logging.h>

#include <process/process.hpp>

#include "transport/inbound.hpp"
#include "transport/message_codec.hpp"
#include "transport/network.hpp"

namespace process {
namespace transport {
namespace {

// Past this much queued for one peer, a worker writes at once instead of
// waiting for the end of its batch.
constexpr size_t kFlushBytes = size_t{64} * 1024;
constexpr size_t kBlockBytes = size_t{64} * 1024;
// Room for a message's request line and headers beside its name and body.
constexpr size_t kHeadRoom = 512;
constexpr size_t kSpareBlocks = 16;
// Blocks per sendmsg (well under IOV_MAX).
constexpr size_t kGatherBlocks = 64;

thread_local std::vector<std::shared_ptr<Peer>> buffered;

// The sender's UPID as text: a process sends many messages in a row, so the
// last one is kept per thread.
struct SenderText {
  std::string id;
  Address address;
  std::string text;
};
thread_local SenderText lastSender;

const std::string& senderText(const UPID& from) {
  if (lastSender.text.empty() || lastSender.id != from.id ||
      lastSender.address != from.address) {
    lastSender.id = from.id;
    lastSender.address = from.address;
    lastSender.text = stringify(from);
  }
  return lastSender.text;
}

std::atomic<uint64_t> dropLogs{0};
std::atomic<uint64_t> lostLogs{0};

}  // namespace

Peer::Peer(Network& network, const Address& address)
    : network_(network), address_(address), responses_(network.httpLimits()) {}

Peer::~Peer() = default;

void Peer::enqueue(const UPID& from, const UPID& to, const std::string& name,
                   const std::string& body) {
  bool flushNow = false;
  bool remember = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (state_ == State::kBroken ||
        pendingBytes_ >= network_.limits().maxOutboundBytes) {
      network_.host().countDropped(1);
      if (net::shouldLog(dropLogs)) {
        LOG(WARNING) << "Dropped message '" << name << "' to " << to << ": "
                     << (state_ == State::kBroken
                             ? "its node cannot be reached"
                             : "too much is queued for its node");
      }
      return;
    }
    if (pending_.empty() ||
        pending_.back().size() + name.size() + body.size() + kHeadRoom >
            kBlockBytes) {
      if (spare_.empty()) {
        pending_.emplace_back();
        pending_.back().reserve(kBlockBytes);
      } else {
        pending_.push_back(std::move(spare_.back()));
        spare_.pop_back();
      }
    }
    std::string& block = pending_.back();
    const size_t before = block.size();
    encodeMessage(senderText(from), to.id, to.address, name, body, block);
    const size_t added = block.size() - before;
    pendingBytes_ += added;
    queued_ += added;
    ends_.push_back(queued_);
    if (state_ != State::kConnected || writing_) {
      return;  // the connection, or the current writer, takes it
    }
    if (pendingBytes_ >= kFlushBytes || currentProcess() == nullptr) {
      flushNow = true;
    } else if (!dirty_) {
      dirty_ = true;
      remember = true;
    }
  }
  if (remember) {
    buffered.push_back(shared_from_this());
  }
  if (flushNow) {
    flush();
  }
}

void Peer::flush() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    dirty_ = false;
    if (state_ != State::kConnected || writing_ || pending_.empty()) {
      return;
    }
    writing_ = true;
    workerWriting_ = true;
  }
  const Drained drained = drain();
  bool close = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    workerWriting_ = false;
    close = closeWhenWritten_;
  }
  if (close) {
    asio::post(network_.io(),
               [self = shared_from_this()] { self->closeSocket(); });
    return;
  }
  if (drained != Drained::kDone) {
    asio::post(network_.io(), [self = shared_from_this(), drained] {
      self->afterDrain(drained);
    });
  }
}

Peer::Drained Peer::drain() {
  for (;;) {
    if (inflight_.empty()) {
      std::lock_guard<std::mutex> guard(mutex_);
      const uint64_t written = written_.load(std::memory_order_relaxed);
      while (!ends_.empty() && ends_.front() <= written) {
        ends_.pop_front();
      }
      for (std::string& block : used_) {
        if (spare_.size() < kSpareBlocks && block.capacity() <= kBlockBytes) {
          block.clear();
          spare_.push_back(std::move(block));
        }
      }
      used_.clear();
      if (pending_.empty() || state_ != State::kConnected) {
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
      return Drained::kBlocked;
    } else {
      writeError_ = sent < 0 ? errno : EPIPE;
      return Drained::kFailed;
    }
  }
}

void Peer::afterDrain(Drained drained) {
  if (drained == Drained::kBlocked) {
    waitWritable();
  } else if (drained == Drained::kFailed) {
    fail(std::string("write failed: ") + std::strerror(writeError_));
  }
}

void Peer::waitWritable() {
  if (socket_ == nullptr) {
    return;
  }
  socket_->async_wait(asio::socket_base::wait_write,
                      [self = shared_from_this()](const asio::error_code& ec) {
                        if (ec) {
                          if (ec != asio::error::operation_aborted) {
                            self->fail("write failed: " + ec.message());
                          }
                          return;
                        }
                        self->afterDrain(self->drain());
                      });
}

void Peer::connect() {
  socket_ = std::make_unique<asio::ip::tcp::socket>(network_.io());
  asio::error_code opened;
  socket_->open(asio::ip::tcp::v4(), opened);
  if (opened) {
    fail("cannot open a socket: " + opened.message());
    return;
  }
  net::keepFromChildren(socket_->native_handle());
  connectTimer_ = std::make_unique<asio::steady_timer>(network_.io());
  connectTimer_->expires_after(network_.limits().connectTimeout.chrono());
  connectTimer_->async_wait(
      [self = shared_from_this()](const asio::error_code& ec) {
        if (!ec && self->socket_ != nullptr && self->fd_ < 0) {
          self->fail("no connection within " +
                     stringify(self->network_.limits().connectTimeout));
        }
      });
  const asio::ip::tcp::endpoint endpoint(
      asio::ip::address_v4(address_.ip.value()), address_.port);
  socket_->async_connect(
      endpoint, [self = shared_from_this()](const asio::error_code& ec) {
        if (ec) {
          if (ec != asio::error::operation_aborted) {
            self->fail("cannot connect: " + ec.message());
          }
          return;
        }
        self->onConnected();
      });
}

void Peer::onConnected() {
  if (socket_ == nullptr) {
    return;  // failed (timed out, or the node stops) as it connected
  }
  connectTimer_->cancel();
  asio::error_code ignored;
  socket_->set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_->non_blocking(true, ignored);
  bool write = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (state_ == State::kBroken) {
      return;
    }
    fd_ = socket_->native_handle();
    state_ = State::kConnected;
    if (!pending_.empty() && !writing_) {
      writing_ = true;
      write = true;
    }
  }
  VLOG(1) << "Connected to " << address_;
  waitReadable();
  if (write) {
    afterDrain(drain());
  }
}

void Peer::waitReadable() {
  socket_->async_wait(
      asio::socket_base::wait_read,
      [self = shared_from_this()](const asio::error_code& ec) {
        if (ec) {
          if (ec != asio::error::operation_aborted) {
            self->fail("read failed: " + ec.message());
          }
          return;
        }
        std::vector<char>& buffer = self->network_.readBuffer();
        for (;;) {
          const ssize_t got =
              ::recv(self->fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
          if (got == 0) {
            self->fail("closed by the peer");
            return;
          }
          if (got < 0) {
            if (errno == EINTR) {
              continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
              break;
            }
            self->fail(std::string("read failed: ") + std::strerror(errno));
            return;
          }
          // Answers are read, not acted on (docs/wire.md): an odd one must
          // not disturb the connection.
          const size_t skipped =
              self->ignoreResponses_
                  ? 0
                  : self->skipAccepted(buffer.data(), static_cast<size_t>(got));
          if (!self->ignoreResponses_ &&
              !self->responses_.feed(
                  buffer.data() + skipped, static_cast<size_t>(got) - skipped,
                  [&](DecodedResponse& response) {
                    VLOG_IF(2, response.status >= 300)
                        << self->address_ << " answered " << response.status;
                  })) {
            LOG(WARNING) << "Ignoring what " << self->address_
                         << " sends back: " << self->responses_.error();
            self->ignoreResponses_ = true;
          }
        }
        self->waitReadable();
      });
}

size_t Peer::skipAccepted(const char* data, size_t size) {
  // A Procession or compactor node answers a stream of messages with a
  // stream of identical 202s: skip those without the parser.
  static constexpr std::string_view kAccepted =
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
  if (responses_.midResponse()) {
    return 0;
  }
  size_t offset = 0;
  while (size - offset >= kAccepted.size() &&
         std::memcmp(data + offset, kAccepted.data(), kAccepted.size()) == 0) {
    offset += kAccepted.size();
  }
  return offset;
}

void Peer::addLink(const UPID& linker, const UPID& linkee) {
  bool broken = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    broken = state_ == State::kBroken;
  }
  if (broken) {
    network_.host().deliverExited(linker, linkee);
    return;
  }
  std::vector<UPID>& linkers = links_[linkee];
  if (std::find(linkers.begin(), linkers.end(), linker) == linkers.end()) {
    linkers.push_back(linker);
  }
}

void Peer::fail(const std::string& reason) {
  uint64_t lost = 0;
  bool close = true;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (state_ == State::kBroken) {
      return;
    }
    state_ = State::kBroken;
    // Messages the socket took are not counted: the peer may have them.
    // While a worker writes, its progress is unknown: all of its batch
    // counts.
    const uint64_t written =
        workerWriting_ ? 0 : written_.load(std::memory_order_relaxed);
    lost = static_cast<uint64_t>(
        std::count_if(ends_.begin(), ends_.end(),
                      [written](uint64_t end) { return end > written; }));
    ends_.clear();
    pendingBytes_ = 0;
    pending_.clear();
    spare_.clear();
    // A worker may be writing on the descriptor: it closes it when done.
    if (workerWriting_) {
      closeWhenWritten_ = true;
      close = false;
    }
  }
  network_.broken(this);
  if (lost > 0) {
    network_.host().countDropped(lost);
  }
  // A peer that closes or resets its end (it exited, or restarts) or our
  // own node stopping is routine when nothing was lost; the links fire
  // either way. Lost messages and a peer out of reach are real problems.
  const bool routine = lost == 0 && (reason == "closed by the peer" ||
                                     reason == "the node is stopping" ||
                                     reason.rfind("read failed", 0) == 0);
  const std::string dropped =
      lost > 0 ? " (" + std::to_string(lost) + " messages dropped)"
               : std::string();
  if (routine) {
    LOG(INFO) << "Connection to " << address_ << " lost: " << reason;
  } else if (net::shouldLog(lostLogs)) {
    LOG(WARNING) << "Connection to " << address_ << " lost: " << reason
                 << dropped;
  }
  if (connectTimer_ != nullptr) {
    connectTimer_->cancel();
  }
  if (close) {
    closeSocket();
  }
  auto links = std::move(links_);
  links_.clear();
  for (const auto& [linkee, linkers] : links) {
    for (const UPID& linker : linkers) {
      network_.host().deliverExited(linker, linkee);
    }
  }
}

void Peer::closeSocket() {
  if (socket_ != nullptr) {
    asio::error_code ignored;
    socket_->close(ignored);
    socket_.reset();
  }
}

void flushBufferedSends() {
  if (buffered.empty()) {
    return;
  }
  // A flush can buffer nothing new, but keep the swap: a peer's flush must
  // not see the list it is in being changed.
  std::vector<std::shared_ptr<Peer>> peers;
  peers.swap(buffered);
  for (const auto& peer : peers) {
    peer->flush();
  }
  peers.clear();
  if (buffered.empty()) {
    buffered.swap(peers);  // keep the capacity
  }
}

}  // namespace transport
}  // namespace process
