// The HTTP side of an inbound connection: a request that is not a message
// goes to the route of the process its path names (routes run on their
// process, and may answer later), and answers leave in request order.
#include <glog/logging.h>

#include <string_view>

#include "runtime/transport.hpp"
#include "transport/inbound.hpp"
#include "transport/network.hpp"

#include <process/process.hpp>

namespace process::transport {
namespace {

std::atomic<uint64_t> routeLogs{0};

// "name:port" or "1.2.3.4:port" from a Host field, into the URL's parts.
void setHost(http::URL& url, std::string_view host) {
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == host.npos &&
      colon + 1 < host.size() && host.size() - colon - 1 <= 5) {
    unsigned port = 0;
    bool digits = true;
    for (const char c : host.substr(colon + 1)) {
      digits = digits && c >= '0' && c <= '9';
      port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (digits && port <= 65535) {
      url.port = static_cast<uint16_t>(port);
      host = host.substr(0, colon);
    }
  }
  Try<net::IP> ip = net::IP::parse(std::string(host));
  if (ip.isSome()) {
    url.ip = ip.get();
  } else {
    url.domain = std::string(host);
  }
}

// Answers that handlers completed during a process's turn, handed to the
// loop together when the turn ends: the many answers of one turn cost one
// post, and one write per connection.
struct Completed {
  std::shared_ptr<net::LoopGate> gate;
  std::weak_ptr<InboundConnection> connection;
  InboundConnection::Ticket ticket = 0;
  Future<http::Response> response;
};
thread_local std::vector<Completed> completedThisTurn;

// On the loop.
void completeAll(const std::vector<Completed>& batch) {
  std::vector<std::shared_ptr<InboundConnection>> touched;
  for (const Completed& completed : batch) {
    if (auto connection = completed.connection.lock()) {
      connection->complete(completed.ticket, completed.response);
      if (touched.empty() || touched.back() != connection) {
        touched.push_back(std::move(connection));
      }
    }
  }
  for (const auto& connection : touched) {
    connection->write();  // a second time for one connection does nothing
  }
}

}  // namespace

void flushAnswers() {
  if (completedThisTurn.empty()) {
    return;
  }
  std::vector<Completed> batch;
  batch.swap(completedThisTurn);
  // One post per node (almost always a single one).
  while (!batch.empty()) {
    const std::shared_ptr<net::LoopGate> gate = batch.front().gate;
    std::vector<Completed> mine;
    std::vector<Completed> others;
    for (Completed& completed : batch) {
      (completed.gate == gate ? mine : others).push_back(std::move(completed));
    }
    gate->post([mine = std::move(mine)] { completeAll(mine); });
    batch = std::move(others);
  }
}

void InboundConnection::handleRoute(DecodedRequest& decoded, Ticket ticket) {
  std::string_view target = decoded.target;
  std::string_view fragment;
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) {
    fragment = target.substr(hash + 1);
    target = target.substr(0, hash);
  }
  std::string_view rawQuery;
  if (const size_t question = target.find('?');
      question != std::string_view::npos) {
    rawQuery = target.substr(question + 1);
    target = target.substr(0, question);
  }
  Try<std::string> path = http::normalizePath(std::string(target));
  if (path.isError()) {
    if (net::shouldLog(routeLogs)) {
      LOG(WARNING) << "Bad request path from " << peer_ << ": " << path.error();
    }
    network_.countHttpAnswer(400);
    session_.answer(ticket, 400, path.error() + "\n");
    return;
  }
  Try<std::map<std::string, std::string>> query =
      http::query::decode(std::string(rawQuery));
  if (query.isError()) {
    network_.countHttpAnswer(400);
    session_.answer(ticket, 400, query.error() + "\n");
    return;
  }
  // "/<id>/<route…>": the id names the process, the rest its route.
  const std::string& decodedPath = path.get();
  const size_t slash = decodedPath.find('/', 1);
  const std::string id = decodedPath.substr(
      1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string routePath =
      slash == std::string::npos ? "/" : decodedPath.substr(slash);
  if (id.empty()) {
    network_.countHttpAnswer(404);
    session_.answer(ticket, 404);
    return;
  }

  http::Request request;
  request.method = decoded.method;
  request.url.path = decodedPath;
  request.url.query = std::move(query.get());
  if (!fragment.empty()) {
    request.url.fragment = std::string(fragment);
  }
  if (const std::string* host = decoded.header("Host")) {
    setHost(request.url, *host);
  }
  for (Header& header : decoded.headers) {
    auto [entry, inserted] =
        request.headers.emplace(std::move(header.name), header.value);
    if (!inserted) {
      entry->second += ", " + header.value;  // a repeated field is a list
    }
  }
  request.body = std::move(decoded.body);
  request.keepAlive = decoded.keepAlive;
  request.client = client_;

  Future<http::Response> response = network_.host().deliverRequest(
      id, std::move(routePath), std::move(request));
  // Through the gate, and without holding the connection: the answer may
  // come after the node is gone.
  auto back = [gate = network_.gate(), connection = weak_from_this(),
               ticket](const Future<http::Response>& done) {
    if (currentProcess() != nullptr) {
      turnPending = true;
      completedThisTurn.push_back(Completed{.gate = gate,
                                            .connection = connection,
                                            .ticket = ticket,
                                            .response = done});
      return;
    }
    gate->post([connection, ticket, done] {
      if (auto self = connection.lock()) {
        self->complete(ticket, done);
        self->write();
      }
    });
  };
  // A default-made future is abandoned, as this one is.
  response.onAny(back).onAbandoned([back] { back(Future<http::Response>()); });
}

}  // namespace process::transport
