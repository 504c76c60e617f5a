// Incremental HTTP/1.x decoders over llhttp, bounded in everything a peer
// controls. Bytes go in as they arrive from a socket; complete requests (or
// responses) come out in order. Shared by the message transport and HTTP.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <process/context.hpp>

namespace process::http::internal {

struct HttpLimits {
  size_t maxHeaderBytes = size_t{64} * 1024;  // request/status line and headers
  size_t maxBodyBytes = size_t{64} * 1024 * 1024;
  size_t maxHeaders = 128;
};

// What a context's limits mean for one HTTP decoder.
inline HttpLimits httpLimitsOf(const Context::Limits& limits) {
  return HttpLimits{.maxHeaderBytes = limits.maxHeaderBytes,
                    .maxBodyBytes = limits.maxBodyBytes};
}

struct Header {
  std::string name;  // as sent
  std::string value;

  friend bool operator==(const Header&, const Header&) = default;
};

// ASCII case-insensitive equality, as HTTP compares field names and tokens.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

// The first header named `name` (ASCII case-insensitive), or null.
const std::string* findHeader(const std::vector<Header>& headers,
                              std::string_view name);

struct DecodedRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: "/id/name?x=1#f"
  unsigned versionMajor = 1;
  unsigned versionMinor = 1;
  std::vector<Header> headers;
  std::string body;  // de-chunked
  bool chunked = false;
  bool keepAlive = true;  // what the version and Connection header ask for

  const std::string* header(std::string_view name) const {
    return findHeader(headers, name);
  }

  bool operator==(const DecodedRequest&) const = default;
};

struct DecodedResponse {
  int status = 0;
  std::string reason;
  unsigned versionMajor = 1;
  unsigned versionMinor = 1;
  std::vector<Header> headers;
  std::string body;
  bool chunked = false;
  bool keepAlive = true;

  const std::string* header(std::string_view name) const {
    return findHeader(headers, name);
  }

  bool operator==(const DecodedResponse&) const = default;
};

// One direction of one connection. After an error the decoder is dead:
// every later feed() returns false.
class RequestDecoder {
 public:
  explicit RequestDecoder(const HttpLimits& limits = HttpLimits());
  ~RequestDecoder();
  RequestDecoder(const RequestDecoder&) = delete;
  RequestDecoder& operator=(const RequestDecoder&) = delete;

  // Parses the next `size` bytes; calls onRequest(DecodedRequest&) for each
  // request completed by them, in order (it may move from the request).
  // Returns false on malformed input or a limit exceeded.
  template <typename F>
  bool feed(const char* data, size_t size, F&& onRequest) {
    return feedRaw(
        data, size,
        [](void* f, DecodedRequest& request) {
          (*static_cast<std::remove_reference_t<F>*>(f))(request);
        },
        &onRequest);
  }

  // Some bytes of an unfinished request have been received.
  bool midRequest() const;
  // What was wrong, for a log line; empty while no error.
  const std::string& error() const;
  // The status to answer an error with: 400, 413 (body over the limit),
  // 431 (headers over the limit), 505 (an HTTP version other than 1.x).
  int errorStatus() const;
  // True once per request whose head asked "Expect: 100-continue" and whose
  // body has not started: the server owes it "100 Continue" now.
  bool takeContinue();

 private:
  using Callback = void (*)(void*, DecodedRequest&);
  bool feedRaw(const char* data, size_t size, Callback callback, void* f);
  struct State;
  std::unique_ptr<State> state_;
};

class ResponseDecoder {
 public:
  explicit ResponseDecoder(const HttpLimits& limits = HttpLimits());
  ~ResponseDecoder();
  ResponseDecoder(const ResponseDecoder&) = delete;
  ResponseDecoder& operator=(const ResponseDecoder&) = delete;

  template <typename F>
  bool feed(const char* data, size_t size, F&& onResponse) {
    return feedRaw(
        data, size,
        [](void* f, DecodedResponse& response) {
          (*static_cast<std::remove_reference_t<F>*>(f))(response);
        },
        &onResponse);
  }
  // The connection reached end of file: completes a response whose body
  // runs to EOF. Returns false if a response was cut short.
  template <typename F>
  bool finish(F&& onResponse) {
    return finishRaw(
        [](void* f, DecodedResponse& response) {
          (*static_cast<std::remove_reference_t<F>*>(f))(response);
        },
        &onResponse);
  }

  bool midResponse() const;
  const std::string& error() const;

 private:
  using Callback = void (*)(void*, DecodedResponse&);
  bool feedRaw(const char* data, size_t size, Callback callback, void* f);
  bool finishRaw(Callback callback, void* f);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace process::http::internal
