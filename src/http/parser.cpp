#include "http/parser.hpp"

#include <string>

namespace process::http::internal {

Parser::Parser(MessageKind kind, const HttpLimits& limits,
               std::vector<Header>& headers, Hooks& hooks, bool ownKeepAlive)
    : kind_(kind), limits_(limits), headers_(headers), hooks_(hooks) {
  llhttp_init(&parser_,
              kind == MessageKind::kRequest ? HTTP_REQUEST : HTTP_RESPONSE,
              settings(kind));
  // Any digit.digit passes llhttp, so that our own check can tell an
  // unsupported version (505) from a malformed one (400).
  parser_.lenient_flags |= LENIENT_VERSION;
  if (ownKeepAlive) {
    // llhttp would otherwise drop what follows an "HTTP/1.0 100 Continue"
    // as if the connection had closed.
    parser_.lenient_flags |= LENIENT_KEEP_ALIVE;
  }
  parser_.data = this;
}

llhttp_settings_t Parser::makeSettings(MessageKind kind) {
  llhttp_settings_t s;
  llhttp_settings_init(&s);
  s.on_message_begin = onMessageBegin;
  if (kind == MessageKind::kRequest) {
    s.on_url = onStartLinePiece;
  } else {
    s.on_status = onStartLinePiece;
  }
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

const llhttp_settings_t* Parser::settings(MessageKind kind) {
  static const llhttp_settings_t request = makeSettings(MessageKind::kRequest);
  static const llhttp_settings_t response =
      makeSettings(MessageKind::kResponse);
  return kind == MessageKind::kRequest ? &request : &response;
}

const char* Parser::kind() const {
  return kind_ == MessageKind::kRequest ? "request" : "response";
}

int Parser::fail(int status, std::string message) {
  failed_ = true;
  errorStatus_ = status;
  error_ = std::move(message);
  return HPE_USER;
}

bool Parser::failHeadBytes() {
  fail(431, std::string(kind()) + " headers exceed " +
                std::to_string(limits_.maxHeaderBytes) + " bytes");
  return false;
}

int Parser::failBody() {
  return fail(413, std::string(kind()) + " body exceeds " +
                       std::to_string(limits_.maxBodyBytes) + " bytes");
}

bool Parser::checkVersion() {
  if (parser_.http_major == 1 &&
      (parser_.http_minor == 0 || parser_.http_minor == 1)) {
    return true;
  }
  fail(505, "HTTP version " + std::to_string(parser_.http_major) + "." +
                std::to_string(parser_.http_minor) + " is not supported");
  return false;
}

bool Parser::hasContentLength() const {
  return (parser_.flags & F_CHUNKED) == 0 &&
         (parser_.flags & F_CONTENT_LENGTH) != 0;
}

// llhttp's callbacks: they record, and check what llhttp has validated.

int Parser::onMessageBegin(llhttp_t* p) {
  Parser& s = of(p);
  s.phase_ = Phase::kHead;
  s.headerCount_ = 0;
  s.inField_ = false;
  s.tooManyHeaders_ = false;
  s.trailerBytes_ = 0;
  s.bodyBytes_ = 0;
  s.head_ = Head();
  s.hooks_.onBegin();
  return 0;
}

int Parser::onStartLinePiece(llhttp_t* p, const char* at, size_t length) {
  of(p).hooks_.onStartLine(at, length);
  return 0;
}

int Parser::onVersionComplete(llhttp_t* p) {
  return of(p).checkVersion() ? 0 : HPE_USER;
}

// Limits are checked where llhttp has validated what came before (the end
// of a header name or value, never inside one), so that a message fails
// the same way however its bytes were split.

int Parser::onHeaderField(llhttp_t* p, const char* at, size_t length) {
  Parser& s = of(p);
  if (s.phase_ == Phase::kBody) {  // a trailer: dropped, but counted
    s.trailerBytes_ += length;
    return 0;
  }
  std::vector<Header>& headers = s.headers_;
  if (!s.inField_) {
    s.inField_ = true;
    if (s.headerCount_ == s.limits_.maxHeaders) {
      s.tooManyHeaders_ = true;
      return 0;
    }
    // Entries beyond the count are kept from earlier messages: assigning
    // into them reuses their strings' capacity.
    if (s.headerCount_ == headers.size()) {
      headers.emplace_back();
    } else {
      headers[s.headerCount_].name.clear();
      headers[s.headerCount_].value.clear();
    }
    ++s.headerCount_;
  }
  if (!s.tooManyHeaders_) {
    headers[s.headerCount_ - 1].name.append(at, length);
  }
  return 0;
}

int Parser::onHeaderFieldComplete(llhttp_t* p) {
  Parser& s = of(p);
  s.inField_ = false;
  if (s.phase_ == Phase::kBody) {
    return s.checkTrailers();
  }
  if (s.tooManyHeaders_) {
    return s.fail(431, "more than " + std::to_string(s.limits_.maxHeaders) +
                           " " + s.kind() + " headers");
  }
  return 0;
}

int Parser::onHeaderValue(llhttp_t* p, const char* at, size_t length) {
  Parser& s = of(p);
  if (s.phase_ == Phase::kBody) {
    s.trailerBytes_ += length;
    return 0;
  }
  s.headers_[s.headerCount_ - 1].value.append(at, length);
  return 0;
}

int Parser::onHeaderValueComplete(llhttp_t* p) {
  Parser& s = of(p);
  if (s.phase_ == Phase::kBody) {
    return s.checkTrailers();
  }
  // Whitespace around a field value is not part of it (RFC 9110, 5.5);
  // llhttp leaves the trailing side to us.
  std::string& value = s.headers_[s.headerCount_ - 1].value;
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.pop_back();
  }
  return 0;
}

// Trailers are dropped, but they are still head bytes a peer could send
// without end.
int Parser::checkTrailers() {
  if (headBytes_ + trailerBytes_ > limits_.maxHeaderBytes) {
    return fail(431, std::string(kind()) + " headers and trailers exceed " +
                         std::to_string(limits_.maxHeaderBytes) + " bytes");
  }
  return 0;
}

int Parser::onHeadersComplete(llhttp_t* p) {
  Parser& s = of(p);
  // We never switch protocols: an Upgrade or CONNECT is an ordinary
  // message, and the bytes after it are parsed as HTTP.
  p->upgrade = 0;
  switch (s.hooks_.onHeadParsed()) {
    case HeadAction::kSkipBody:
      return 1;
    case HeadAction::kFail:
      return HPE_USER;
    case HeadAction::kPause:
      break;
  }
  s.pause_ = Pause::kHead;
  return HPE_PAUSED;
}

int Parser::onChunkHeader(llhttp_t* p) {
  Parser& s = of(p);
  // The chunk's announced size is known before its bytes arrive.
  if (p->content_length > s.limits_.maxBodyBytes - s.bodyBytes_) {
    return s.failBody();
  }
  return 0;
}

int Parser::onBody(llhttp_t* p, const char* at, size_t length) {
  Parser& s = of(p);
  if (length > s.limits_.maxBodyBytes - s.bodyBytes_) {
    return s.failBody();
  }
  s.bodyBytes_ += length;
  s.hooks_.onBodyBytes(at, length);
  return 0;
}

int Parser::onMessageComplete(llhttp_t* p) {
  of(p).pause_ = Pause::kMessage;
  return HPE_PAUSED;
}

// From the feed loop.

bool Parser::finishHead() {
  if (headBytes_ > limits_.maxHeaderBytes) {
    return failHeadBytes();
  }
  // llhttp lets HTTP/0.9 requests through without a version callback.
  if (!checkVersion()) {
    return false;
  }
  head_.versionMajor = parser_.http_major;
  head_.versionMinor = parser_.http_minor;
  if (kind_ == MessageKind::kRequest) {
    head_.method =
        llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
  } else {
    head_.status = parser_.status_code;
  }
  head_.chunked = (parser_.flags & F_CHUNKED) != 0;
  head_.keepAlive = llhttp_should_keep_alive(&parser_) != 0;
  if (hasContentLength() && parser_.content_length > limits_.maxBodyBytes) {
    fail(413, std::string(kind()) + " body of " +
                  std::to_string(parser_.content_length) + " bytes exceeds " +
                  std::to_string(limits_.maxBodyBytes) + " bytes");
    return false;
  }
  headers_.resize(headerCount_);
  phase_ = Phase::kBody;
  return true;
}

bool Parser::endMessage() {
  // A message whose body was skipped ends with its head: llhttp decides
  // keep-alive at the end of the message.
  if (phase_ != Phase::kBody && !finishHead()) {
    return false;
  }
  phase_ = Phase::kIdle;
  headBytes_ = 0;
  if (!hooks_.onMessage()) {
    failed_ = true;
    return false;
  }
  return true;
}

bool Parser::failParser(llhttp_errno_t err) {
  if (!failed_) {
    const char* reason = llhttp_get_error_reason(&parser_);
    fail(400, std::string("malformed ") + kind() + ": " +
                  (reason != nullptr ? reason : "") + " (" +
                  llhttp_errno_name(err) + ")");
  }
  return false;
}

bool Parser::feed(const char* data, size_t size) {
  if (failed_) {
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
    const bool inHead = phase_ != Phase::kBody;
    if (inHead) {
      // One byte more than the head may still take: the parser then either
      // completes the head within them or proves it too long, without ever
      // buffering more than the limit.
      const size_t room = limits_.maxHeaderBytes - headBytes_;
      if (n > room) {
        n = room + 1;
      }
    }
    const llhttp_errno_t err = llhttp_execute(&parser_, p, n);
    if (err == HPE_OK) {
      if (inHead) {
        headBytes_ += n;
        if (headBytes_ > limits_.maxHeaderBytes) {
          return failHeadBytes();
        }
      }
      p += n;
      continue;
    }
    if (err != HPE_PAUSED) {
      return failParser(err);
    }
    const char* at = llhttp_get_error_pos(&parser_);
    llhttp_resume(&parser_);
    if (inHead) {
      headBytes_ += static_cast<size_t>(at - p);
    }
    p = at;
    const Pause reason = pause_;
    pause_ = Pause::kNone;
    if (reason == Pause::kHead) {
      if (!finishHead()) {
        return false;
      }
      if (!hooks_.onHead()) {
        failed_ = true;
        return false;
      }
      headJustEnded = true;
    } else if (!endMessage()) {
      return false;
    }
  }
  return true;
}

bool Parser::finish() {
  if (failed_) {
    return false;
  }
  if (phase_ == Phase::kIdle) {
    return true;
  }
  const llhttp_errno_t err = llhttp_finish(&parser_);
  if (err == HPE_PAUSED && pause_ == Pause::kMessage) {
    pause_ = Pause::kNone;
    return endMessage();
  }
  fail(400, std::string(kind()) + " cut short by end of file");
  return false;
}

}  // namespace process::http::internal
