// One HTTP client connection (include/process/http_client.hpp): a
// net::Stream to one server, on the caller's context's event loop. Its
// state belongs to the loop; the threads that send on it hand requests over
// through a small inbox under a mutex, which keeps them in the order they
// were sent. Requests are written as soon as they are handed over
// (pipelined); each waits in `pending_`, in order, for its response, which
// the ResponseStreamDecoder hands out head, body pieces, end.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <asio.hpp>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/timer.hpp>

#include "http/stream_decoder.hpp"
#include "net/stream.hpp"

namespace process::http::internal {

// Where a connection goes: an address, or a name to resolve first.
struct Target {
  Option<net::IP> ip;
  std::string host;  // the name, or the ip's text
  uint16_t port = 80;
  // https: TLS with the context's settings (Context::Tls), the server's
  // certificate checked for `host` if it is a name.
  bool tls = false;
};

class ClientConnection final
    : public std::enable_shared_from_this<ClientConnection>,
      private net::StreamHandler,
      private ResponseStreamDecoder::Handler {
 public:
  ClientConnection(net::EventLoop& loop, Target target);
  ~ClientConnection();

  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Any thread.

  // Resolves and connects, on the loop.
  void start();
  Future<Nothing> connected() const { return connected_.future(); }
  Future<Nothing> disconnected() const { return disconnected_.future(); }
  // After connected() is READY.
  const Address& local() const { return local_; }
  const Address& peer() const { return peer_; }
  Future<http::Response> send(const http::Request& request, bool streamed,
                              const Option<Duration>& timeout);
  // Closes the connection; the responses still due fail with `why`.
  void closeFor(std::string why);
  void disconnect();
  // No handle is left: close once no response is due.
  void release();
  const std::string& where() const { return where_; }

 private:
  struct Pending {
    Promise<http::Response> promise;
    std::string method;
    bool streamed = false;
    Option<Duration> timeout;
    bool answered = false;  // the promise is completed
    bool keepAlive = true;  // what the response's head says
    http::Response response;
    Option<http::Pipe::Writer> writer;
    Option<Timer> timer;  // on process::Clock
  };

  struct Queued {
    std::shared_ptr<Pending> pending;
    std::string bytes;
    Option<http::Pipe::Reader> reader;
  };

  // The loop thread, from here on.
  void begin();
  void connectTo(net::IP ip);
  void run();  // takes over what the senders queued
  void startTimer(const std::shared_ptr<Pending>& pending);
  void pumpBody();
  void onBodyPiece(const Future<std::string>& piece);
  void onDecodeFailed();
  std::string failure(const net::StreamError& error) const;
  void answer(Pending& pending, http::Response&& response);
  void maybeCloseIdle();
  void close(const std::string& why);

  // net::StreamHandler.
  void onConnected() override;
  void onData(const char* data, size_t size) override;
  void onEndOfFile() override;
  void onError(const net::StreamError& error) override;
  void onDrained() override { pumpBody(); }

  // ResponseStreamDecoder::Handler.
  bool onHead(DecodedResponse& head) override;
  bool onBody(std::string_view piece) override;
  bool onComplete() override;

  net::EventLoop& loop_;
  const Target target_;
  const std::string where_;  // "host:port", for messages
  Promise<Nothing> connected_;
  Promise<Nothing> disconnected_;
  // Written on the loop before connected_ is set.
  Address local_;
  Address peer_;

  std::mutex mutex_;
  std::vector<Queued> inbox_;
  bool open_ = true;  // sends accepted
  bool scheduled_ = false;

  // The loop thread only.
  const std::shared_ptr<net::Stream> stream_;
  // The stream holds us weakly: while it is open, we hold ourselves.
  std::shared_ptr<ClientConnection> self_;
  std::unique_ptr<asio::ip::tcp::resolver> resolver_;
  ResponseStreamDecoder decoder_;
  std::deque<std::shared_ptr<Pending>> pending_;  // awaiting their response
  // Request bodies still to read from their pipes, in order; what comes
  // after one waits behind it.
  struct Outgoing {
    std::string bytes;
    Option<http::Pipe::Reader> reader;
  };
  std::deque<Outgoing> outgoing_;
  bool readingBody_ = false;
  bool connectedOnLoop_ = false;
  bool released_ = false;
  bool closed_ = false;
  std::string closeReason_;
};

}  // namespace process::http::internal
