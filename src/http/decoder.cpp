// The request and response decoders: whole messages over the one llhttp
// driver (parser.hpp), which hands each one out from its feed loop rather
// than from inside llhttp's C callbacks (a user callback may throw).
#include "http/decoder.hpp"

#include <algorithm>
#include <string>

#include "http/parser.hpp"

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

template <typename Message>
constexpr bool kIsRequest = std::is_same_v<Message, DecodedRequest>;

// A message assembled whole, body included, for a callback.
template <typename Message>
struct WholeMessages : Parser::Hooks {
  using Callback = void (*)(void*, Message&);

  explicit WholeMessages(const HttpLimits& limits)
      : parser(kIsRequest<Message> ? MessageKind::kRequest
                                   : MessageKind::kResponse,
               limits, message.headers, *this) {}

  void onBegin() override {
    if constexpr (kIsRequest<Message>) {
      message.method.clear();
      message.target.clear();
    } else {
      message.status = 0;
      message.reason.clear();
    }
    message.body.clear();
    message.chunked = false;
  }

  void onStartLine(const char* at, size_t length) override {
    if constexpr (kIsRequest<Message>) {
      message.target.append(at, length);
    } else {
      message.reason.append(at, length);
    }
  }

  void onBodyBytes(const char* at, size_t length) override {
    message.body.append(at, length);
  }

  bool onHead() override {
    const Parser::Head& head = parser.head();
    message.versionMajor = head.versionMajor;
    message.versionMinor = head.versionMinor;
    if constexpr (kIsRequest<Message>) {
      message.method.assign(head.method);
      expectsContinue = head.versionMinor >= 1 && asksToContinue();
    } else {
      message.status = head.status;
    }
    message.chunked = head.chunked;
    message.keepAlive = head.keepAlive;
    if (parser.hasContentLength()) {
      message.body.reserve(
          std::min<size_t>(parser.contentLength(), kMaxReserve));
    }
    return true;
  }

  bool onMessage() override {
    expectsContinue = false;
    callback(f, message);
    if (message.body.capacity() > kMaxRetained) {
      std::string().swap(message.body);
    }
    return true;
  }

  bool asksToContinue() const {
    for (const Header& header : message.headers) {
      if (equalsIgnoreCase(header.name, "Expect") &&
          equalsIgnoreCase(header.value, "100-continue")) {
        return true;
      }
    }
    return false;
  }

  bool feed(const char* data, size_t size, Callback c, void* state) {
    callback = c;
    f = state;
    return parser.feed(data, size);
  }

  bool finish(Callback c, void* state) {
    callback = c;
    f = state;
    return parser.finish();
  }

  Message message;
  Parser parser;
  Callback callback = nullptr;
  void* f = nullptr;
  bool expectsContinue = false;  // and not yet told to
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

struct RequestDecoder::State final : WholeMessages<DecodedRequest> {
  using WholeMessages::WholeMessages;
};

RequestDecoder::RequestDecoder(const HttpLimits& limits)
    : state_(std::make_unique<State>(limits)) {}

RequestDecoder::~RequestDecoder() = default;

bool RequestDecoder::feedRaw(const char* data, size_t size, Callback callback,
                             void* f) {
  return state_->feed(data, size, callback, f);
}

bool RequestDecoder::midRequest() const {
  return state_->parser.midMessage();
}

const std::string& RequestDecoder::error() const {
  return state_->parser.error();
}

int RequestDecoder::errorStatus() const {
  return state_->parser.errorStatus();
}

bool RequestDecoder::takeContinue() {
  State& s = *state_;
  if (!s.expectsContinue || s.parser.failed() || !s.parser.inBody()) {
    return false;
  }
  s.expectsContinue = false;
  // A client that sent its body without waiting needs no interim answer.
  return s.message.body.empty();
}

struct ResponseDecoder::State final : WholeMessages<DecodedResponse> {
  using WholeMessages::WholeMessages;
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
  return state_->parser.midMessage();
}

const std::string& ResponseDecoder::error() const {
  return state_->parser.error();
}

}  // namespace process::http::internal
