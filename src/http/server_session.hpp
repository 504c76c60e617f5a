// What a server's HTTP connection does that is not I/O: requests decoded as
// bytes come in, answers encoded in request order whenever their handlers
// finish, "100 Continue" when a client asks, streamed answers pumped from
// their pipes chunk by chunk, errors answered with their status, and the
// bounds that say when to stop reading. Bytes in, bytes out: the owner does
// the socket, the timers and the choice of what a request means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <process/future.hpp>
#include <process/http.hpp>

#include "http/decoder.hpp"

namespace process::http::internal {

// Requests whose answers are still being made, per connection: past this,
// the session wants no input until some are answered (HTTP pipelining
// stays bounded).
inline constexpr size_t kMaxPendingAnswers = 256;
// Answer bytes not yet written: past this, the session wants no input, so
// a peer that sends without reading cannot make us hold more.
inline constexpr size_t kMaxUnwrittenAnswers = size_t{1024} * 1024;

class ServerSession {
 public:
  // One per request, increasing in request order.
  using Ticket = uint64_t;

  // The owner's side. Called on the owner's loop, as everything here is.
  class Handler {
   public:
    // A request, to be answered now or later with answer(ticket, …). The
    // handler may move from the request.
    virtual void onRequest(DecodedRequest& request, Ticket ticket) = 0;
    // Output appeared, or the session aborted, outside a call from the
    // owner (a streamed answer's piece arrived).
    virtual void onOutput() = 0;

   protected:
    ~Handler() = default;
  };

  // Runs a callback on the owner's loop, from any thread (a pipe read
  // completes where its writer wrote), or drops it once the loop is gone.
  using Post = std::function<void(std::function<void()>)>;

  ServerSession(const HttpLimits& limits, Handler& handler, Post post);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Bytes from the peer: every request they complete goes to onRequest(),
  // in order. False if they are not HTTP or exceed a limit: the answer
  // that says so is queued (error(), errorStatus()), and the session
  // closes after it.
  bool feed(const char* data, size_t size);
  // The peer sent its last byte (it may only have shut its sending side):
  // what it sent is answered, then the session closes.
  void endOfInput();
  // No whole request in time: 408, then the session closes.
  void timedOut();
  // The owner closed the connection: streams stop, answers are dropped.
  void shutdown();

  // The handler's answer to `ticket`: a completed future (a pending one
  // counts as abandoned). Failed, discarded and abandoned answers are
  // 500, 503 and 500; a file (PATH) answer is 501.
  void answer(Ticket ticket, const Future<http::Response>& response);
  // An answer of our own, text/plain when there is a body.
  void answer(Ticket ticket, uint16_t status, std::string_view body = {});

  // The bytes to write, in order; consumed() says how many were written.
  std::string_view output() const;
  void consumed(size_t bytes);
  // All of output(), taken.
  std::string takeOutput();
  bool hasOutput() const { return outputOffset_ < output_.size(); }

  // Reading more is useful: not closing, and within the bounds.
  bool wantsInput() const;
  // Once output() is written, the connection closes.
  bool wantsClose() const;
  // A streamed answer failed: the connection must close now (a chunked
  // answer cut short is told apart from a whole one only so).
  bool aborted() const { return !abortReason_.empty(); }
  const std::string& abortReason() const { return abortReason_; }
  // Some bytes of a request not yet whole have been received.
  bool midRequest() const { return decoder_.midRequest(); }
  uint64_t requestsDecoded() const { return requestsDecoded_; }
  const std::string& error() const { return decoder_.error(); }
  int errorStatus() const { return decoder_.errorStatus(); }

 private:
  struct Slot {
    Ticket ticket = 0;
    bool ready = false;        // its answer is whole
    bool streaming = false;    // its answer is a pipe still being read
    bool close = false;        // the connection closes after it
    bool headOnly = false;     // answers HEAD: no body bytes
    bool plainStream = false;  // an HTTP/1.0 peer: no chunked framing
    bool written = false;      // answered straight into the output
    std::string bytes;         // not yet moved to the output
    Option<http::Pipe::Reader> reader;
  };

  void onDecoded(DecodedRequest& request);
  Slot* find(Ticket ticket);
  // Queues bytes of our own behind the answers still being made.
  void emit(std::string bytes);
  void reject();
  void pump(Ticket ticket, const http::Pipe::Reader& reader);
  void onPiece(Ticket ticket, const http::Pipe::Reader& reader,
               const Future<std::string>& piece);
  void flushSlots();
  void dropSlots();

  RequestDecoder decoder_;
  Handler& handler_;
  Post post_;
  // Posted callbacks hold it weakly: a session gone finds it expired.
  std::shared_ptr<ServerSession*> self_;
  std::string output_;
  size_t outputOffset_ = 0;
  std::deque<Slot> slots_;   // by increasing ticket
  Slot* current_ = nullptr;  // the request being handed to onRequest()
  Ticket nextTicket_ = 0;
  uint64_t requestsDecoded_ = 0;
  bool closing_ = false;
  bool shutDown_ = false;
  std::string abortReason_;
};

}  // namespace process::http::internal
