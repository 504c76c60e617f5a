// One TCP connection's bytes, both ways: the read loop, a gathered write
// queue, the connect, and deadlines. Every connection of a context uses it:
// the connections peers open to us, our outbound peers, and the HTTP
// client's. What the bytes mean is the owner's business (src/http,
// src/transport); the owner hears of them through a StreamHandler.
//
//   auto stream = std::make_shared<net::Stream>(loop);
//   stream->setHandler(self);          // a StreamHandler, held weakly
//   stream->connect(endpoint, Seconds(5));
//   stream->write("GET / HTTP/1.1\r\n\r\n");
//
// Reading, connecting, deadlines and close() belong to the loop's thread.
// Writing may come from any thread: bytes are appended to blocks of about
// 64 KiB under a short lock, and one writer at a time (the write token)
// hands as many blocks as it can to one sendmsg(). A worker that sent
// messages in a process's turn writes them itself at the end of the turn
// (no thread hand-off); a write that would block goes on from the loop
// when the socket becomes writable, while others keep appending.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <asio.hpp>

#include <process/address.hpp>
#include <process/duration.hpp>

#include "net/event_loop.hpp"

namespace process::net {

using Deadline = std::chrono::steady_clock::time_point;

// What went wrong on a stream; the stream is closed when the owner hears it.
struct StreamError {
  enum class Cause {
    kConnect,  // the connect failed or timed out (timedOut)
    kRead,     // recv() failed
    kWrite,    // sendmsg() failed
    kStalled,  // a blocked write took no byte within the stall timeout
  };
  Cause cause = Cause::kRead;
  int code = 0;  // errno, or an asio error value for kConnect
  bool timedOut = false;
  std::string message;  // what the system said
};

class StreamHandler {
 public:
  virtual void onConnected() {}
  // Bytes read, valid during the call only.
  virtual void onData(const char* data, size_t size) = 0;
  // The peer closed its sending side; writing may go on.
  virtual void onEndOfFile() = 0;
  virtual void onError(const StreamError& error) = 0;
  // Everything queued is written, after a write had to wait for the socket.
  virtual void onDrained() {}
  // The read deadline passed.
  virtual void onReadDeadline() {}

 protected:
  ~StreamHandler() = default;
};

class Stream : public std::enable_shared_from_this<Stream> {
 public:
  // What append() did.
  enum class Appended {
    kClosed,    // not queued: the stream is closed
    kFull,      // not queued: more than the limit is unwritten
    kQueued,    // queued; a writer under way or the connect will write it
    kWritable,  // queued, and no writer holds the token: flush() writes it
  };

  // A connection peers opened to us.
  Stream(EventLoop& loop, asio::ip::tcp::socket socket);
  // A connection connect() will make.
  explicit Stream(EventLoop& loop);
  ~Stream();

  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // The loop thread, from here to the write side.
  void setHandler(std::weak_ptr<StreamHandler> handler);
  void connect(const asio::ip::tcp::endpoint& endpoint, Duration timeout);
  // Reads until pauseReading(), end of file or close. At most a few reads
  // per readiness, so one busy connection cannot starve the others.
  void startReading();
  void pauseReading() { wantRead_ = false; }
  // Cleared when read; nullopt: none.
  void setReadDeadline(std::optional<Deadline> deadline);
  // A write blocked for this long without the peer taking a byte fails
  // the stream (kStalled). Zero: never.
  void setWriteStallTimeout(Duration timeout);
  // Closes at once; what is queued is lost (counted by lostMarks()). The
  // owner hears nothing more.
  void close();
  bool closed() const { return closed_; }
  // Writes what is queued on this thread; true if nothing is left.
  bool flushOnLoop();
  // "ip:port" of the other end, for log lines.
  const std::string& peerName() const { return peerName_; }
  std::optional<Address> remoteAddress() const;
  std::optional<Address> localAddress() const;

  // The write side: any thread.

  // Appends what `encode(std::string& block)` adds to the tail block.
  // `mark` ends a unit (a message) for lostMarks(). Refused when closed or
  // when `limit` bytes wait for a writer.
  // `pending`, if given, is set to the bytes queued and not yet taken by
  // a writer.
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
  Appended write(std::string_view bytes);
  // Writes now on this thread, unless another writer holds the token; a
  // write that would block goes on from the loop.
  void flush();
  // Queued and not yet taken by the socket.
  size_t unwrittenBytes() const;
  // Marks queued and not written when the stream closed.
  uint64_t lostMarks() const;

 private:
  enum class State { kConnecting, kOpen, kClosed };
  enum class Drained { kDone, kBlocked, kFailed };

  std::string& tailBlock(size_t sizeHint);
  void opened();
  void waitReadable();
  void onReadable();
  // By the holder of the write token.
  Drained drain();
  void afterDrain(Drained drained);
  void waitWritable();
  void fail(const StreamError& error);
  void closeSocket();
  void rearmTimer();
  void onTimer();
  std::shared_ptr<StreamHandler> handler() const { return handler_.lock(); }

  EventLoop& loop_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  std::weak_ptr<StreamHandler> handler_;
  std::string peerName_;

  mutable std::mutex mutex_;
  State state_ = State::kConnecting;
  // Bytes not yet handed to the socket, in blocks of about 64 KiB:
  // appending never moves what is queued, and a write gathers many blocks.
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

  // Held with the write token.
  std::deque<std::string> inflight_;
  size_t inflightOffset_ = 0;  // into inflight_.front()
  std::vector<std::string> used_;
  std::atomic<uint64_t> written_{0};
  int writeError_ = 0;
  bool progressed_ = false;  // the last blocked drain wrote something

  // The loop thread only.
  bool closed_ = false;
  bool wantRead_ = false;
  bool readWaiting_ = false;
  bool writeWaiting_ = false;
  bool connected_ = false;
  std::optional<Deadline> connectDeadline_;
  std::optional<Deadline> readDeadline_;
  std::optional<Deadline> stallDeadline_;
  Duration stallTimeout_ = Duration::zero();
  bool timerArmed_ = false;
  Deadline timerAt_{};
};

}  // namespace process::net
