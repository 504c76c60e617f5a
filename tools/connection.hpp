// One client connection to a libprocess node, for the procession tool:
// connect within a deadline, then exchange one request for one response at
// a time (the node answers each message with an HTTP status). POSIX
// sockets and poll(): the tool does one thing at a time, so it needs no
// event loop.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <process/address.hpp>
#include <process/pid.hpp>
#include <process/try.hpp>

#include "http/decoder.hpp"

namespace procession_cli {

using Clock = std::chrono::steady_clock;

// Parses "id@ip:port" with UPID::parse; when the host is not a dotted quad,
// it is resolved as a host name (IPv4), as libprocess does. The Error reads
// "'text' is not a UPID (id@ip:port): why".
process::Try<process::UPID> parseUpid(const std::string& text);

// The IPv4 address of a host name; the Error reads "cannot resolve host
// 'x': why".
process::Try<process::net::IP> resolveHost(const std::string& host);

class Connection {
 public:
  // Connects to `peer` within `timeout`. The Error is one line: "cannot
  // connect to 127.0.0.1:1: Connection refused".
  static process::Try<std::unique_ptr<Connection>> open(
      const process::Address& peer, Clock::duration timeout);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Our end of the connection: the address the peer sees us at.
  process::Address local() const { return local_; }

  // Whether something (the peer's close, or bytes nobody asked for) came
  // while no request was out: the connection is not worth reusing.
  bool stirredWhileIdle() const;

  // Writes `request` and returns the next response, within `timeout`. An
  // Error (timeout, closed, not HTTP) leaves the connection unusable.
  process::Try<process::http::internal::DecodedResponse> exchange(
      const std::string& request, Clock::duration timeout);

 private:
  Connection(int fd, process::Address peer, process::Address local);

  // Waits for `events` on the socket until `deadline`; false on timeout.
  bool await(short events, Clock::time_point deadline) const;

  int fd_;
  process::Address peer_;
  process::Address local_;
  process::http::internal::ResponseDecoder decoder_;
  std::deque<process::http::internal::DecodedResponse> responses_;
};

}  // namespace procession_cli
