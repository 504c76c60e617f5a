// The HTTP client's response decoder. Like ResponseDecoder (http_decoder.hpp)
// it is incremental and bounded in everything the server controls, but it
// hands a response out in pieces: its head as soon as the head is complete,
// then its body as the bytes arrive (de-chunked), then its end. That is what
// lets a streamed response reach its Pipe::Reader chunk by chunk, on a
// connection whose other responses are read whole. It also knows which
// responses answer a HEAD request (they have no body whatever their
// Content-Length says) and passes over interim 1xx responses.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "http/decoder.hpp"

namespace process::http::internal {

class ResponseStreamDecoder {
 public:
  // What the decoder hands out, in order, for each final response: onHead
  // once, onBody for each piece of the body (never empty), onComplete once.
  // Each returns false to stop decoding: feed() or finish() then returns
  // false at once and the decoder is dead, with an empty error().
  class Handler {
   public:
    virtual bool onHead(DecodedResponse& head) = 0;  // head.body is empty
    virtual bool onBody(std::string_view piece) = 0;
    virtual bool onComplete() = 0;

   protected:
    ~Handler() = default;
  };

  // limits.maxBodyBytes is not enforced here: the handler decides what to
  // keep (a streamed body has no limit).
  explicit ResponseStreamDecoder(const HttpLimits& limits = HttpLimits());
  ~ResponseStreamDecoder();
  ResponseStreamDecoder(const ResponseStreamDecoder&) = delete;
  ResponseStreamDecoder& operator=(const ResponseStreamDecoder&) = delete;

  // The next response not yet expected answers a request with this method;
  // call it once per request sent, in order. A response beyond those
  // expected is decoded as an answer to a GET.
  void expect(std::string_view method);

  // Parses the next `size` bytes. False on malformed input, a head over the
  // limit, or a handler's refusal.
  bool feed(const char* data, size_t size, Handler& handler);
  // The connection reached end of file: completes a response whose body
  // runs to end of file. False if a response was cut short.
  bool finish(Handler& handler);

  // Some bytes of a response not yet complete have been received.
  bool midResponse() const;
  const std::string& error() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace process::http::internal
