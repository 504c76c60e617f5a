#include "http/server_session.hpp"

#include <algorithm>
#include <utility>

#include "http/encoder.hpp"

namespace process::http::internal {

ServerSession::ServerSession(const HttpLimits& limits, Handler& handler,
                             Post post)
    : decoder_(limits),
      handler_(handler),
      post_(std::move(post)),
      self_(std::make_shared<ServerSession*>(this)) {}

ServerSession::~ServerSession() {
  shutdown();
}

bool ServerSession::feed(const char* data, size_t size) {
  if (closing_ || shutDown_) {
    return true;  // what follows the last request is not read
  }
  const bool ok = decoder_.feed(
      data, size, [this](DecodedRequest& request) { onDecoded(request); });
  if (!ok) {
    if (!closing_) {
      reject();
    }
    return false;
  }
  // RFC 9110 10.1.1: a client that asked waits for this before its body.
  if (decoder_.takeContinue() && !closing_) {
    emit(std::string(kContinueAnswer));
  }
  return true;
}

void ServerSession::onDecoded(DecodedRequest& request) {
  ++requestsDecoded_;
  if (closing_) {
    return;  // nothing after a request that closes the connection
  }
  if (!request.keepAlive) {
    closing_ = true;
  }
  Slot slot;
  slot.ticket = nextTicket_++;
  slot.close = closing_;
  slot.headOnly = request.method == "HEAD";
  slot.plainStream = request.versionMinor == 0;
  // Answered during onRequest (a message, a bad path), the answer goes
  // straight to the output when nothing waits ahead of it.
  current_ = &slot;
  struct Reset {
    Slot*& current;
    ~Reset() { current = nullptr; }
  } reset{current_};
  handler_.onRequest(request, slot.ticket);
  if (shutDown_) {
    return;
  }
  if (slot.ready && slots_.empty()) {
    if (!slot.written) {
      output_ += slot.bytes;
    }
    if (slot.close) {
      closing_ = true;
    }
    return;
  }
  slots_.push_back(std::move(slot));
  flushSlots();
}

ServerSession::Slot* ServerSession::find(Ticket ticket) {
  if (current_ != nullptr && current_->ticket == ticket) {
    return current_;
  }
  const auto it = std::lower_bound(
      slots_.begin(), slots_.end(), ticket,
      [](const Slot& slot, Ticket t) { return slot.ticket < t; });
  return it != slots_.end() && it->ticket == ticket ? &*it : nullptr;
}

void ServerSession::emit(std::string bytes) {
  if (slots_.empty()) {
    output_ += bytes;
    return;
  }
  Slot& slot = slots_.emplace_back();
  slot.ticket = nextTicket_++;
  slot.ready = true;
  slot.close = closing_;
  slot.bytes = std::move(bytes);
}

void ServerSession::reject() {
  closing_ = true;
  emit(encodePlainAnswer(static_cast<uint16_t>(decoder_.errorStatus()),
                         decoder_.error() + "\n", true));
}

void ServerSession::endOfInput() {
  closing_ = true;
}

void ServerSession::timedOut() {
  if (closing_ || shutDown_) {
    return;
  }
  closing_ = true;
  emit(encodePlainAnswer(408, {}, true));
}

void ServerSession::shutdown() {
  if (shutDown_) {
    return;
  }
  shutDown_ = true;
  dropSlots();
}

void ServerSession::dropSlots() {
  for (const Slot& slot : slots_) {
    if (slot.reader.isSome()) {
      slot.reader->close();
    }
  }
  slots_.clear();
}

void ServerSession::answer(Ticket ticket, uint16_t status,
                           std::string_view body) {
  Slot* slot = find(ticket);
  if (shutDown_ || slot == nullptr || slot->ready || slot->streaming) {
    return;
  }
  slot->ready = true;
  // Answered while its request is decoded, with nothing waiting ahead: the
  // answer goes straight into the output (a message's 202 costs no copy).
  std::string& out = slot == current_ && slots_.empty() ? output_ : slot->bytes;
  slot->written = &out == &output_;
  appendPlainAnswer(out, status, body, slot->close);
  if (slot->headOnly) {
    out.resize(out.size() - body.size());
  }
  if (slot != current_) {
    flushSlots();
  }
}

void ServerSession::answer(Ticket ticket,
                           const Future<http::Response>& future) {
  Slot* slot = find(ticket);
  if (shutDown_ || slot == nullptr || slot->ready || slot->streaming) {
    return;
  }
  http::Response response;
  if (future.isReady()) {
    response = future.get();
  } else if (future.isFailed()) {
    // The runtime has logged the reason (and put it in the body when the
    // context is for development); a peer learns nothing of our insides.
    response = http::InternalServerError("Internal Server Error\n");
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
  const bool noBody = slot->headOnly || isBodiless(response.code);
  if (stream && slot->plainStream && !noBody) {
    // HTTP/1.0 knows no chunks: the end of the connection ends the body.
    slot->close = true;
  }
  std::string bytes = encodeResponseHead(response, slot->close);
  if (stream && !noBody) {
    endHead(bytes,
            slot->plainStream ? BodyFraming::kUntilEnd : BodyFraming::kChunked);
    slot->bytes = std::move(bytes);
    slot->streaming = true;
    slot->reader = response.reader;
    pump(ticket, response.reader.get());
  } else {
    if (stream) {
      response.reader->close();
    }
    endHead(bytes,
            !isBodiless(response.code) && !stream ? BodyFraming::kLength
                                                  : BodyFraming::kNone,
            response.body.size());
    if (!noBody) {
      bytes += response.body;
    }
    slot->bytes = std::move(bytes);
    slot->ready = true;
  }
  if (slot != current_) {
    flushSlots();
  }
}

void ServerSession::pump(Ticket ticket, const http::Pipe::Reader& reader) {
  std::weak_ptr<ServerSession*> self = self_;
  reader.read().onAny(
      [post = post_, self, ticket, reader](const Future<std::string>& piece) {
        post([self, ticket, reader, piece] {
          if (auto session = self.lock()) {
            (*session)->onPiece(ticket, reader, piece);
          } else {
            reader.close();
          }
        });
      });
}

void ServerSession::onPiece(Ticket ticket, const http::Pipe::Reader& reader,
                            const Future<std::string>& piece) {
  Slot* slot = find(ticket);
  if (shutDown_ || slot == nullptr) {
    reader.close();
    return;
  }
  if (!piece.isReady()) {
    reader.close();
    abortReason_ = "the streamed answer failed: " +
                   (piece.isFailed() ? piece.failure() : "discarded");
    shutdown();
    handler_.onOutput();
    return;
  }
  const std::string& data = piece.get();
  if (data.empty()) {
    if (!slot->plainStream) {
      slot->bytes += kLastChunk;
    }
    slot->streaming = false;
    slot->ready = true;
    slot->reader = None();
  } else {
    if (slot->plainStream) {
      slot->bytes += data;
    } else {
      appendChunk(slot->bytes, data);
    }
    pump(ticket, reader);
  }
  flushSlots();
  handler_.onOutput();
}

void ServerSession::flushSlots() {
  while (!slots_.empty() &&
         (slots_.front().ready || slots_.front().streaming)) {
    Slot& front = slots_.front();
    output_ += front.bytes;
    front.bytes.clear();
    if (front.streaming) {
      break;
    }
    const bool close = front.close;
    slots_.pop_front();
    if (close) {
      // Answers behind it never go: drop them (their handlers' results
      // find no slot).
      closing_ = true;
      dropSlots();
      break;
    }
  }
}

std::string_view ServerSession::output() const {
  return std::string_view(output_).substr(outputOffset_);
}

void ServerSession::consumed(size_t bytes) {
  outputOffset_ += std::min(bytes, output_.size() - outputOffset_);
  if (outputOffset_ == output_.size()) {
    output_.clear();
    outputOffset_ = 0;
  }
}

std::string ServerSession::takeOutput() {
  std::string taken =
      outputOffset_ == 0 ? std::move(output_) : output_.substr(outputOffset_);
  output_.clear();
  outputOffset_ = 0;
  return taken;
}

bool ServerSession::wantsInput() const {
  return !closing_ && !shutDown_ &&
         output_.size() - outputOffset_ < kMaxUnwrittenAnswers &&
         slots_.size() < kMaxPendingAnswers;
}

bool ServerSession::wantsClose() const {
  return (closing_ && slots_.empty()) || shutDown_;
}

}  // namespace process::http::internal
