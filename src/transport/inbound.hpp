// A connection a peer opened to us: requests decoded in order, messages
// handed to their processes, answers written back in request order, and
// every limit of Context::Limits enforced.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <asio.hpp>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/pid.hpp>

#include "http/decoder.hpp"
#include "transport/message_codec.hpp"

namespace process::transport {

class Network;

// Requests whose answers are still being made, per connection: past this,
// reading stops until some are answered (HTTP pipelining stays bounded).
inline constexpr size_t kMaxPendingAnswers = 256;

class InboundConnection
    : public std::enable_shared_from_this<InboundConnection> {
 public:
  InboundConnection(Network& network, asio::ip::tcp::socket socket);

  // Event loop thread, as is everything here.
  void start();
  void close(const std::string& why);
  void write();
  Network& network() { return network_; }
  // The answer to request `seq` is whole (or its stream begins); written
  // now, or by the caller's write() after more.
  void complete(uint64_t seq, const Future<http::Response>& response,
                bool writeNow);

 private:
  void waitReadable();
  void onReadable();
  void handle(DecodedRequest& request);
  void handleMessage(DecodedRequest& request);
  void answer(int status, const std::string& body = std::string());
  // Queues answer bytes behind any answer still being made.
  void emit(std::string bytes);

  // HTTP requests for routes (inbound_http.cpp): each takes a slot in the
  // order of requests; answers leave in that order, whenever their
  // handlers finish.
  void handleRoute(DecodedRequest& request);
  void pump(uint64_t seq, const http::Pipe::Reader& reader);
  void onChunk(uint64_t seq, const http::Pipe::Reader& reader,
               const Future<std::string>& chunk);
  void flushSlots();
  void reject();
  void waitWritable();

  // The request timeout bounds the peer, never our handlers: a request
  // must arrive whole, and answers ready to go must be taken (each byte
  // the peer takes restarts that clock), within Limits::requestTimeout.
  using Deadline = std::chrono::steady_clock::time_point;
  void setReadDeadline();
  void rearmTimer();
  void onTimer();

  Network& network_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer requestTimer_;
  RequestDecoder decoder_;
  std::string peer_;  // "ip:port", for log lines
  int fd_;

  std::string out_;  // answers not yet written
  size_t outOffset_ = 0;
  bool writing_ = false;
  bool reading_ = false;
  bool closeAfterWrite_ = false;
  bool closed_ = false;
  bool timerArmed_ = false;
  Deadline timerAt_{};
  std::optional<Deadline> readDeadline_;
  std::optional<Deadline> writeDeadline_;
  uint64_t requestsRead_ = 0;
  uint64_t deadlineRequest_ = 0;  // requestsRead_ when readDeadline_ was set

  SenderCache senders_;

  struct Slot {
    uint64_t seq = 0;
    bool ready = false;        // its answer is whole
    bool streaming = false;    // its answer is a pipe still being read
    bool close = false;        // the connection closes after it
    bool headOnly = false;     // answers HEAD: no body bytes
    bool plainStream = false;  // an HTTP/1.0 peer: no chunked framing
    std::string bytes;         // not yet moved to out_
  };
  std::deque<Slot> slots_;
  uint64_t nextSeq_ = 0;
  Slot* slot(uint64_t seq);
};

// Hands the answers completed during this thread's process turn to their
// loops.
void flushAnswers();

}  // namespace process::transport
