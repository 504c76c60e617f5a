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
// Deadlines are times on process::Clock: a test that pauses the clock
// moves them by Clock::advance, with no real wait.
// Writing may come from any thread, through the stream's WriteQueue
// (write_queue.hpp). A worker that sent messages in a process's turn
// writes them itself at the end of the turn (no thread hand-off); a write
// that would block goes on from the loop when the socket becomes writable,
// while others keep appending.
// With TLS (tls.hpp; AcceptTls for an accepted stream, secureClient() for
// one that connects), the same paths go through the connection's
// TlsSession, and nothing is written or handed on before the handshake.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <asio.hpp>

#include <process/address.hpp>
#include <process/duration.hpp>
#include <process/time.hpp>
#include <process/timer.hpp>

#include "net/event_loop.hpp"
#include "net/tls.hpp"
#include "net/write_queue.hpp"

namespace process::net {

// A time on process::Clock.
using Deadline = Time;

// Now plus `timeout` on process::Clock.
Deadline deadlineAfter(const Duration& timeout);

// What went wrong on a stream; the stream is closed when the owner hears it.
struct StreamError {
  enum class Cause {
    kConnect,    // the connect failed or timed out (timedOut)
    kRead,       // recv() failed
    kWrite,      // sendmsg() failed
    kStalled,    // a blocked write took no byte within the stall timeout
    kHandshake,  // TLS: the handshake failed, or was not done in time
  };
  Cause cause = Cause::kRead;
  int code = 0;  // errno, or an asio error value for kConnect
  // A connect deadline passed, or the kernel gave up on a silent peer
  // (setPeerTimeout).
  bool timedOut = false;
  std::string message;  // what the system said
};

class StreamHandler {
 public:
  virtual void onConnected() {}
  // Bytes read, valid during the call only.
  virtual void onData(const char* data, size_t size) = 0;
  // The reads of one readiness are done (after one or more onData): the
  // place to answer them all at once.
  virtual void onReadsDone() {}
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

// How an accepted connection is read: TLS, or TLS and plaintext told
// apart by the first byte (downgrade). The handshake must end within
// `timeout` (on process::Clock), or the stream fails with kHandshake.
struct AcceptTls {
  std::shared_ptr<TlsContext> context;
  bool allowPlaintext = false;
  Duration timeout = Seconds(30);
};

class Stream : public std::enable_shared_from_this<Stream> {
 public:
  using Appended = WriteQueue::Appended;

  // A connection peers opened to us; with `tls`, nothing is written or
  // handed to the owner before the handshake is done.
  Stream(EventLoop& loop, asio::ip::tcp::socket socket,
         std::optional<AcceptTls> tls = std::nullopt);
  // A connection connect() will make.
  explicit Stream(EventLoop& loop);
  ~Stream();

  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // The loop thread, from here to the write side.
  void setHandler(std::weak_ptr<StreamHandler> handler);
  void connect(const asio::ip::tcp::endpoint& endpoint, Duration timeout);
  // Before connect(): the connection is TLS, its handshake within the
  // connect timeout; onConnected() once it is done. `hostname`: the name
  // the server's certificate must bear (empty: the peer is known by its
  // address only).
  void secureClient(std::shared_ptr<TlsContext> context, std::string hostname);
  // The connection is TLS (not a plaintext one, or not yet known).
  bool secured() const { return tlsState_ != TlsState::kPlain; }
  // Reads until pauseReading(), end of file or close. At most a few reads
  // per readiness, so one busy connection cannot starve the others.
  void startReading();
  void pauseReading() { wantRead_ = false; }
  // Cleared when it passes; nullopt: none.
  void setReadDeadline(std::optional<Deadline> deadline);
  // A write blocked for this long without the peer taking a byte fails
  // the stream (kStalled). Zero: never.
  void setWriteStallTimeout(Duration timeout);
  // A peer that for `timeout` acknowledges nothing we sent and answers no
  // keepalive probe (a partition, a frozen host) is declared gone by the
  // kernel: a kRead error with timedOut set. TCP keepalive and
  // TCP_USER_TIMEOUT, so it needs nothing of the peer. Zero: never.
  void setPeerTimeout(Duration timeout);
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

  // The write side: any thread (write_queue.hpp).
  template <typename Encode>
  Appended append(size_t sizeHint, size_t limit, bool mark, Encode&& encode,
                  size_t* pending = nullptr) {
    return queue_.append(sizeHint, limit, mark, std::forward<Encode>(encode),
                         pending);
  }
  Appended write(std::string_view bytes);
  // Writes now on this thread, unless another writer holds the token; a
  // write that would block goes on from the loop.
  void flush();
  size_t unwrittenBytes() const { return queue_.unwrittenBytes(); }
  uint64_t lostMarks() const { return queue_.lostMarks(); }
  // Bytes written and read so far (any thread; for /__network__). Counted
  // once per system call.
  uint64_t bytesWritten() const { return queue_.bytesWritten(); }
  uint64_t bytesRead() const {
    return bytesRead_.load(std::memory_order_relaxed);
  }

 private:
  enum class TlsState { kPlain, kSniffing, kHandshaking, kOpen };

  void opened();
  void waitReadable();
  // One wait for the socket's readiness (readWaiting_ while it lasts):
  // then `ready`, or fail() with `cause` if the wait failed.
  void awaitSocket(asio::socket_base::wait_type type, StreamError::Cause cause,
                   void (Stream::*ready)());
  void onReadable();
  // A read's bytes to the handler; false if reading ends here.
  bool deliver(const char* data, size_t got);
  // stream_tls.cpp: the handshake, and reading through TLS.
  void stepHandshake();
  void sniff();
  void waitHandshake(asio::socket_base::wait_type type);
  void handshakeDone();
  void onTlsReadable();
  // Decrypted bytes wait inside OpenSSL, which the socket's readiness
  // would not announce: read them from the loop. False if none wait.
  bool resumeTlsReading();
  void afterDrain(WriteQueue::Drained drained);
  void waitWritable();
  void fail(const StreamError& error);
  void closeSocket();
  void rearmTimer();
  void onTimer(Deadline at);
  void applyPeerTimeout();
  std::shared_ptr<StreamHandler> handler() const { return handler_.lock(); }

  EventLoop& loop_;
  asio::ip::tcp::socket socket_;
  std::weak_ptr<StreamHandler> handler_;
  std::string peerName_;
  WriteQueue queue_;
  // Written by the loop thread only, read by any.
  std::atomic<uint64_t> bytesRead_{0};

  // The loop thread only.
  bool closed_ = false;
  bool wantRead_ = false;
  bool readWaiting_ = false;
  bool writeWaiting_ = false;
  bool connected_ = false;
  std::optional<Deadline> connectDeadline_;
  std::optional<Deadline> handshakeDeadline_;
  Duration handshakeTimeout_ = Duration::zero();
  TlsState tlsState_ = TlsState::kPlain;
  bool handshakeStarted_ = false;
  std::shared_ptr<TlsContext> tlsContext_;
  std::string tlsHostname_;
  // Written to by the write queue's writer too, under its own mutex.
  std::unique_ptr<TlsSession> tls_;
  std::optional<Deadline> readDeadline_;
  std::optional<Deadline> stallDeadline_;
  Duration stallTimeout_ = Duration::zero();
  Duration peerTimeout_ = Duration::zero();
  // The one Clock timer for the earliest deadline; it posts onTimer() to
  // the loop.
  bool timerArmed_ = false;
  Timer timer_;
};

}  // namespace process::net
