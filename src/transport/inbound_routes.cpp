// The HTTP side of an inbound connection: a request that is not a message
// goes to the route of the process its path names (routes run on their
// process, and may answer later), and answers leave in request order.
#include <glog/logging.h>

#include <cstdio>
#include <string_view>

#include "transport/inbound.hpp"
#include "transport/network.hpp"
#include "runtime/transport.hpp"

#include <process/process.hpp>

namespace process::transport {
namespace {

// Headers the connection itself decides.
bool framingHeader(const std::string& name) {
  return equalsIgnoreCase(name, "Content-Length") ||
         equalsIgnoreCase(name, "Transfer-Encoding") ||
         equalsIgnoreCase(name, "Connection");
}

std::string head(const http::Response& response, bool close) {
  std::string bytes = "HTTP/1.1 ";
  bytes += response.status.empty() ? http::Status::string(response.code)
                                   : response.status;
  bytes += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (!framingHeader(name)) {
      bytes += name;
      bytes += ": ";
      bytes += value;
      bytes += "\r\n";
    }
  }
  if (close) {
    bytes += "Connection: close\r\n";
  }
  return bytes;
}

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

// RFC 9110 6.4.1: these answers never carry content.
bool bodiless(uint16_t code) {
  return code / 100 == 1 || code == 204 || code == 304;
}

// Answers that handlers completed during a process's turn, handed to the
// loop together when the turn ends: the many answers of one turn cost one
// post, and one write per connection.
struct Completed {
  std::shared_ptr<net::LoopGate> gate;
  std::weak_ptr<InboundConnection> connection;
  uint64_t seq = 0;
  Future<http::Response> response;
};
thread_local std::vector<Completed> completedThisTurn;

// On the loop.
void completeAll(const std::vector<Completed>& batch) {
  std::vector<std::shared_ptr<InboundConnection>> touched;
  for (const Completed& completed : batch) {
    if (auto connection = completed.connection.lock()) {
      connection->complete(completed.seq, completed.response, false);
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

void InboundConnection::handleRoute(DecodedRequest& decoded) {
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
    answer(400, path.error() + "\n");
    return;
  }
  Try<std::map<std::string, std::string>> query =
      http::query::decode(std::string(rawQuery));
  if (query.isError()) {
    answer(400, query.error() + "\n");
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
    answer(404);
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
  asio::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  if (!ec && remote.address().is_v4()) {
    request.client =
        Address(net::IP(remote.address().to_v4().to_uint()), remote.port());
  }

  Slot& slot = slots_.emplace_back();
  slot.seq = nextSeq_++;
  slot.close = closeAfterWrite_;
  slot.headOnly = decoded.method == "HEAD";
  slot.plainStream = decoded.versionMinor == 0;
  const uint64_t seq = slot.seq;
  Future<http::Response> response = network_.host().deliverRequest(
      id, std::move(routePath), std::move(request));
  // Through the gate, and without holding the connection: the answer may
  // come after the node is gone.
  auto back = [gate = network_.gate(), connection = weak_from_this(),
               seq](const Future<http::Response>& done) {
    if (currentProcess() != nullptr) {
      completedThisTurn.push_back(Completed{.gate = gate,
                                            .connection = connection,
                                            .seq = seq,
                                            .response = done});
      return;
    }
    gate->post([connection, seq, done] {
      if (auto self = connection.lock()) {
        self->complete(seq, done, true);
      }
    });
  };
  // A default-made future is abandoned, as this one is.
  response.onAny(back).onAbandoned([back] { back(Future<http::Response>()); });
}

InboundConnection::Slot* InboundConnection::slot(uint64_t seq) {
  if (slots_.empty() || seq < slots_.front().seq) {
    return nullptr;
  }
  const uint64_t index = seq - slots_.front().seq;
  return index < slots_.size() ? &slots_[index] : nullptr;
}

void InboundConnection::complete(uint64_t seq,
                                 const Future<http::Response>& future,
                                 bool writeNow) {
  Slot* answer = slot(seq);
  if (closed_ || answer == nullptr) {
    return;
  }
  http::Response response;
  if (future.isReady()) {
    response = future.get();
  } else if (future.isFailed()) {
    response = http::InternalServerError(future.failure() + "\n");
  } else if (future.isDiscarded()) {
    response = http::ServiceUnavailable();
  } else {
    response = http::InternalServerError("the handler gave up its answer\n");
  }
  if (response.type == http::Response::PATH) {
    response = http::NotImplemented("file responses are not served\n");
  }
  const bool stream =
      response.type == http::Response::PIPE && response.reader.isSome();
  const bool noBody = answer->headOnly || bodiless(response.code);
  if (stream && answer->plainStream && !noBody) {
    // HTTP/1.0 knows no chunks: the end of the connection ends the body.
    answer->close = true;
  }
  std::string bytes = head(response, answer->close);
  if (stream && !noBody) {
    bytes +=
        answer->plainStream ? "\r\n" : "Transfer-Encoding: chunked\r\n\r\n";
    answer->bytes = std::move(bytes);
    answer->streaming = true;
    pump(seq, response.reader.get());
  } else {
    if (stream) {
      response.reader.get().close();
    }
    if (!bodiless(response.code) && !stream) {
      bytes +=
          "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    }
    bytes += "\r\n";
    if (!noBody) {
      bytes += response.body;
    }
    answer->bytes = std::move(bytes);
    answer->ready = true;
  }
  flushSlots();
  if (writeNow) {
    write();
  }
}

void InboundConnection::pump(uint64_t seq, const http::Pipe::Reader& reader) {
  auto back = [gate = network_.gate(), connection = weak_from_this(), seq,
               reader](const Future<std::string>& chunk) {
    gate->post([connection, seq, reader, chunk] {
      if (auto self = connection.lock()) {
        self->onChunk(seq, reader, chunk);
      } else {
        reader.close();
      }
    });
  };
  reader.read().onAny(back);
}

void InboundConnection::onChunk(uint64_t seq, const http::Pipe::Reader& reader,
                                const Future<std::string>& chunk) {
  Slot* answer = slot(seq);
  if (closed_ || answer == nullptr) {
    reader.close();
    return;
  }
  if (!chunk.isReady()) {
    // A chunked answer cut short cannot be told apart from a whole one
    // but by the connection closing.
    reader.close();
    close("the streamed answer failed: " +
          (chunk.isFailed() ? chunk.failure() : std::string("discarded")));
    return;
  }
  const std::string& data = chunk.get();
  if (data.empty()) {
    if (!answer->plainStream) {
      answer->bytes += "0\r\n\r\n";
    }
    answer->streaming = false;
    answer->ready = true;
  } else {
    if (answer->plainStream) {
      answer->bytes += data;
    } else {
      char size[32];
      std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
      answer->bytes += size;
      answer->bytes += data;
      answer->bytes += "\r\n";
    }
    pump(seq, reader);
  }
  flushSlots();
  write();
}

void InboundConnection::flushSlots() {
  while (!slots_.empty() &&
         (slots_.front().ready || slots_.front().streaming)) {
    Slot& front = slots_.front();
    out_ += front.bytes;
    front.bytes.clear();
    if (front.streaming) {
      break;
    }
    const bool close = front.close;
    slots_.pop_front();
    if (close) {
      // Answers behind it never go: drop them (their handlers' results
      // find no slot).
      closeAfterWrite_ = true;
      slots_.clear();
      break;
    }
  }
}

}  // namespace process::transport
