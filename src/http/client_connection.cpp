#include "http/client_connection.hpp"

#include <cerrno>
#include <cstring>

#include <process/clock.hpp>
#include <process/context.hpp>

#include "http/encoder.hpp"

namespace process::http::internal {
namespace {

// Unwritten request bytes past which a body read from a pipe waits for the
// socket to take them.
constexpr size_t kBodyBacklog = size_t{1024} * 1024;

}  // namespace

ClientConnection::ClientConnection(net::EventLoop& loop, Target target)
    : loop_(loop),
      target_(std::move(target)),
      where_(target_.host + ":" + std::to_string(target_.port)),
      stream_(std::make_shared<net::Stream>(loop)),
      decoder_(httpLimitsOf(loop.limits())) {}

ClientConnection::~ClientConnection() = default;

void ClientConnection::start() {
  loop_.post([self = shared_from_this()] { self->begin(); });
}

Future<http::Response> ClientConnection::send(const http::Request& request,
                                              bool streamed,
                                              const Option<Duration>& timeout) {
  if (request.type == http::Request::PIPE && request.reader.isNone()) {
    return Failure("A request of type PIPE needs a reader");
  }
  Try<std::string> head =
      encodeRequestHead(request, target_.host, target_.port);
  if (head.isError()) {
    return Failure(head.error());
  }
  auto pending = std::make_shared<Pending>();
  pending->method = request.method;
  pending->streamed = streamed;
  pending->timeout = timeout;
  Future<http::Response> future = pending->promise.future();
  Queued queued{.pending = std::move(pending), .bytes = std::move(head.get())};
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
    loop_.post([self = shared_from_this()] { self->run(); });
  }
  return future;
}

void ClientConnection::closeFor(std::string why) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    open_ = false;
  }
  loop_.post(
      [self = shared_from_this(), why = std::move(why)] { self->close(why); });
}

void ClientConnection::disconnect() {
  closeFor("Disconnected from " + where_ + " before the response");
}

void ClientConnection::release() {
  loop_.post([self = shared_from_this()] {
    self->run();
    self->released_ = true;
    self->maybeCloseIdle();
  });
}

void ClientConnection::begin() {
  if (closed_) {
    return;
  }
  self_ = shared_from_this();
  stream_->setHandler(std::shared_ptr<net::StreamHandler>(
      self_, static_cast<net::StreamHandler*>(this)));
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

void ClientConnection::connectTo(net::IP ip) {
  peer_ = Address(ip, target_.port);
  if (target_.tls) {
    Try<std::shared_ptr<net::TlsContext>> tls = loop_.clientTls();
    if (tls.isError()) {
      close("Cannot reach " + where_ + " over https: " + tls.error());
      return;
    }
    // A name is checked against the certificate; an address only with
    // LIBPROCESS_SSL_VERIFY_IPADD (libprocess's rule).
    Try<net::IP> literal = net::IP::parse(target_.host);
    stream_->secureClient(tls.get(),
                          literal.isSome() ? std::string() : target_.host);
  }
  stream_->connect(
      asio::ip::tcp::endpoint(asio::ip::address_v4(ip.value()), target_.port),
      loop_.limits().connectTimeout);
}

void ClientConnection::onConnected() {
  if (std::optional<Address> local = stream_->localAddress()) {
    local_ = *local;
  }
  connectedOnLoop_ = true;
  stream_->startReading();
  pumpBody();
  connected_.set(Nothing());
}

void ClientConnection::run() {
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
  pumpBody();
}

void ClientConnection::startTimer(const std::shared_ptr<Pending>& pending) {
  if (pending->timeout.isNone() ||
      pending->timeout.get() >= Duration::max() / 2) {
    return;
  }
  const Duration timeout = pending->timeout.get();
  // On process::Clock, so a test with a paused clock times the request out
  // by advancing it. The clock's thread only hands the expiry to the loop.
  pending->timer = Clock::timer(
      timeout, [gate = loop_.gate(), weak = weak_from_this(),
                pendingWeak = std::weak_ptr<Pending>(pending), timeout] {
        gate->post([weak, pendingWeak, timeout] {
          std::shared_ptr<ClientConnection> self = weak.lock();
          std::shared_ptr<Pending> pending = pendingWeak.lock();
          if (self != nullptr && !self->closed_ && pending != nullptr &&
              !pending->answered) {
            self->close("Timed out after " + stringify(timeout) +
                        " waiting for the response from " + self->where_);
          }
        });
      });
}

// Hands the stream what is queued, in order; a request body that comes
// from a pipe is read and written chunk by chunk, while the socket keeps up.
void ClientConnection::pumpBody() {
  if (!connectedOnLoop_ || closed_ || readingBody_) {
    return;
  }
  while (!outgoing_.empty() && outgoing_.front().reader.isNone()) {
    if (!outgoing_.front().bytes.empty()) {
      stream_->write(outgoing_.front().bytes);
    }
    outgoing_.pop_front();
  }
  stream_->flushOnLoop();
  if (outgoing_.empty() || closed_ ||
      stream_->unwrittenBytes() > kBodyBacklog) {
    return;  // onDrained() comes back here
  }
  readingBody_ = true;
  outgoing_.front().reader->read().onAny(
      [self = shared_from_this()](const Future<std::string>& piece) {
        self->loop_.post([self, piece] { self->onBodyPiece(piece); });
      });
}

void ClientConnection::onBodyPiece(const Future<std::string>& piece) {
  readingBody_ = false;
  if (closed_) {
    return;
  }
  if (!piece.isReady()) {
    close("Failed to read the body of a request to " + where_ + ": " +
          (piece.isFailed() ? piece.failure() : "discarded"));
    return;
  }
  if (piece->empty()) {
    outgoing_.front() = Outgoing{.bytes = std::string(kLastChunk)};
  } else {
    outgoing_.push_front(Outgoing{.bytes = encodeChunk(piece.get())});
  }
  pumpBody();
}

void ClientConnection::onData(const char* data, size_t size) {
  if (!decoder_.feed(data, size, *this)) {
    onDecodeFailed();
  }
}

void ClientConnection::onEndOfFile() {
  if (!decoder_.finish(*this)) {
    if (!closed_) {
      close("Connection to " + where_ +
            " closed by peer before the end of the response");
    }
    return;
  }
  close("Connection to " + where_ + " closed by peer before the response");
}

void ClientConnection::onError(const net::StreamError& error) {
  close(failure(error));
}

void ClientConnection::onDecodeFailed() {
  if (!closed_) {
    close("Failed to decode the response from " + where_ + ": " +
          decoder_.error());
  }
}

std::string ClientConnection::failure(const net::StreamError& error) const {
  using Cause = net::StreamError::Cause;
  if (error.cause == Cause::kConnect) {
    if (error.timedOut) {
      return "Timed out after " + stringify(loop_.limits().connectTimeout) +
             " connecting to " + where_;
    }
    if (error.code == asio::error::connection_refused) {
      return "Connection refused connecting to " + where_;
    }
    return "Failed to connect to " + where_ + ": " + error.message;
  }
  if (error.cause == Cause::kHandshake) {
    return "TLS with " + where_ + " failed: " + error.message;
  }
  if (error.code == ECONNRESET || error.code == EPIPE) {
    return "Connection to " + where_ + " reset by peer before the response";
  }
  const char* action = error.cause == Cause::kRead ? "read from" : "write to";
  return std::string("Failed to ") + action + " " + where_ + ": " +
         error.message;
}

bool ClientConnection::onHead(DecodedResponse& head) {
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
  pending.writer->readerClosed().onAny(
      [weakSelf = weak_from_this(),
       weakPending = std::weak_ptr<Pending>(pending_.front())] {
        if (auto self = weakSelf.lock()) {
          self->loop_.post([self, weakPending] {
            std::shared_ptr<Pending> pending = weakPending.lock();
            if (pending != nullptr && !self->closed_ &&
                !self->pending_.empty() && self->pending_.front() == pending) {
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

bool ClientConnection::onBody(std::string_view piece) {
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

bool ClientConnection::onComplete() {
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

void ClientConnection::answer(Pending& pending, http::Response&& response) {
  pending.answered = true;
  if (pending.timer.isSome()) {
    Clock::cancel(pending.timer.get());
  }
  pending.promise.set(std::move(response));
}

void ClientConnection::maybeCloseIdle() {
  if (released_ && !closed_ && pending_.empty()) {
    close("Disconnected from " + where_);
  }
}

void ClientConnection::close(const std::string& why) {
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
  stream_->close();
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
    if (item->timer.isSome()) {
      Clock::cancel(item->timer.get());
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
  self_.reset();  // last: it may be what keeps us
}

}  // namespace process::http::internal
