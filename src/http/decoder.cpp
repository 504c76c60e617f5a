// Incremental HTTP/1.x decoding over llhttp. The parser pauses itself at the
// end of each head and of each message, which gives exact byte positions:
// that is how the head limit is enforced precisely and how completed
// messages are handed out from the feed loop rather than from inside
// llhttp's C callbacks (a user callback may throw).
#include "http/decoder.hpp"

#include <llhttp.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace process::http::internal {

namespace {

// Body buffers reserved ahead from a Content-Length: a peer announcing a
// large body must send it before we commit the memory.
constexpr size_t kMaxReserve = size_t{256} * 1024;
// A buffer grown past this by one message is released afterwards, so an
// idle connection does not hold on to its largest message.
constexpr size_t kMaxRetained = size_t{1024} * 1024;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

enum class Phase : uint8_t { Idle, Head, Body };
enum class Pause : uint8_t { None, HeadersComplete, MessageComplete };

template <typename Message>
constexpr bool kIsRequest = std::is_same_v<Message, DecodedRequest>;

// What a request and a response decoder share: the parser, the message
// being assembled and the limits' bookkeeping.
template <typename Message>
struct Decoder {
  using Callback = void (*)(void*, Message&);

  Decoder(const HttpLimits& limits, const llhttp_settings_t* settings)
      : limits(limits) {
    llhttp_init(&parser, kIsRequest<Message> ? HTTP_REQUEST : HTTP_RESPONSE,
                settings);
    // Any digit.digit passes llhttp, so that our own check can tell an
    // unsupported version (505) from a malformed one (400).
    parser.lenient_flags |= LENIENT_VERSION;
    parser.data = this;
  }

  static Decoder& of(llhttp_t* parser) {
    return *static_cast<Decoder*>(parser->data);
  }

  static constexpr const char* kind() {
    return kIsRequest<Message> ? "request" : "response";
  }

  int fail(int status, std::string message) {
    failed = true;
    errorStatus = status;
    error = std::move(message);
    return HPE_USER;
  }

  int failHeadBytes() {
    return fail(431, std::string(kind()) + " headers exceed " +
                         std::to_string(limits.maxHeaderBytes) + " bytes");
  }

  int failBody() {
    return fail(413, std::string(kind()) + " body exceeds " +
                         std::to_string(limits.maxBodyBytes) + " bytes");
  }

  static int onMessageBegin(llhttp_t* p) {
    Decoder& d = of(p);
    d.phase = Phase::Head;
    d.headerCount = 0;
    d.inField = false;
    d.tooManyHeaders = false;
    d.trailerBytes = 0;
    Message& m = d.message;
    if constexpr (kIsRequest<Message>) {
      m.method.clear();
      m.target.clear();
    } else {
      m.status = 0;
      m.reason.clear();
    }
    m.body.clear();
    m.chunked = false;
    return 0;
  }

  static int onUrl(llhttp_t* p, const char* at, size_t length) {
    if constexpr (kIsRequest<Message>) {
      of(p).message.target.append(at, length);
    }
    return 0;
  }

  static int onStatus(llhttp_t* p, const char* at, size_t length) {
    if constexpr (!kIsRequest<Message>) {
      of(p).message.reason.append(at, length);
    }
    return 0;
  }

  static int onVersionComplete(llhttp_t* p) {
    return of(p).checkVersion() ? 0 : HPE_USER;
  }

  bool checkVersion() {
    if (parser.http_major == 1 &&
        (parser.http_minor == 0 || parser.http_minor == 1)) {
      return true;
    }
    fail(505, "HTTP version " + std::to_string(parser.http_major) + "." +
                  std::to_string(parser.http_minor) + " is not supported");
    return false;
  }

  // Limits are checked where llhttp has validated what came before (the
  // end of a header name or value, never inside one), so that a request
  // fails the same way however its bytes were split.

  static int onHeaderField(llhttp_t* p, const char* at, size_t length) {
    Decoder& d = of(p);
    if (d.phase == Phase::Body) {
      d.trailerBytes += length;
      return 0;
    }
    std::vector<Header>& headers = d.message.headers;
    if (!d.inField) {
      d.inField = true;
      if (d.headerCount == d.limits.maxHeaders) {
        d.tooManyHeaders = true;
        return 0;
      }
      // Entries beyond the count are kept from earlier messages: assigning
      // into them reuses their strings' capacity.
      if (d.headerCount == headers.size()) {
        headers.emplace_back();
      } else {
        headers[d.headerCount].name.clear();
        headers[d.headerCount].value.clear();
      }
      ++d.headerCount;
    }
    if (!d.tooManyHeaders) {
      headers[d.headerCount - 1].name.append(at, length);
    }
    return 0;
  }

  static int onHeaderFieldComplete(llhttp_t* p) {
    Decoder& d = of(p);
    d.inField = false;
    if (d.phase == Phase::Body) {
      return d.checkTrailers();
    }
    if (d.tooManyHeaders) {
      return d.fail(431, "more than " + std::to_string(d.limits.maxHeaders) +
                             " " + kind() + " headers");
    }
    return 0;
  }

  static int onHeaderValue(llhttp_t* p, const char* at, size_t length) {
    Decoder& d = of(p);
    if (d.phase == Phase::Body) {
      d.trailerBytes += length;
      return 0;
    }
    d.message.headers[d.headerCount - 1].value.append(at, length);
    return 0;
  }

  static int onHeaderValueComplete(llhttp_t* p) {
    Decoder& d = of(p);
    if (d.phase == Phase::Body) {
      return d.checkTrailers();
    }
    // Whitespace around a field value is not part of it (RFC 9110, 5.5);
    // llhttp leaves the trailing side to us.
    std::string& value = d.message.headers[d.headerCount - 1].value;
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
      value.pop_back();
    }
    return 0;
  }

  // Trailers are dropped, but they are still head bytes a peer could send
  // without end.
  int checkTrailers() {
    if (headBytes + trailerBytes > limits.maxHeaderBytes) {
      return fail(431, std::string(kind()) + " headers and trailers exceed " +
                           std::to_string(limits.maxHeaderBytes) + " bytes");
    }
    return 0;
  }

  static int onHeadersComplete(llhttp_t* p) {
    Decoder& d = of(p);
    // We never switch protocols: an Upgrade or CONNECT is an ordinary
    // message, and the bytes after it are parsed as HTTP.
    p->upgrade = 0;
    d.pause = Pause::HeadersComplete;
    return HPE_PAUSED;
  }

  static int onChunkHeader(llhttp_t* p) {
    Decoder& d = of(p);
    // The chunk's announced size is known before its bytes arrive.
    if (p->content_length > d.limits.maxBodyBytes - d.message.body.size()) {
      return d.failBody();
    }
    return 0;
  }

  static int onBody(llhttp_t* p, const char* at, size_t length) {
    Decoder& d = of(p);
    std::string& body = d.message.body;
    if (length > d.limits.maxBodyBytes - body.size()) {
      return d.failBody();
    }
    body.append(at, length);
    return 0;
  }

  static int onMessageComplete(llhttp_t* p) {
    of(p).pause = Pause::MessageComplete;
    return HPE_PAUSED;
  }

  static llhttp_settings_t makeSettings() {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = onMessageBegin;
    s.on_url = onUrl;
    s.on_status = onStatus;
    s.on_version_complete = onVersionComplete;
    s.on_header_field = onHeaderField;
    s.on_header_field_complete = onHeaderFieldComplete;
    s.on_header_value = onHeaderValue;
    s.on_header_value_complete = onHeaderValueComplete;
    s.on_headers_complete = onHeadersComplete;
    s.on_chunk_header = onChunkHeader;
    s.on_body = onBody;
    s.on_message_complete = onMessageComplete;
    return s;
  }

  static const llhttp_settings_t* settings() {
    static const llhttp_settings_t s = makeSettings();
    return &s;
  }

  // At the end of the head, with the parser paused there.
  bool headersComplete() {
    if (headBytes > limits.maxHeaderBytes) {
      failHeadBytes();
      return false;
    }
    // llhttp lets HTTP/0.9 requests through without a version callback.
    if (!checkVersion()) {
      return false;
    }
    Message& m = message;
    m.versionMajor = parser.http_major;
    m.versionMinor = parser.http_minor;
    if constexpr (kIsRequest<Message>) {
      m.method.assign(
          llhttp_method_name(static_cast<llhttp_method_t>(parser.method)));
    } else {
      m.status = parser.status_code;
    }
    m.chunked = (parser.flags & F_CHUNKED) != 0;
    m.keepAlive = llhttp_should_keep_alive(&parser) != 0;
    if (!m.chunked && (parser.flags & F_CONTENT_LENGTH) != 0) {
      if (parser.content_length > limits.maxBodyBytes) {
        fail(413, std::string(kind()) + " body of " +
                      std::to_string(parser.content_length) +
                      " bytes exceeds " + std::to_string(limits.maxBodyBytes) +
                      " bytes");
        return false;
      }
      m.body.reserve(std::min<size_t>(parser.content_length, kMaxReserve));
    }
    if constexpr (kIsRequest<Message>) {
      expectsContinue = m.versionMinor >= 1 && asksToContinue();
    }
    phase = Phase::Body;
    return true;
  }

  // "Expect: 100-continue" among this head's fields (the vector may hold
  // stale fields of an earlier message past headerCount).
  bool asksToContinue() const {
    for (size_t i = 0; i < headerCount && i < message.headers.size(); ++i) {
      const Header& header = message.headers[i];
      if (equalsIgnoreCase(header.name, "Expect") &&
          equalsIgnoreCase(header.value, "100-continue")) {
        return true;
      }
    }
    return false;
  }

  void deliver(Callback callback, void* f) {
    phase = Phase::Idle;
    expectsContinue = false;
    headBytes = 0;
    message.headers.resize(headerCount);
    callback(f, message);
    if (message.body.capacity() > kMaxRetained) {
      std::string().swap(message.body);
    }
  }

  bool failParser(llhttp_errno_t err) {
    if (!failed) {
      const char* reason = llhttp_get_error_reason(&parser);
      fail(400, std::string("malformed ") + kind() + ": " +
                    (reason != nullptr ? reason : "") + " (" +
                    llhttp_errno_name(err) + ")");
    }
    return false;
  }

  bool feed(const char* data, size_t size, Callback callback, void* f) {
    if (failed) {
      return false;
    }
    const char* p = data;
    const char* const end = data + size;
    // After the head, llhttp completes a message without a body only when
    // executed again, even on no bytes.
    bool headJustEnded = false;
    while (p != end || headJustEnded) {
      headJustEnded = false;
      size_t n = static_cast<size_t>(end - p);
      const bool inHead = phase != Phase::Body;
      if (inHead) {
        // One byte more than the head may still take: the parser then
        // either completes the head within them or proves it too long,
        // without ever buffering more than the limit.
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
            failHeadBytes();
            return false;
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
      pause = Pause::None;
      if (reason == Pause::HeadersComplete) {
        if (!headersComplete()) {
          return false;
        }
        headJustEnded = true;
      } else {
        deliver(callback, f);
      }
    }
    return true;
  }

  bool finish(Callback callback, void* f) {
    if (failed) {
      return false;
    }
    if (phase == Phase::Idle) {
      return true;
    }
    const llhttp_errno_t err = llhttp_finish(&parser);
    if (err == HPE_PAUSED && pause == Pause::MessageComplete) {
      pause = Pause::None;
      deliver(callback, f);
      return true;
    }
    fail(400, std::string(kind()) + " cut short by end of file");
    return false;
  }

  llhttp_t parser{};
  HttpLimits limits;
  Message message;
  size_t headerCount = 0;  // of message.headers, the current message's
  size_t headBytes = 0;    // consumed since the last message ended
  size_t trailerBytes = 0;
  Phase phase = Phase::Idle;
  Pause pause = Pause::None;
  bool inField = false;
  bool tooManyHeaders = false;
  bool failed = false;
  bool expectsContinue = false;  // and not yet told to
  int errorStatus = 0;
  std::string error;
};

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

const std::string* findHeader(const std::vector<Header>& headers,
                              std::string_view name) {
  for (const Header& header : headers) {
    if (equalsIgnoreCase(header.name, name)) {
      return &header.value;
    }
  }
  return nullptr;
}

struct RequestDecoder::State : Decoder<DecodedRequest> {
  explicit State(const HttpLimits& limits)
      : Decoder(limits, Decoder::settings()) {}
};

RequestDecoder::RequestDecoder(const HttpLimits& limits)
    : state_(std::make_unique<State>(limits)) {}

RequestDecoder::~RequestDecoder() = default;

bool RequestDecoder::feedRaw(const char* data, size_t size, Callback callback,
                             void* f) {
  return state_->feed(data, size, callback, f);
}

bool RequestDecoder::midRequest() const {
  return state_->phase != Phase::Idle;
}

const std::string& RequestDecoder::error() const {
  return state_->error;
}

int RequestDecoder::errorStatus() const {
  return state_->errorStatus;
}

bool RequestDecoder::takeContinue() {
  State& s = *state_;
  if (!s.expectsContinue || s.failed || s.phase != Phase::Body) {
    return false;
  }
  s.expectsContinue = false;
  // A client that sent its body without waiting needs no interim answer.
  return s.message.body.empty();
}

struct ResponseDecoder::State : Decoder<DecodedResponse> {
  explicit State(const HttpLimits& limits)
      : Decoder(limits, Decoder::settings()) {}
};

ResponseDecoder::ResponseDecoder(const HttpLimits& limits)
    : state_(std::make_unique<State>(limits)) {}

ResponseDecoder::~ResponseDecoder() = default;

bool ResponseDecoder::feedRaw(const char* data, size_t size, Callback callback,
                              void* f) {
  return state_->feed(data, size, callback, f);
}

bool ResponseDecoder::finishRaw(Callback callback, void* f) {
  return state_->finish(callback, f);
}

bool ResponseDecoder::midResponse() const {
  return state_->phase != Phase::Idle;
}

const std::string& ResponseDecoder::error() const {
  return state_->error;
}

}  // namespace process::http::internal
