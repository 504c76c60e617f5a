// The write side of a Stream: bytes appended from any thread into blocks
// of about 64 KiB under a short lock (appending never moves what is
// queued), and one writer at a time (the holder of the write token) handing
// up to 64 blocks to one non-blocking sendmsg(). A unit (a message) can be
// marked as it is appended, so that a queue closed early says how many
// were lost: bytes the socket took are not lost, the peer may have them.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace process::net {

class TlsSession;

class WriteQueue {
 public:
  // What append() did.
  enum class Appended {
    kClosed,    // not queued: the stream is closed
    kFull,      // not queued: more than the limit is unwritten
    kQueued,    // queued; a writer under way or the connect will write it
    kWritable,  // queued, and no writer holds the token: flush() writes it
  };
  // What a writer did with the token.
  enum class Drained { kDone, kBlocked, kFailed };
  // What taking the token found.
  enum class Token { kTaken, kEmpty, kHeld, kShut };

  // Appends what `encode(std::string& block)` adds to the tail block.
  // `mark` ends a unit; refused when closed or when `limit` bytes wait for
  // a writer. `pending`, if given, is set to the bytes waiting.
  template <typename Encode>
  Appended append(size_t sizeHint, size_t limit, bool mark, Encode&& encode,
                  size_t* pending = nullptr) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (state_ == State::kClosed) {
      return Appended::kClosed;
    }
    if (pendingBytes_ >= limit) {
      return Appended::kFull;
    }
    std::string& block = tailBlock(sizeHint);
    const size_t before = block.size();
    encode(block);
    const size_t added = block.size() - before;
    pendingBytes_ += added;
    queued_ += added;
    if (mark) {
      marks_.push_back(queued_);
    }
    if (pending != nullptr) {
      *pending = pendingBytes_;
    }
    return state_ == State::kOpen && !writing_ ? Appended::kWritable
                                               : Appended::kQueued;
  }

  // Appends `bytes`, over as many blocks as they fill: a block stays
  // 64 KiB and is reused (one a little larger, made for each batch of
  // answers, cost a page fault and a trim of the heap per batch).
  Appended write(std::string_view bytes);
  // Also adds what is written to `total` (the loop's count), if set before
  // anything is written.
  void countWrittenIn(std::atomic<uint64_t>* total) { total_ = total; }

  // Writing may begin, on `fd`, or through `tls` (tls.hpp) if given; true
  // if bytes wait and the caller now holds the token (the connect's own
  // write).
  bool open(int fd, TlsSession* tls = nullptr);
  // The token, if bytes wait and no one holds it. A writer off the loop's
  // thread says so: the descriptor must outlive its write.
  Token take(bool offLoop);
  // With the token: writes until done, blocked or failed; kDone gives the
  // token back, the others leave it with the caller (the loop goes on).
  Drained drain();
  // The last blocked drain wrote something (the stall clock restarts).
  bool progressed() const { return progressed_; }
  int error() const { return error_; }
  // A writer off the loop is done; true if the queue was closed meanwhile,
  // and the descriptor is the caller's to close.
  bool leaveOffLoop();
  // Nothing more is queued or written. False if a writer off the loop is
  // on the descriptor: leaveOffLoop() tells it to close it.
  bool close();

  // Queued and not yet taken by the socket.
  size_t unwrittenBytes() const;
  // Marked units queued and not written when the queue closed.
  uint64_t lostMarks() const;
  // Bytes the socket took, in all (any thread; for /__network__).
  uint64_t bytesWritten() const {
    return written_.load(std::memory_order_relaxed);
  }

 private:
  enum class State { kConnecting, kOpen, kClosed };

  std::string& tailBlock(size_t sizeHint);

  mutable std::mutex mutex_;
  State state_ = State::kConnecting;
  std::deque<std::string> pending_;
  size_t pendingBytes_ = 0;
  std::deque<uint64_t> marks_;  // where each unit ends, in bytes ever queued
  uint64_t queued_ = 0;
  uint64_t lost_ = 0;
  std::vector<std::string> spare_;  // emptied blocks, for reuse
  bool writing_ = false;            // the write token
  bool offLoopWriting_ = false;     // a writer off the loop: keep the fd
  bool closeWhenWritten_ = false;
  int fd_ = -1;
  TlsSession* tls_ = nullptr;  // set at open(), before any writer

  // Held with the write token.
  std::deque<std::string> inflight_;
  size_t inflightOffset_ = 0;  // into inflight_.front()
  std::vector<std::string> used_;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t>* total_ = nullptr;
  int error_ = 0;
  bool progressed_ = false;
};

}  // namespace process::net
