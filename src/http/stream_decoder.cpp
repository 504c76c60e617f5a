// The client's response decoder over the one llhttp driver (parser.hpp),
// which hands each head and each end out from its feed loop, never from
// inside llhttp's C callbacks (a handler completes futures, which runs user
// code). Body bytes are collected as views into the caller's buffer and
// handed out at each end and at the end of each feed().
#include "http/stream_decoder.hpp"

#include <limits>
#include <string>
#include <vector>

#include "http/parser.hpp"

namespace process::http::internal {

namespace {

// A streamed body has no limit here: the handler decides what to keep.
HttpLimits unboundedBody(HttpLimits limits) {
  limits.maxBodyBytes = std::numeric_limits<size_t>::max();
  return limits;
}

}  // namespace

struct ResponseStreamDecoder::State final : Parser::Hooks {
  // Whether the connection stays open is the client's decision (it closes
  // after a response that says so).
  explicit State(const HttpLimits& limits)
      : parser(MessageKind::kResponse, unboundedBody(limits), head.headers,
               *this, /*ownKeepAlive=*/true) {}

  void onBegin() override {
    head.status = 0;
    head.reason.clear();
    interim = false;
    headDeferred = false;
  }

  void onStartLine(const char* at, size_t length) override {
    head.reason.append(at, length);
  }

  Parser::HeadAction onHeadParsed() override {
    const int status = parser.statusSoFar();
    if (status == 101) {
      parser.fail(400,
                  "the server switched protocols (101), which is not "
                  "supported");
      return Parser::HeadAction::kFail;
    }
    // RFC 9110 6.4.1: these never have a body, whatever their framing
    // fields say.
    if (status >= 100 && status < 200) {
      interim = true;  // 100 Continue & co.: not an answer
      return Parser::HeadAction::kSkipBody;
    }
    if ((!expected.empty() && expected.front()) || status == 204 ||
        status == 304) {
      // The answer to a HEAD, or one without content: the head is handed
      // out with the end.
      headDeferred = true;
      return Parser::HeadAction::kSkipBody;
    }
    return Parser::HeadAction::kPause;
  }

  void onBodyBytes(const char* at, size_t length) override {
    pieces.emplace_back(at, length);
  }

  bool onHead() override {
    fillHead();
    return handler->onHead(head);
  }

  bool onMessage() override {
    if (interim) {  // 100 Continue & co.: not an answer
      interim = false;
      return true;
    }
    if (headDeferred) {
      headDeferred = false;
      fillHead();
      if (!handler->onHead(head)) {
        return stop();
      }
    }
    if (!flush()) {
      return false;
    }
    if (!expected.empty()) {
      expected.pop_front();
    }
    return handler->onComplete() || stop();
  }

  void fillHead() {
    const Parser::Head& parsed = parser.head();
    head.status = parsed.status;
    head.versionMajor = parsed.versionMajor;
    head.versionMinor = parsed.versionMinor;
    head.chunked = parsed.chunked;
    head.keepAlive = parsed.keepAlive;
  }

  bool stop() {
    parser.stop();
    pieces.clear();
    return false;
  }

  bool flush() {
    for (std::string_view piece : pieces) {
      if (!piece.empty() && !handler->onBody(piece)) {
        return stop();
      }
    }
    pieces.clear();
    return true;
  }

  bool feed(const char* data, size_t size, Handler& h) {
    handler = &h;
    if (!parser.feed(data, size)) {
      pieces.clear();
      return false;
    }
    return flush();
  }

  bool finish(Handler& h) {
    handler = &h;
    if (!parser.finish()) {
      pieces.clear();
      return false;
    }
    return true;
  }

  DecodedResponse head;
  Parser parser;
  Handler* handler = nullptr;
  std::deque<bool> expected;  // per response expected: answers a HEAD
  std::vector<std::string_view> pieces;
  bool interim = false;
  bool headDeferred = false;
};

ResponseStreamDecoder::ResponseStreamDecoder(const HttpLimits& limits)
    : state_(std::make_unique<State>(limits)) {}

ResponseStreamDecoder::~ResponseStreamDecoder() = default;

void ResponseStreamDecoder::expect(std::string_view method) {
  state_->expected.push_back(method == "HEAD");
}

bool ResponseStreamDecoder::feed(const char* data, size_t size,
                                 Handler& handler) {
  return state_->feed(data, size, handler);
}

bool ResponseStreamDecoder::finish(Handler& handler) {
  return state_->finish(handler);
}

bool ResponseStreamDecoder::midResponse() const {
  return state_->parser.midMessage();
}

const std::string& ResponseStreamDecoder::error() const {
  return state_->parser.error();
}

}  // namespace process::http::internal
