#include "net/write_queue.hpp"

#include "net/tls.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>

namespace process::net {
namespace {

constexpr size_t kBlockBytes = size_t{64} * 1024;
constexpr size_t kSpareBlocks = 16;
// Blocks per sendmsg (well under IOV_MAX).
constexpr size_t kGatherBlocks = 64;

}  // namespace

std::string& WriteQueue::tailBlock(size_t sizeHint) {
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

WriteQueue::Appended WriteQueue::write(std::string_view bytes) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (state_ == State::kClosed) {
    return Appended::kClosed;
  }
  while (!bytes.empty()) {
    std::string& block = tailBlock(std::min(bytes.size(), kBlockBytes));
    const size_t piece = std::min(bytes.size(), kBlockBytes - block.size());
    block.append(bytes.substr(0, piece));
    bytes.remove_prefix(piece);
    pendingBytes_ += piece;
    queued_ += piece;
  }
  return state_ == State::kOpen && !writing_ ? Appended::kWritable
                                             : Appended::kQueued;
}

bool WriteQueue::open(int fd, TlsSession* tls) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (state_ == State::kClosed) {
    return false;
  }
  fd_ = fd;
  tls_ = tls;
  state_ = State::kOpen;
  if (pending_.empty() || writing_) {
    return false;
  }
  writing_ = true;
  return true;
}

WriteQueue::Token WriteQueue::take(bool offLoop) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (state_ != State::kOpen) {
    return Token::kShut;
  }
  if (writing_) {
    return Token::kHeld;
  }
  if (pending_.empty()) {
    return Token::kEmpty;
  }
  writing_ = true;
  offLoopWriting_ = offLoop;
  return Token::kTaken;
}

bool WriteQueue::leaveOffLoop() {
  std::lock_guard<std::mutex> guard(mutex_);
  offLoopWriting_ = false;
  return closeWhenWritten_;
}

WriteQueue::Drained WriteQueue::drain() {
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
    ssize_t sent = 0;
    if (tls_ == nullptr) [[likely]] {
      msghdr message{};
      message.msg_iov = parts;
      message.msg_iovlen = count;
      sent = ::sendmsg(fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    } else {
      sent = tls_->write(parts, count);
    }
    if (sent > 0) {
      progressed = true;
      written_.fetch_add(static_cast<uint64_t>(sent),
                         std::memory_order_relaxed);
      if (total_ != nullptr) {
        total_->fetch_add(static_cast<uint64_t>(sent),
                          std::memory_order_relaxed);
      }
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
      progressed_ = progressed;
      return Drained::kBlocked;
    } else {
      error_ = sent < 0 ? errno : EPIPE;
      return Drained::kFailed;
    }
  }
}

bool WriteQueue::close() {
  std::lock_guard<std::mutex> guard(mutex_);
  state_ = State::kClosed;
  // While a writer off the loop is under way, its progress is unknown: all
  // of its batch counts.
  const uint64_t written =
      offLoopWriting_ ? 0 : written_.load(std::memory_order_relaxed);
  lost_ = static_cast<uint64_t>(
      std::count_if(marks_.begin(), marks_.end(),
                    [written](uint64_t end) { return end > written; }));
  marks_.clear();
  pendingBytes_ = 0;
  pending_.clear();
  spare_.clear();
  if (offLoopWriting_) {
    closeWhenWritten_ = true;
    return false;
  }
  return true;
}

size_t WriteQueue::unwrittenBytes() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return static_cast<size_t>(queued_ -
                             written_.load(std::memory_order_relaxed));
}

uint64_t WriteQueue::lostMarks() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return lost_;
}

}  // namespace process::net
