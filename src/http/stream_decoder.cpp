// The client's response decoder over llhttp. The parser pauses itself at the
// end of a final response's head and at the end of each final response, so
// that the head and the end are handed out from the feed loop, never from
// inside llhttp's C callbacks (a handler completes futures, which runs user
// code). Body bytes are collected as views into the caller's buffer and
// handed out at each pause and at the end of each feed().
#include "http/stream_decoder.hpp"

#include <llhttp.h>

#include <string>
#include <vector>

namespace process::http::internal {

namespace {

enum class Phase : uint8_t { kIdle, kHead, kBody };
enum class Pause : uint8_t { kNone, kHead, kInterim, kComplete };

}  // namespace

struct ResponseStreamDecoder::State {
  explicit State(const HttpLimits& limits) : limits(limits) {
    llhttp_init(&parser, HTTP_RESPONSE, settings());
    // Any digit.digit passes llhttp; our own check refuses what is not 1.x.
    // Whether the connection stays open is the client's decision (it closes
    // after a response that says so); llhttp would otherwise drop what
    // follows an "HTTP/1.0 100 Continue" as if the connection had closed.
    parser.lenient_flags |= LENIENT_VERSION | LENIENT_KEEP_ALIVE;
    parser.data = this;
  }

  static State& of(llhttp_t* p) { return *static_cast<State*>(p->data); }

  int fail(std::string message) {
    failed = true;
    error = std::move(message);
    return HPE_USER;
  }

  bool failHead() {
    fail("response headers exceed " + std::to_string(limits.maxHeaderBytes) +
         " bytes");
    return false;
  }

  bool failVersion() {
    fail("HTTP version " + std::to_string(parser.http_major) + "." +
         std::to_string(parser.http_minor) + " is not supported");
    return false;
  }

  bool versionOk() const {
    return parser.http_major == 1 &&
           (parser.http_minor == 0 || parser.http_minor == 1);
  }

  // llhttp's callbacks: they only record.

  static int onMessageBegin(llhttp_t* p) {
    State& s = of(p);
    s.phase = Phase::kHead;
    s.head = DecodedResponse();
    s.inField = false;
    s.trailerBytes = 0;
    s.interim = false;
    s.headDeferred = false;
    return 0;
  }

  static int onStatus(llhttp_t* p, const char* at, size_t length) {
    of(p).head.reason.append(at, length);
    return 0;
  }

  static int onVersionComplete(llhttp_t* p) {
    State& s = of(p);
    return s.versionOk() ? 0 : (s.failVersion(), HPE_USER);
  }

  static int onHeaderField(llhttp_t* p, const char* at, size_t length) {
    State& s = of(p);
    if (s.phase == Phase::kBody) {  // a trailer: dropped, but counted
      s.trailerBytes += length;
      return 0;
    }
    std::vector<Header>& headers = s.head.headers;
    if (!s.inField) {
      s.inField = true;
      headers.emplace_back();
    }
    headers.back().name.append(at, length);
    return 0;
  }

  static int onHeaderFieldComplete(llhttp_t* p) {
    State& s = of(p);
    s.inField = false;
    if (s.phase == Phase::kBody) {
      return s.checkTrailers();
    }
    // Counted once llhttp has accepted the name, so that the error does not
    // depend on how the bytes arrived.
    if (s.head.headers.size() > s.limits.maxHeaders) {
      return s.fail("more than " + std::to_string(s.limits.maxHeaders) +
                    " response headers");
    }
    return 0;
  }

  static int onHeaderValue(llhttp_t* p, const char* at, size_t length) {
    State& s = of(p);
    if (s.phase == Phase::kBody) {
      s.trailerBytes += length;
      return 0;
    }
    s.head.headers.back().value.append(at, length);
    return 0;
  }

  static int onHeaderValueComplete(llhttp_t* p) {
    State& s = of(p);
    if (s.phase == Phase::kBody) {
      return s.checkTrailers();
    }
    std::string& value = s.head.headers.back().value;
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
      value.pop_back();
    }
    return 0;
  }

  int checkTrailers() {
    if (trailerBytes > limits.maxHeaderBytes) {
      return fail("response trailers exceed " +
                  std::to_string(limits.maxHeaderBytes) + " bytes");
    }
    return 0;
  }

  static int onHeadersComplete(llhttp_t* p) {
    State& s = of(p);
    p->upgrade = 0;
    const int status = p->status_code;
    if (status == 101) {
      return s.fail(
          "the server switched protocols (101), which is not "
          "supported");
    }
    // RFC 9110 6.4.1: these never have a body, whatever their framing
    // fields say; llhttp skips it when told so here.
    if (status >= 100 && status < 200) {
      s.interim = true;  // 100 Continue & co.: not an answer
      return 1;
    }
    if ((!s.expected.empty() && s.expected.front()) || status == 204 ||
        status == 304) {
      // The answer to a HEAD, or one without content: the head is handed
      // out with the end.
      s.headDeferred = true;
      return 1;
    }
    s.pause = Pause::kHead;
    return HPE_PAUSED;
  }

  static int onBody(llhttp_t* p, const char* at, size_t length) {
    of(p).pieces.emplace_back(at, length);
    return 0;
  }

  static int onMessageComplete(llhttp_t* p) {
    State& s = of(p);
    if (s.interim) {
      // Paused, so that the feed loop knows where the next head begins.
      s.pause = Pause::kInterim;
      return HPE_PAUSED;
    }
    s.pause = Pause::kComplete;
    return HPE_PAUSED;
  }

  static const llhttp_settings_t* settings() {
    static const llhttp_settings_t s = [] {
      llhttp_settings_t t;
      llhttp_settings_init(&t);
      t.on_message_begin = onMessageBegin;
      t.on_status = onStatus;
      t.on_version_complete = onVersionComplete;
      t.on_header_field = onHeaderField;
      t.on_header_field_complete = onHeaderFieldComplete;
      t.on_header_value = onHeaderValue;
      t.on_header_value_complete = onHeaderValueComplete;
      t.on_headers_complete = onHeadersComplete;
      t.on_body = onBody;
      t.on_message_complete = onMessageComplete;
      return t;
    }();
    return &s;
  }

  // From the feed loop.

  bool stop() {
    failed = true;
    error.clear();
    pieces.clear();
    return false;
  }

  bool headComplete() {
    if (headBytes > limits.maxHeaderBytes) {
      return failHead();
    }
    if (!versionOk()) {
      return failVersion();
    }
    head.status = parser.status_code;
    head.versionMajor = parser.http_major;
    head.versionMinor = parser.http_minor;
    head.chunked = (parser.flags & F_CHUNKED) != 0;
    head.keepAlive = llhttp_should_keep_alive(&parser) != 0;
    phase = Phase::kBody;
    return true;
  }

  bool flush(Handler& handler) {
    for (std::string_view piece : pieces) {
      if (!piece.empty() && !handler.onBody(piece)) {
        return stop();
      }
    }
    pieces.clear();
    return true;
  }

  bool complete(Handler& handler) {
    if (headDeferred) {
      headDeferred = false;
      if (!headComplete()) {
        return false;
      }
      // llhttp decides keep-alive at the end of the message.
      head.keepAlive = llhttp_should_keep_alive(&parser) != 0;
      if (!handler.onHead(head)) {
        return stop();
      }
    }
    if (!flush(handler)) {
      return false;
    }
    phase = Phase::kIdle;
    headBytes = 0;
    if (!expected.empty()) {
      expected.pop_front();
    }
    return handler.onComplete() || stop();
  }

  bool failParser(llhttp_errno_t err) {
    pieces.clear();
    if (!failed) {
      const char* reason = llhttp_get_error_reason(&parser);
      fail(std::string("malformed response: ") +
           (reason != nullptr ? reason : "") + " (" + llhttp_errno_name(err) +
           ")");
    }
    return false;
  }

  bool feed(const char* data, size_t size, Handler& handler) {
    if (failed) {
      return false;
    }
    const char* p = data;
    const char* const end = data + size;
    // After a head, llhttp completes a message without a body only when
    // executed again, even on no bytes.
    bool again = false;
    while (p != end || again) {
      again = false;
      size_t n = static_cast<size_t>(end - p);
      const bool inHead = phase != Phase::kBody;
      if (inHead) {
        // One byte more than the head may still take: the parser either
        // ends the head within them or proves it too long.
        const size_t room = limits.maxHeaderBytes - headBytes;
        if (n > room) {
          n = room + 1;
        }
      }
      const llhttp_errno_t err = llhttp_execute(&parser, p, n);
      if (err == HPE_OK) {
        if (inHead) {
          headBytes += n;
          if (headBytes > limits.maxHeaderBytes) {
            pieces.clear();
            return failHead();
          }
        }
        p += n;
        continue;
      }
      if (err != HPE_PAUSED) {
        return failParser(err);
      }
      const char* at = llhttp_get_error_pos(&parser);
      llhttp_resume(&parser);
      if (inHead) {
        headBytes += static_cast<size_t>(at - p);
      }
      p = at;
      const Pause reason = pause;
      pause = Pause::kNone;
      if (reason == Pause::kHead) {
        if (!headComplete()) {
          return false;
        }
        if (!handler.onHead(head)) {
          return stop();
        }
        again = true;
      } else if (reason == Pause::kInterim) {
        interim = false;
        phase = Phase::kIdle;
        headBytes = 0;
      } else if (!complete(handler)) {
        return false;
      }
    }
    return flush(handler);
  }

  bool finish(Handler& handler) {
    if (failed) {
      return false;
    }
    if (phase == Phase::kIdle) {
      return true;
    }
    const llhttp_errno_t err = llhttp_finish(&parser);
    if (err == HPE_PAUSED && pause == Pause::kComplete) {
      pause = Pause::kNone;
      return complete(handler);
    }
    fail("response cut short by end of file");
    return false;
  }

  llhttp_t parser{};
  HttpLimits limits;
  DecodedResponse head;
  std::deque<bool> expected;  // per response expected: answers a HEAD
  std::vector<std::string_view> pieces;
  size_t headBytes = 0;  // since the last response ended
  size_t trailerBytes = 0;
  Phase phase = Phase::kIdle;
  Pause pause = Pause::kNone;
  bool inField = false;
  bool interim = false;
  bool headDeferred = false;
  bool failed = false;
  std::string error;
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
  return state_->phase != Phase::kIdle;
}

const std::string& ResponseStreamDecoder::error() const {
  return state_->error;
}

}  // namespace process::http::internal
