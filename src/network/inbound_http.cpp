// The HTTP side of an inbound connection: a request that is not a message
// goes to the route of the process its path names (routes run on their
// process, and may answer later), and answers leave in request order.
#include <glog/logging.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string_view>

#include "network/inbound.hpp"
#include "network/network.hpp"
#include "runtime/transport.hpp"

#include <process/process.hpp>

namespace process::network {
namespace {

bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Headers the connection itself decides.
bool framingHeader(const std::string& name) {
  return sameName(name, "Content-Length") ||
         sameName(name, "Transfer-Encoding") || sameName(name, "Connection");
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

// Answers completed by a process's handlers during its turn, written when
// the turn ends: one system call for the many answers of one turn.
thread_local std::vector<std::shared_ptr<InboundConnection>> unwritten;

}  // namespace

void flushAnswers() {
  std::vector<std::shared_ptr<InboundConnection>> connections;
  connections.swap(unwritten);
  for (auto& connection : connections) {
    InboundConnection* raw = connection.get();
    raw->network().runOnLoop(
        [connection = std::move(connection)] { connection->write(); });
  }
}

void InboundConnection::writeSoon() {
  if (currentProcess() == nullptr) {
    write();
    return;
  }
  if (unwritten.empty() || unwritten.back().get() != this) {
    unwritten.push_back(shared_from_this());
  }
  detail::sendsBuffered = true;
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
    if (shouldLog(routeLogs)) {
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
  for (Header& header : decoded.headers) {
    auto [entry, inserted] =
        request.headers.emplace(std::move(header.name), header.value);
    if (!inserted) {
      entry->second += ", " + header.value;  // a repeated field is a list
    }
  }
  if (const std::string* host = decoded.header("Host")) {
    request.url.domain = *host;
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
  const uint64_t seq = slot.seq;
  Future<http::Response> response = detail::deliverHttp(
      network_.context(), id, std::move(routePath), std::move(request));
  response.onAny([self = shared_from_this(),
                  seq](const Future<http::Response>& done) {
    self->network_.runOnLoop([self, seq, done] { self->complete(seq, done); });
  });
}

InboundConnection::Slot* InboundConnection::slot(uint64_t seq) {
  if (slots_.empty() || seq < slots_.front().seq) {
    return nullptr;
  }
  const uint64_t index = seq - slots_.front().seq;
  return index < slots_.size() ? &slots_[index] : nullptr;
}

void InboundConnection::complete(uint64_t seq,
                                 const Future<http::Response>& future) {
  Slot* answer = slot(seq);
  if (closed_ || answer == nullptr) {
    return;
  }
  http::Response response;
  if (future.isReady()) {
    response = future.get();
  } else if (future.isFailed()) {
    response = http::InternalServerError(future.failure() + "\n");
  } else {
    response = http::ServiceUnavailable();
  }
  std::string bytes = head(response, answer->close);
  if (response.type == http::Response::PIPE && response.reader.isSome()) {
    bytes += "Transfer-Encoding: chunked\r\n\r\n";
    answer->bytes = std::move(bytes);
    answer->streaming = true;
    pump(seq, response.reader.get());
  } else {
    if (response.type == http::Response::PATH) {
      response = http::NotImplemented("file responses are not served\n");
      bytes = head(response, answer->close);
    }
    bytes +=
        "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";
    bytes += response.body;
    answer->bytes = std::move(bytes);
    answer->ready = true;
  }
  flushSlots();
  writeSoon();
}

void InboundConnection::pump(uint64_t seq, http::Pipe::Reader reader) {
  reader.read().onAny([self = shared_from_this(), seq,
                       reader](const Future<std::string>& chunk) {
    self->network_.runOnLoop(
        [self, seq, reader, chunk] { self->onChunk(seq, reader, chunk); });
  });
}

void InboundConnection::onChunk(uint64_t seq, http::Pipe::Reader reader,
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
    answer->bytes += "0\r\n\r\n";
    answer->streaming = false;
    answer->ready = true;
  } else {
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
    answer->bytes += size;
    answer->bytes += data;
    answer->bytes += "\r\n";
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
    if (front.close) {
      closeAfterWrite_ = true;
    }
    slots_.pop_front();
  }
}

}  // namespace process::network
