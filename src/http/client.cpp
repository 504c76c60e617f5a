// The HTTP client's functions (include/process/http_client.hpp): one-shot
// requests and Connection, each on a ClientConnection
// (http/client_connection.hpp) on the caller's context's event loop.
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include <glog/logging.h>

#include <process/http_client.hpp>

#include "http/client_connection.hpp"
#include "net/event_loop.hpp"
#include "runtime/transport.hpp"

namespace process {
namespace http::internal {
namespace {

std::string text(const net::IP& ip) {
  std::ostringstream out;
  out << ip;
  return out.str();
}

// The loop of the caller's context: a request from a process goes out
// from its own node.
net::EventLoop& callerLoop() {
  net::EventLoop* loop = detail::callerTransport().loop();
  CHECK(loop != nullptr) << "The HTTP client needs a context with a network";
  return *loop;
}

Try<Target> targetOf(const http::URL& url) {
  if (url.scheme.isNone()) {
    return Error("The URL " + stringify(url) +
                 " has no scheme: only http and https are supported");
  }
  const bool tls = equalsIgnoreCase(url.scheme.get(), "https");
  if (!tls && !equalsIgnoreCase(url.scheme.get(), "http")) {
    return Error("Unsupported URL scheme '" + url.scheme.get() +
                 "': only http and https are supported");
  }
  const uint16_t port = url.port.getOrElse(tls ? 443 : 80);
  if (url.ip.isSome()) {
    return Target{
        .ip = url.ip, .host = text(url.ip.get()), .port = port, .tls = tls};
  }
  if (url.domain.isSome() && !url.domain->empty()) {
    Try<net::IP> ip = net::IP::parse(url.domain.get());
    return Target{.ip = ip.isSome() ? Option<net::IP>(ip.get()) : None(),
                  .host = url.domain.get(),
                  .port = port,
                  .tls = tls};
  }
  return Error("The URL " + stringify(url) + " names no host");
}

Future<http::Response> oneShot(const Target& target,
                               const http::Request& request, bool streamed,
                               const Duration& timeout) {
  auto connection = std::make_shared<ClientConnection>(callerLoop(), target);
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
                           const Option<std::string>& peerHostname) {
  if (scheme == Scheme::HTTPS) {
    return ConnectionAccess::connect(internal::Target{
        .ip = address.ip,
        .host = peerHostname.getOrElse(internal::text(address.ip)),
        .port = address.port,
        .tls = true});
  }
  if (scheme != Scheme::HTTP) {
    return Failure(
        "Unsupported scheme connecting to " + internal::text(address.ip) + ":" +
        std::to_string(address.port) + ": only HTTP and HTTPS are supported");
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

Request make(const std::string& method, const URL& url,
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

// Sends `send(url)` to the URL of a process; an invalid query fails it.
template <typename Send>
Future<Response> toProcess(const Try<URL>& url, Send&& send) {
  if (url.isError()) {
    return Failure(url.error());
  }
  return send(url.get());
}

Future<Response> postTo(const URL& url, const Option<Headers>& headers,
                        const Option<std::string>& body,
                        const Option<std::string>& contentType, bool streamed) {
  if (contentType.isSome() && body.isNone()) {
    return Failure("Attempted to do a POST with a Content-Type but no body");
  }
  return request(createRequest(url, "POST", headers, body, contentType),
                 streamed);
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
  return toProcess(urlOf(upid, path, query, scheme),
                   [&](const URL& url) { return get(url, headers); });
}

Future<Response> post(const URL& url, const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType) {
  return postTo(url, headers, body, contentType, false);
}

Future<Response> post(const UPID& upid, const Option<std::string>& path,
                      const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType,
                      const Option<std::string>& scheme) {
  return toProcess(urlOf(upid, path, None(), scheme), [&](const URL& url) {
    return post(url, headers, body, contentType);
  });
}

Future<Response> requestDelete(const URL& url, const Option<Headers>& headers) {
  return request(make("DELETE", url, headers));
}

Future<Response> requestDelete(const UPID& upid,
                               const Option<std::string>& path,
                               const Option<Headers>& headers,
                               const Option<std::string>& scheme) {
  return toProcess(urlOf(upid, path, None(), scheme),
                   [&](const URL& url) { return requestDelete(url, headers); });
}

namespace streaming {

Future<Response> get(const URL& url, const Option<Headers>& headers) {
  return request(make("GET", url, headers), true);
}

Future<Response> get(const UPID& upid, const Option<std::string>& path,
                     const Option<std::string>& query,
                     const Option<Headers>& headers,
                     const Option<std::string>& scheme) {
  return toProcess(urlOf(upid, path, query, scheme), [&](const URL& url) {
    return streaming::get(url, headers);
  });
}

Future<Response> post(const URL& url, const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType) {
  return postTo(url, headers, body, contentType, true);
}

Future<Response> post(const UPID& upid, const Option<std::string>& path,
                      const Option<Headers>& headers,
                      const Option<std::string>& body,
                      const Option<std::string>& contentType,
                      const Option<std::string>& scheme) {
  return toProcess(urlOf(upid, path, None(), scheme), [&](const URL& url) {
    return streaming::post(url, headers, body, contentType);
  });
}

}  // namespace streaming

}  // namespace http
}  // namespace process
