// The HTTP client (include/process/http_client.hpp). A ClientConnection is
// one socket to one server, driven on the default context's Asio loop: its
// state belongs to the loop, and the threads that send on it hand requests
// over through a small inbox under a mutex, which keeps them in the order
// they were sent. Requests are written as soon as they are handed over
// (pipelined); each waits in `pending_`, in order, for its response.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <glog/logging.h>
#include <asio.hpp>

#include <process/context.hpp>
#include <process/http_client.hpp>

#include "http/stream_decoder.hpp"
#include "net/event_loop.hpp"
#include "runtime/transport.hpp"

namespace process {
namespace http::internal {
namespace {

// Reads per turn of the loop, so that a server streaming without pause
// cannot keep the loop from everything else.
constexpr int kReadsPerTurn = 4;
// Buffers per gathered write.
constexpr size_t kGather = 64;

template <typename T>
std::string text(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// RFC 9110 token characters: methods and header names.
bool isToken(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9');
    if (!alnum &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool isFieldValue(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) ==
         std::string_view::npos;
}

std::string chunk(const std::string& data) {
  std::ostringstream out;
  out << std::hex << data.size() << "\r\n";
  std::string encoded = out.str();
  encoded += data;
  encoded += "\r\n";
  return encoded;
}

}  // namespace

// Where a connection goes: an address, or a name to resolve first.
struct Target {
  Option<net::IP> ip;
  std::string host;  // the name, or the ip's text
  uint16_t port = 80;
};

class ClientConnection final
    : public std::enable_shared_from_this<ClientConnection>,
      private ResponseStreamDecoder::Handler {
 public:
  ClientConnection(net::EventLoop& loop, Target target)
      : loop_(loop),
        target_(std::move(target)),
        where_(target_.host + ":" + std::to_string(target_.port)),
        socket_(loop.io()),
        connectTimer_(loop.io()),
        decoder_(httpLimitsOf(loop.limits())) {}

  ~ClientConnection() = default;

  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Any thread.

  // Resolves and connects, on the loop.
  void start() {
    asio::post(loop_.io(), [self = shared_from_this()] { self->begin(); });
  }

  Future<Nothing> connected() const { return connected_.future(); }
  Future<Nothing> disconnected() const { return disconnected_.future(); }

  // After connected() is READY.
  const Address& local() const { return local_; }
  const Address& peer() const { return peer_; }

  Future<http::Response> send(const http::Request& request, bool streamed,
                              const Option<Duration>& timeout) {
    if (request.type == http::Request::PIPE && request.reader.isNone()) {
      return Failure("A request of type PIPE needs a reader");
    }
    Try<std::string> head = encodeHead(request);
    if (head.isError()) {
      return Failure(head.error());
    }
    auto pending = std::make_shared<Pending>();
    pending->method = request.method;
    pending->streamed = streamed;
    pending->timeout = timeout;
    Future<http::Response> future = pending->promise.future();
    Queued queued{.pending = std::move(pending),
                  .bytes = std::move(head.get())};
    if (request.type == http::Request::PIPE) {
      queued.reader = request.reader;
    } else {
      queued.bytes += request.body;
    }
    bool post = false;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (!open_) {
        return Failure("The connection to " + where_ + " is closed");
      }
      inbox_.push_back(std::move(queued));
      post = !scheduled_;
      scheduled_ = true;
    }
    if (post) {
      asio::post(loop_.io(), [self = shared_from_this()] { self->run(); });
    }
    return future;
  }

  // Closes the connection; the responses still due fail with `why`.
  void closeFor(std::string why) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      open_ = false;
    }
    asio::post(loop_.io(), [self = shared_from_this(),
                               why = std::move(why)] { self->close(why); });
  }

  void disconnect() {
    closeFor("Disconnected from " + where_ + " before the response");
  }

  // No handle is left: close once no response is due.
  void release() {
    asio::post(loop_.io(), [self = shared_from_this()] {
      self->run();
      self->released_ = true;
      self->maybeCloseIdle();
    });
  }

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
    std::unique_ptr<asio::steady_timer> timer;
  };

  struct Queued {
    std::shared_ptr<Pending> pending;
    std::string bytes;
    Option<http::Pipe::Reader> reader;
  };

  // What is left to write: bytes, or a request body still to read from its
  // pipe.
  struct Outgoing {
    std::string bytes;
    Option<http::Pipe::Reader> reader;
  };

  Try<std::string> encodeHead(const http::Request& request) const {
    if (!isToken(request.method)) {
      return Error("Invalid request method '" + request.method + "'");
    }
    std::string out;
    out.reserve(256);
    out += request.method;
    out += ' ';
    out += request.url.target();
    out += " HTTP/1.1\r\n";
    if (!request.headers.contains("Host")) {
      out += "Host: ";
      if (request.url.domain.isSome()) {
        out += request.url.domain.get();
      } else if (request.url.ip.isSome()) {
        out += text(request.url.ip.get());
      } else {
        out += target_.host;
      }
      const bool ownHost =
          request.url.domain.isSome() || request.url.ip.isSome();
      out += ':';
      out += std::to_string(ownHost ? request.url.port.getOrElse(80)
                                    : target_.port);
      out += "\r\n";
    }
    for (const auto& [name, value] : request.headers) {
      if (!isToken(name) || !isFieldValue(value)) {
        return Error("Invalid request header '" + name + "'");
      }
      // The framing is ours to state.
      if (equalsIgnoreCase(name, "Content-Length") ||
          equalsIgnoreCase(name, "Transfer-Encoding")) {
        continue;
      }
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
    if (!request.keepAlive && !request.headers.contains("Connection")) {
      out += "Connection: close\r\n";
    }
    if (request.type == http::Request::PIPE) {
      out += "Transfer-Encoding: chunked\r\n";
    } else if (!request.body.empty() || request.method == "POST" ||
               request.method == "PUT") {
      out += "Content-Length: ";
      out += std::to_string(request.body.size());
      out += "\r\n";
    }
    out += "\r\n";
    return out;
  }

  // The loop thread, from here on.

  void begin() {
    if (closed_) {
      return;
    }
    if (target_.ip.isSome()) {
      connectTo(target_.ip.get());
      return;
    }
    resolver_ = std::make_unique<asio::ip::tcp::resolver>(loop_.io());
    resolver_->async_resolve(
        asio::ip::tcp::v4(), target_.host, std::to_string(target_.port),
        [self = shared_from_this()](
            const asio::error_code& ec,
            const asio::ip::tcp::resolver::results_type& results) {
          if (self->closed_) {
            return;
          }
          if (ec) {
            self->close("Failed to resolve '" + self->target_.host +
                        "': " + ec.message());
            return;
          }
          for (const auto& entry : results) {
            const asio::ip::address address = entry.endpoint().address();
            if (address.is_v4()) {
              self->connectTo(net::IP(address.to_v4().to_uint()));
              return;
            }
          }
          self->close("Failed to resolve '" + self->target_.host +
                      "': no IPv4 address");
        });
  }

  void connectTo(net::IP ip) {
    peer_ = Address(ip, target_.port);
    asio::error_code opened;
    socket_.open(asio::ip::tcp::v4(), opened);
    if (opened) {
      close("Failed to open a socket to connect to " + where_ + ": " +
            opened.message());
      return;
    }
    net::keepFromChildren(socket_.native_handle());
    const Duration timeout = loop_.limits().connectTimeout;
    connectTimer_.expires_after(timeout.chrono());
    connectTimer_.async_wait(
        [self = shared_from_this(), timeout](const asio::error_code& ec) {
          if (!ec && !self->closed_ && !self->connectedOnLoop_) {
            self->close("Timed out after " + stringify(timeout) +
                        " connecting to " + self->where_);
          }
        });
    socket_.async_connect(
        asio::ip::tcp::endpoint(asio::ip::address_v4(ip.value()), target_.port),
        [self = shared_from_this()](const asio::error_code& ec) {
          if (self->closed_) {
            return;
          }
          if (ec == asio::error::connection_refused) {
            self->close("Connection refused connecting to " + self->where_);
          } else if (ec) {
            self->close("Failed to connect to " + self->where_ + ": " +
                        ec.message());
          } else {
            self->onConnected();
          }
        });
  }

  void onConnected() {
    connectTimer_.cancel();
    asio::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    const asio::ip::tcp::endpoint local = socket_.local_endpoint(ignored);
    if (local.address().is_v4()) {
      local_ =
          Address(net::IP(local.address().to_v4().to_uint()), local.port());
    }
    connectedOnLoop_ = true;
    readSome();
    pump();
    connected_.set(Nothing());
  }

  // Takes over what the senders queued.
  void run() {
    std::vector<Queued> queued;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      queued.swap(inbox_);
      scheduled_ = false;
    }
    for (Queued& item : queued) {
      const std::shared_ptr<Pending>& pending = item.pending;
      if (closed_) {  // not reached: close() empties the inbox
        pending->promise.fail(closeReason_);
        continue;
      }
      decoder_.expect(pending->method);
      startTimer(pending);
      pending_.push_back(pending);
      outgoing_.push_back(Outgoing{.bytes = std::move(item.bytes)});
      if (item.reader.isSome()) {
        outgoing_.push_back(Outgoing{.reader = item.reader});
      }
    }
    pump();
  }

  void startTimer(const std::shared_ptr<Pending>& pending) {
    if (pending->timeout.isNone() ||
        pending->timeout.get() >= Duration::max() / 2) {
      return;
    }
    const Duration timeout = pending->timeout.get();
    pending->timer = std::make_unique<asio::steady_timer>(loop_.io());
    pending->timer->expires_after(timeout.chrono());
    pending->timer->async_wait([self = shared_from_this(),
                                weak = std::weak_ptr<Pending>(pending),
                                timeout](const asio::error_code& ec) {
      if (ec || self->closed_) {
        return;
      }
      std::shared_ptr<Pending> pending = weak.lock();
      if (pending != nullptr && !pending->answered) {
        self->close("Timed out after " + stringify(timeout) +
                    " waiting for the response from " + self->where_);
      }
    });
  }

  // Writes what is queued, one gathered write at a time; a request body
  // that comes from a pipe is read and written chunk by chunk.
  void pump() {
    if (!connectedOnLoop_ || closed_ || writing_) {
      return;
    }
    while (!outgoing_.empty() && outgoing_.front().reader.isNone() &&
           inflight_.size() < kGather) {
      if (!outgoing_.front().bytes.empty()) {
        inflight_.push_back(std::move(outgoing_.front().bytes));
      }
      outgoing_.pop_front();
    }
    if (!inflight_.empty()) {
      writing_ = true;
      std::vector<asio::const_buffer> buffers;
      buffers.reserve(inflight_.size());
      for (const std::string& bytes : inflight_) {
        buffers.emplace_back(asio::buffer(bytes));
      }
      asio::async_write(
          socket_, buffers,
          [self = shared_from_this()](const asio::error_code& ec, size_t) {
            self->writing_ = false;
            self->inflight_.clear();
            if (self->closed_) {
              return;
            }
            if (ec) {
              self->close(self->failure(ec.value(), "write to"));
              return;
            }
            self->pump();
          });
      return;
    }
    if (!outgoing_.empty()) {
      writing_ = true;
      outgoing_.front().reader->read().onAny(
          [self = shared_from_this()](const Future<std::string>& piece) {
            asio::post(self->loop_.io(),
                       [self, piece] { self->onPipeRead(piece); });
          });
    }
  }

  void onPipeRead(const Future<std::string>& piece) {
    writing_ = false;
    if (closed_) {
      return;
    }
    if (!piece.isReady()) {
      close("Failed to read the body of a request to " + where_ + ": " +
            (piece.isFailed() ? piece.failure() : "discarded"));
      return;
    }
    if (piece->empty()) {
      outgoing_.front() = Outgoing{.bytes = "0\r\n\r\n"};
    } else {
      outgoing_.push_front(Outgoing{.bytes = chunk(piece.get())});
    }
    pump();
  }

  void readSome() {
    socket_.async_wait(
        asio::socket_base::wait_read,
        [self = shared_from_this()](const asio::error_code& ec) {
          if (self->closed_) {
            return;
          }
          if (ec) {
            if (ec != asio::error::operation_aborted) {
              self->close(self->failure(ec.value(), "read from"));
            }
            return;
          }
          std::vector<char>& buffer = self->loop_.readBuffer();
          for (int turn = 0; turn < kReadsPerTurn; ++turn) {
            const ssize_t got =
                ::recv(self->socket_.native_handle(), buffer.data(),
                       buffer.size(), MSG_DONTWAIT);
            if (got == 0) {
              self->onEndOfFile();
              return;
            }
            if (got < 0) {
              if (errno == EINTR) {
                continue;
              }
              if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
              }
              self->close(self->failure(errno, "read from"));
              return;
            }
            if (!self->decoder_.feed(buffer.data(), static_cast<size_t>(got),
                                     *self)) {
              self->decodeFailed();
              return;
            }
            if (self->closed_) {
              return;
            }
          }
          self->readSome();
        });
  }

  void onEndOfFile() {
    if (!decoder_.finish(*this)) {
      if (!closed_) {
        close("Connection to " + where_ +
              " closed by peer before the end of the response");
      }
      return;
    }
    close("Connection to " + where_ + " closed by peer before the response");
  }

  void decodeFailed() {
    if (!closed_) {
      close("Failed to decode the response from " + where_ + ": " +
            decoder_.error());
    }
  }

  std::string failure(int error, const std::string& action) const {
    if (error == ECONNRESET || error == EPIPE) {
      return "Connection to " + where_ + " reset by peer before the response";
    }
    return "Failed to " + action + " " + where_ + ": " + std::strerror(error);
  }

  // The decoder's handler.

  bool onHead(DecodedResponse& head) override {
    if (pending_.empty()) {
      close("Unexpected response from " + where_ +
            ": no request is waiting for one");
      return false;
    }
    Pending& pending = *pending_.front();
    http::Response response(static_cast<uint16_t>(head.status));
    response.type = http::Response::BODY;
    for (Header& header : head.headers) {
      auto [entry, inserted] =
          response.headers.emplace(std::move(header.name), header.value);
      if (!inserted) {
        entry->second += ", ";
        entry->second += header.value;
      }
    }
    pending.keepAlive = head.keepAlive;
    if (!pending.streamed) {
      pending.response = std::move(response);
      return true;
    }
    http::Pipe pipe;
    response.type = http::Response::PIPE;
    response.reader = pipe.reader();
    pending.writer = pipe.writer();
    // A reader that stops reading ends the connection: the rest of the
    // body (perhaps endless) has nowhere to go.
    pending.writer->readerClosed().onAny([weakSelf = weak_from_this(),
                                          weakPending = std::weak_ptr<Pending>(
                                              pending_.front())] {
      if (auto self = weakSelf.lock()) {
        asio::post(self->loop_.io(), [self, weakPending] {
          std::shared_ptr<Pending> pending = weakPending.lock();
          if (pending != nullptr && !self->closed_ && !self->pending_.empty() &&
              self->pending_.front() == pending) {
            self->close("Connection to " + self->where_ +
                        " closed: the reader of a streamed response "
                        "stopped before its end");
          }
        });
      }
    });
    answer(pending, std::move(response));
    return !closed_;
  }

  bool onBody(std::string_view piece) override {
    // The decoder hands out body bytes only between a head and its end;
    // this guards the invariant rather than trusting it with a crash.
    if (pending_.empty() ||
        (pending_.front()->streamed && pending_.front()->writer.isNone())) {
      close("Unexpected body bytes from " + where_);
      return false;
    }
    Pending& pending = *pending_.front();
    if (pending.streamed) {
      // False once the reader has closed, which closes the connection.
      pending.writer->write(std::string(piece));
      return true;
    }
    std::string& body = pending.response.body;
    const size_t limit = loop_.limits().maxBodyBytes;
    if (piece.size() > limit - body.size()) {
      close("The response from " + where_ + " has a body over " +
            std::to_string(limit) + " bytes");
      return false;
    }
    body.append(piece);
    return true;
  }

  bool onComplete() override {
    std::shared_ptr<Pending> pending = std::move(pending_.front());
    pending_.pop_front();
    if (pending->streamed) {
      pending->writer->close();
    } else {
      answer(*pending, std::move(pending->response));
    }
    if (closed_) {
      return false;
    }
    if (!pending->keepAlive) {
      // The server closes the connection after this response.
      close("Connection to " + where_ + " closed by peer before the response");
      return false;
    }
    maybeCloseIdle();
    return !closed_;
  }

  void answer(Pending& pending, http::Response&& response) {
    pending.answered = true;
    if (pending.timer != nullptr) {
      pending.timer->cancel();
    }
    pending.promise.set(std::move(response));
  }

  void maybeCloseIdle() {
    if (released_ && !closed_ && pending_.empty()) {
      close("Disconnected from " + where_);
    }
  }

  void close(const std::string& why) {
    if (closed_) {
      return;
    }
    closed_ = true;
    closeReason_ = why;
    std::vector<Queued> queued;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      open_ = false;
      queued.swap(inbox_);
    }
    asio::error_code ignored;
    socket_.close(ignored);
    connectTimer_.cancel();
    if (resolver_ != nullptr) {
      resolver_->cancel();
    }
    std::deque<std::shared_ptr<Pending>> pending;
    pending.swap(pending_);
    for (Queued& item : queued) {
      pending.push_back(std::move(item.pending));
      if (item.reader.isSome()) {
        item.reader->close();
      }
    }
    std::deque<Outgoing> outgoing;
    outgoing.swap(outgoing_);
    for (Outgoing& item : outgoing) {
      if (item.reader.isSome()) {
        item.reader->close();
      }
    }
    // No log line here: connections often close as the program exits, when
    // glog is being torn down (a data race under ThreadSanitizer); `why`
    // reaches the callers through their failed futures.
    for (const std::shared_ptr<Pending>& item : pending) {
      if (item->timer != nullptr) {
        item->timer->cancel();
      }
      if (item->answered) {
        if (item->writer.isSome()) {
          item->writer->fail(why);
        }
      } else if (item->promise.future().hasDiscard()) {
        item->promise.discard();
      } else {
        item->promise.fail(why);
      }
    }
    if (connected_.future().hasDiscard()) {
      connected_.discard();
    } else {
      connected_.fail(why);
    }
    disconnected_.set(Nothing());
  }

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
  asio::ip::tcp::socket socket_;
  asio::steady_timer connectTimer_;
  std::unique_ptr<asio::ip::tcp::resolver> resolver_;
  ResponseStreamDecoder decoder_;
  std::deque<std::shared_ptr<Pending>> pending_;  // awaiting their response
  std::deque<Outgoing> outgoing_;
  std::vector<std::string> inflight_;  // being written
  bool writing_ = false;
  bool connectedOnLoop_ = false;
  bool released_ = false;
  bool closed_ = false;
  std::string closeReason_;
};

namespace {

// The loop of the caller's context: a request from a process goes out
// from its own node.
net::EventLoop& callerLoop() {
  return detail::callerTransport().loop();
}

Try<Target> targetOf(const http::URL& url) {
  if (url.scheme.isNone()) {
    return Error("The URL " + stringify(url) +
                 " has no scheme: only http is supported");
  }
  if (!equalsIgnoreCase(url.scheme.get(), "http")) {
    return Error("Unsupported URL scheme '" + url.scheme.get() +
                 "': only http is supported");
  }
  const uint16_t port = url.port.getOrElse(80);
  if (url.ip.isSome()) {
    return Target{.ip = url.ip, .host = text(url.ip.get()), .port = port};
  }
  if (url.domain.isSome() && !url.domain->empty()) {
    Try<net::IP> ip = net::IP::parse(url.domain.get());
    return Target{.ip = ip.isSome() ? Option<net::IP>(ip.get()) : None(),
                  .host = url.domain.get(),
                  .port = port};
  }
  return Error("The URL " + stringify(url) + " names no host");
}

Future<http::Response> oneShot(const Target& target,
                               const http::Request& request, bool streamed,
                               const Duration& timeout) {
  auto connection =
      std::make_shared<ClientConnection>(callerLoop(), target);
  Future<http::Response> response =
      connection->send(request, streamed, timeout);
  if (!response.isPending()) {
    return response;  // refused before anything was sent
  }
  connection->start();
  connection->release();
  response.onDiscard([weak = std::weak_ptr<ClientConnection>(connection)] {
    if (auto connection = weak.lock()) {
      connection->closeFor("Discarded the request to " + connection->where());
    }
  });
  return response;
}

}  // namespace
}  // namespace http::internal

namespace http {

struct Connection::Data {
  explicit Data(std::shared_ptr<internal::ClientConnection> connection)
      : connection(std::move(connection)) {}
  ~Data() { connection->release(); }
  Data(const Data&) = delete;
  Data& operator=(const Data&) = delete;

  std::shared_ptr<internal::ClientConnection> connection;
};

struct ConnectionAccess {
  static Future<Connection> connect(const internal::Target& target) {
    auto connection = std::make_shared<internal::ClientConnection>(
        internal::callerLoop(), target);
    connection->start();
    Future<Nothing> connected = connection->connected();
    connected.onDiscard([weak = std::weak_ptr<internal::ClientConnection>(
                             connection)] {
      if (auto connection = weak.lock()) {
        connection->closeFor("Discarded the connect to " + connection->where());
      }
    });
    return connected.then([connection](const Nothing&) {
      return Connection(std::make_shared<Connection::Data>(connection),
                        connection->local(), connection->peer());
    });
  }
};

Connection::Connection(std::shared_ptr<Data> data, const Address& localAddress,
                       const Address& peerAddress)
    : localAddress(localAddress),
      peerAddress(peerAddress),
      data_(std::move(data)) {}

// C++20 allows replacing an object with const members in place.
Connection& Connection::operator=(const Connection& other) {
  if (this != &other) {
    Connection copy(other);
    std::destroy_at(this);
    std::construct_at(this, std::move(copy));
  }
  return *this;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Connection moved(std::move(other));
    std::destroy_at(this);
    std::construct_at(this, std::move(moved));
  }
  return *this;
}

Future<Response> Connection::send(const Request& request,
                                  bool streamedResponse) const {
  return data_->connection->send(request, streamedResponse, None());
}

Future<Nothing> Connection::disconnect() const {
  data_->connection->disconnect();
  return data_->connection->disconnected();
}

Future<Nothing> Connection::disconnected() const {
  return data_->connection->disconnected();
}

Future<Connection> connect(const Address& address) {
  return ConnectionAccess::connect(
      internal::Target{.ip = address.ip,
                      .host = internal::text(address.ip),
                      .port = address.port});
}

Future<Connection> connect(const Address& address, Scheme scheme) {
  return connect(address, scheme, None());
}

Future<Connection> connect(const Address& address, Scheme scheme,
                           const Option<std::string>& /*peerHostname*/) {
  if (scheme != Scheme::HTTP) {
    return Failure("Unsupported scheme connecting to " +
                   internal::text(address.ip) + ":" +
                   std::to_string(address.port) + ": only HTTP is supported");
  }
  return connect(address);
}

Future<Connection> connect(const URL& url) {
  Try<internal::Target> target = internal::targetOf(url);
  if (target.isError()) {
    return Failure(target.error());
  }
  return ConnectionAccess::connect(target.get());
}

Future<Response> request(const Request& request, bool streamedResponse) {
  return http::request(request, streamedResponse, kRequestTimeout);
}

Future<Response> request(const Request& request, bool streamedResponse,
                         const Duration& timeout) {
  Try<internal::Target> target = internal::targetOf(request.url);
  if (target.isError()) {
    return Failure(target.error());
  }
  return internal::oneShot(target.get(), request, streamedResponse, timeout);
}

namespace {

Request make(std::string method, const URL& url,
             const Option<Headers>& headers) {
  return createRequest(url, method, headers);
}

// /<id>[/path][?query] at the process's address.
Try<URL> urlOf(const UPID& upid, const Option<std::string>& path,
               const Option<std::string>& query,
               const Option<std::string>& scheme) {
  std::string fullPath = "/" + upid.id;
  if (path.isSome() && !path->empty()) {
    fullPath += path->front() == '/' ? path.get() : "/" + path.get();
  }
  Query parameters;
  if (query.isSome()) {
    Try<std::map<std::string, std::string>> decoded =
        http::query::decode(query.get());
    if (decoded.isError()) {
      return Error("Invalid query '" + query.get() + "': " + decoded.error());
    }
    parameters = std::move(decoded.get());
  }
  return URL(scheme.getOrElse("http"), upid.address.ip, upid.address.port,
             fullPath, std::move(parameters));
}

}  // namespace

Request createRequest(const URL& url, const std::string& method,
                      const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType) {
  Request request;
  request.method = method;
  request.url = url;
  if (headers.isSome()) {
    request.headers = headers.get();
  }
  request.keepAlive = false;
  if (body.isSome()) {
    request.body = body.get();
  }
  if (contentType.isSome()) {
    request.headers["Content-Type"] = contentType.get();
  }
  return request;
}

Request createRequest(const UPID& upid, const std::string& method,
                      bool enableSSL, const Option<std::string>& path,
                      const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType) {
  // Without a query urlOf cannot fail.
  const URL url =
      urlOf(upid, path, None(), std::string(enableSSL ? "https" : "http"))
          .get();
  return createRequest(url, method, headers, body, contentType);
}

Future<Response> get(const URL& url, const Option<Headers>& headers) {
  return request(make("GET", url, headers));
}

Future<Response> get(const UPID& upid, const Option<std::string>& path,
                     const Option<std::string>& query,
                     const Option<Headers>& headers,
                     const Option<std::string>& scheme) {
  Try<URL> url = urlOf(upid, path, query, scheme);
  if (url.isError()) {
    return Failure(url.error());
  }
  return get(url.get(), headers);
}

Future<Response> post(const URL& url, const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType) {
  if (contentType.isSome() && body.isNone()) {
    return Failure("Attempted to do a POST with a Content-Type but no body");
  }
  return http::request(createRequest(url, "POST", headers, body, contentType));
}

Future<Response> post(const UPID& upid, const Option<std::string>& path,
                      const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType,
                      const Option<std::string>& scheme) {
  Try<URL> url = urlOf(upid, path, None(), scheme);
  if (url.isError()) {
    return Failure(url.error());
  }
  return post(url.get(), headers, body, contentType);
}

Future<Response> requestDelete(const URL& url, const Option<Headers>& headers) {
  return request(make("DELETE", url, headers));
}

Future<Response> requestDelete(const UPID& upid,
                               const Option<std::string>& path,
                               const Option<Headers>& headers,
                               const Option<std::string>& scheme) {
  Try<URL> url = urlOf(upid, path, None(), scheme);
  if (url.isError()) {
    return Failure(url.error());
  }
  return requestDelete(url.get(), headers);
}

namespace streaming {

Future<Response> get(const URL& url, const Option<Headers>& headers) {
  return request(make("GET", url, headers), true);
}

Future<Response> get(const UPID& upid, const Option<std::string>& path,
                     const Option<std::string>& query,
                     const Option<Headers>& headers,
                     const Option<std::string>& scheme) {
  Try<URL> url = urlOf(upid, path, query, scheme);
  if (url.isError()) {
    return Failure(url.error());
  }
  return streaming::get(url.get(), headers);
}

Future<Response> post(const URL& url, const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType) {
  if (contentType.isSome() && body.isNone()) {
    return Failure("Attempted to do a POST with a Content-Type but no body");
  }
  return request(createRequest(url, "POST", headers, body, contentType), true);
}

Future<Response> post(const UPID& upid, const Option<std::string>& path,
                      const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType,
                      const Option<std::string>& scheme) {
  Try<URL> url = urlOf(upid, path, None(), scheme);
  if (url.isError()) {
    return Failure(url.error());
  }
  return streaming::post(url.get(), headers, body, contentType);
}

}  // namespace streaming

}  // namespace http
}  // namespace process
