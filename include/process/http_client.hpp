// The HTTP client: requests to any HTTP/1.1 server — another node's routes,
// a Mesos master, any web service — answered by a Future<Response>.
//
//   Future<Response> r = http::get(pid, "state", "full=1");  // /<id>/state
//   Future<Response> s = http::post(URL("http", ip, 8080, "/api"),
//                                   None(), "{}", "application/json");
//
// One-shot requests (get, post, requestDelete, request) open a connection
// for the request and close it once the response is in (for a streamed
// response: once its body has ended or its reader is closed). Each fails
// after a timeout, kRequestTimeout (60 seconds) unless given, counted in real
// time from the call to the response's head; discarding its future closes
// its connection and leaves the future DISCARDED. To reuse a connection,
// connect() and send() on the Connection: requests are pipelined on one
// socket and their responses come back in order.
//
// A failure says what happened and where: "Connection refused connecting to
// 127.0.0.1:1234", "Connection to 127.0.0.1:1234 reset by peer before the
// response", "Timed out after 60secs waiting for the response from …".
//
// The client runs on the default context's network loop (Context::instance(),
// made on first use), so it may be called from any thread, in a process or
// not, and never blocks the caller. The futures are completed on that loop:
// a callback attached to them must not block (wait for another request's
// future with .then, not with .get()).
//
// Everything here is also declared by <process/http.hpp>, as in libprocess.
//
// Only http is supported (no https); a host name is resolved (IPv4) when
// the request is made. Requests are HTTP/1.1 with a Host header; a body is
// sent with Content-Length (also an empty one for POST and PUT), a
// Request::PIPE body chunked. Response::body holds the de-chunked body; a
// streamed response (streamedResponse = true) is type PIPE and its
// Pipe::Reader receives the body as it arrives, whole or chunked. A
// non-streamed body is bounded by Context::Limits::maxBodyBytes of the
// default context, its head by maxHeaderBytes; the connect by
// connectTimeout.
#pragma once

#include <memory>
#include <string>

#include <process/address.hpp>
#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>

namespace process::http {

// How long a one-shot request waits for its response's head by default.
inline constexpr Duration kRequestTimeout = Seconds(60);

// A connection to an HTTP server: a copyable handle on shared state. The
// connection closes on disconnect(), when the server closes it (or answers
// with Connection: close), or once the last handle is gone and no response
// is still due: a response already asked for still comes.
class Connection {
 public:
  // Sends `request` after those sent before (pipelined). The Host header is
  // the request's URL's host and port, or else the peer's. FAILED if the
  // connection closes before the response, or if it already has. There is
  // no timeout (use Future::after), and a discard request is ignored: a
  // pipelined request cannot be taken back. Closing the reader of a
  // streamed response before its end closes the connection.
  Future<Response> send(const Request& request,
                        bool streamedResponse = false) const;

  // Closes the connection: responses still due fail. READY once closed.
  Future<Nothing> disconnect() const;

  // READY once the connection is closed, by either side.
  Future<Nothing> disconnected() const;

  Connection(const Connection&) = default;
  Connection(Connection&&) noexcept = default;
  // Replaces the handle (futures need assignable values; the addresses are
  // const members).
  Connection& operator=(const Connection& other);
  Connection& operator=(Connection&& other) noexcept;
  ~Connection() = default;

  friend bool operator==(const Connection& left, const Connection& right) {
    return left.data_ == right.data_;
  }

  const Address localAddress;
  const Address peerAddress;

 private:
  struct Data;
  friend struct ConnectionAccess;  // the client's internals

  Connection(std::shared_ptr<Data> data, const Address& localAddress,
             const Address& peerAddress);

  std::shared_ptr<Data> data_;
};

// Opens a connection, within Context::Limits::connectTimeout (for HTTPS,
// the TLS handshake too). Scheme::HTTP_UNIX gives a failed future. With
// HTTPS, `peerHostname` is the server name sent and the name its
// certificate must bear when the settings check it.
Future<Connection> connect(const Address& address);
Future<Connection> connect(const Address& address, Scheme scheme);
Future<Connection> connect(const Address& address, Scheme scheme,
                           const Option<std::string>& peerHostname);
Future<Connection> connect(const URL& url);

// The request that get/post/requestDelete would send: `method` to
// /<upid.id>[/path] at upid's address, or to `url`, with Connection: close
// (keepAlive false), the headers, and the body with its Content-Type.
// enableSSL asks for https, which the client then refuses. Ours: an
// invalid combination (a content type without a body) is not checked here
// but by post().
Request createRequest(const UPID& upid, const std::string& method,
                      bool enableSSL = false,
                      const Option<std::string>& path = None(),
                      const Option<Headers>& headers = None(),
                      const Option<std::string>& body = None(),
                      const Option<std::string>& contentType = None());
Request createRequest(const URL& url, const std::string& method,
                      const Option<Headers>& headers = None(),
                      const Option<std::string>& body = None(),
                      const Option<std::string>& contentType = None());

// One request on a connection of its own (see above). `request.keepAlive`
// is sent as given.
Future<Response> request(const Request& request, bool streamedResponse = false);
Future<Response> request(const Request& request, bool streamedResponse,
                         const Duration& timeout);

// GET url, with Connection: close.
Future<Response> get(const URL& url, const Option<Headers>& headers = None());

// GET /<upid.id>[/path][?query] at upid's address. `path` comes without the
// process id; `query` is "key=value&…" text (FAILED if it does not decode).
Future<Response> get(const UPID& upid, const Option<std::string>& path = None(),
                     const Option<std::string>& query = None(),
                     const Option<Headers>& headers = None(),
                     const Option<std::string>& scheme = None());

// POST with Connection: close. FAILED without sending if a content type is
// given without a body.
Future<Response> post(const URL& url, const Option<Headers>& headers = None(),
                      const Option<std::string>& body = None(),
                      const Option<std::string>& contentType = None());
Future<Response> post(const UPID& upid,
                      const Option<std::string>& path = None(),
                      const Option<Headers>& headers = None(),
                      const Option<std::string>& body = None(),
                      const Option<std::string>& contentType = None(),
                      const Option<std::string>& scheme = None());

// DELETE with Connection: close.
Future<Response> requestDelete(const URL& url,
                               const Option<Headers>& headers = None());
Future<Response> requestDelete(const UPID& upid,
                               const Option<std::string>& path = None(),
                               const Option<Headers>& headers = None(),
                               const Option<std::string>& scheme = None());

// The same requests with a streamed response: its body comes through
// Response::reader as it arrives (type PIPE).
namespace streaming {

Future<Response> get(const URL& url, const Option<Headers>& headers = None());
Future<Response> get(const UPID& upid, const Option<std::string>& path = None(),
                     const Option<std::string>& query = None(),
                     const Option<Headers>& headers = None(),
                     const Option<std::string>& scheme = None());
Future<Response> post(const URL& url, const Option<Headers>& headers = None(),
                      const Option<std::string>& body = None(),
                      const Option<std::string>& contentType = None());
Future<Response> post(const UPID& upid,
                      const Option<std::string>& path = None(),
                      const Option<Headers>& headers = None(),
                      const Option<std::string>& body = None(),
                      const Option<std::string>& contentType = None(),
                      const Option<std::string>& scheme = None());

}  // namespace streaming

}  // namespace process::http
