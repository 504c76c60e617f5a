// The one llhttp driver under every HTTP/1.x decoder (decoder.hpp,
// stream_decoder.hpp): it owns the llhttp parser and everything a peer could
// push against (head bytes, header count, body bytes, trailers, the
// version), assembles the head's fields, and hands each head and each
// message end to its owner from the feed loop, never from inside llhttp's C
// callbacks, so that the owner may run user code there (which may throw).
// The parser pauses itself at the end of each head and of each message,
// which gives exact byte positions.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "http/decoder.hpp"

namespace process::http::internal {

enum class MessageKind : uint8_t { kRequest, kResponse };

class Parser {
 public:
  // What the head of a message says once it is whole, beyond its fields.
  struct Head {
    unsigned versionMajor = 1;
    unsigned versionMinor = 1;
    const char* method = "";  // of a request
    int status = 0;           // of a response
    bool chunked = false;
    bool keepAlive = true;
  };

  // What llhttp does once the head is parsed.
  enum class HeadAction : uint8_t {
    kPause,     // the head goes to onHead() from the feed loop
    kSkipBody,  // no body, whatever the framing says; the message ends now
    kFail,      // the hook called fail()
  };

  class Hooks {
   public:
    // From inside llhttp: they only record.
    virtual void onBegin() = 0;  // a message starts
    // A piece of a request's target or a response's reason phrase.
    virtual void onStartLine(const char* at, size_t length) = 0;
    virtual HeadAction onHeadParsed() { return HeadAction::kPause; }
    virtual void onBodyBytes(const char* at, size_t length) = 0;
    // From the feed loop. False stops the parser for good.
    virtual bool onHead() = 0;  // head() and the fields are final
    // The message ended; the parser is idle again. A message whose body was
    // skipped gets no onHead() first.
    virtual bool onMessage() = 0;

   protected:
    ~Hooks() = default;
  };

  // The head's fields go to `headers` (entries past the current count keep
  // their capacity for the next message). `ownKeepAlive`: llhttp does not
  // decide that the connection ends (the client decides, after an
  // HTTP/1.0 interim answer for instance).
  Parser(MessageKind kind, const HttpLimits& limits,
         std::vector<Header>& headers, Hooks& hooks, bool ownKeepAlive = false);
  ~Parser() = default;
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // False on malformed input, a limit exceeded or a hook's refusal; after
  // that every call returns false.
  bool feed(const char* data, size_t size);
  // End of file: completes a message whose body runs to it.
  bool finish();

  // Records an error (the parser is dead); returns llhttp's HPE_USER.
  int fail(int status, std::string message);
  // Stops the parser without an error (a hook's owner said so).
  void stop() { failed_ = true; }

  const Head& head() const { return head_; }
  // A response's status code while its head is being parsed (for
  // onHeadParsed(), before head() is final).
  int statusSoFar() const { return parser_.status_code; }
  bool midMessage() const { return phase_ != Phase::kIdle; }
  bool inBody() const { return phase_ == Phase::kBody; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  int errorStatus() const { return errorStatus_; }
  const HttpLimits& limits() const { return limits_; }
  // The Content-Length of the current message, if it has one (and is not
  // chunked).
  bool hasContentLength() const;
  uint64_t contentLength() const { return parser_.content_length; }

 private:
  enum class Phase : uint8_t { kIdle, kHead, kBody };
  enum class Pause : uint8_t { kNone, kHead, kMessage };

  static Parser& of(llhttp_t* parser) {
    return *static_cast<Parser*>(parser->data);
  }
  static const llhttp_settings_t* settings(MessageKind kind);
  static llhttp_settings_t makeSettings(MessageKind kind);

  static int onMessageBegin(llhttp_t* p);
  static int onStartLinePiece(llhttp_t* p, const char* at, size_t length);
  static int onVersionComplete(llhttp_t* p);
  static int onHeaderField(llhttp_t* p, const char* at, size_t length);
  static int onHeaderFieldComplete(llhttp_t* p);
  static int onHeaderValue(llhttp_t* p, const char* at, size_t length);
  static int onHeaderValueComplete(llhttp_t* p);
  static int onHeadersComplete(llhttp_t* p);
  static int onChunkHeader(llhttp_t* p);
  static int onBody(llhttp_t* p, const char* at, size_t length);
  static int onMessageComplete(llhttp_t* p);

  const char* kind() const;
  bool checkVersion();
  int checkTrailers();
  int failBody();
  bool failHeadBytes();
  bool failParser(llhttp_errno_t err);
  bool finishHead();
  bool endMessage();

  llhttp_t parser_{};
  MessageKind kind_;
  HttpLimits limits_;
  std::vector<Header>& headers_;
  Hooks& hooks_;
  Head head_;
  size_t headerCount_ = 0;  // of headers_, the current message's
  size_t headBytes_ = 0;    // consumed since the last message ended
  size_t trailerBytes_ = 0;
  size_t bodyBytes_ = 0;
  Phase phase_ = Phase::kIdle;
  Pause pause_ = Pause::kNone;
  bool inField_ = false;
  bool tooManyHeaders_ = false;
  bool failed_ = false;
  int errorStatus_ = 0;
  std::string error_;
};

}  // namespace process::http::internal
