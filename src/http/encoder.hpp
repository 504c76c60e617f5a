// The bytes of HTTP/1.1 that we write: the heads of responses and their
// framing, chunks, the plain answers a server connection sends on its own,
// and the heads of the client's requests. Nothing here does I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <process/http.hpp>
#include <process/try.hpp>

namespace process::http::internal {

// Peers (and our own outbound connections) match an accepted message's
// answer on exactly these bytes.
inline constexpr std::string_view kAcceptedAnswer =
    "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
inline constexpr std::string_view kContinueAnswer =
    "HTTP/1.1 100 Continue\r\n\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// RFC 9110 token characters: methods and field names.
bool isToken(std::string_view text);
// No CR, LF or NUL: nothing that could end a field early.
bool isFieldValue(std::string_view text);

// RFC 9110 6.4.1: answers with these codes never carry content.
bool isBodiless(uint16_t code);

// How a response's body is delimited.
enum class BodyFraming : uint8_t {
  kNone,      // no body and no length (a bodiless code)
  kLength,    // Content-Length
  kChunked,   // Transfer-Encoding: chunked
  kUntilEnd,  // the end of the connection ends it (HTTP/1.0 streams)
};

// The status line ("HTTP/1.1 " and response.status, else
// Status::string(response.code)) and the response's own fields but those
// that frame it (Content-Length, Transfer-Encoding, Connection), with
// "Connection: close" when `close`. Not ended: see endHead().
std::string encodeResponseHead(const http::Response& response, bool close);

// Appends the framing field of `framing` (Content-Length: `length` for
// kLength) and the blank line that ends a head.
void endHead(std::string& head, BodyFraming framing, size_t length = 0);

// A whole answer of our own: Status::string(code), "Connection: close" when
// `close`, a text/plain Content-Type when there is a body, its length and
// the body. encodePlainAnswer(202, "", false) is kAcceptedAnswer.
// The same, appended to `out`.
void appendPlainAnswer(std::string& out, uint16_t code, std::string_view body,
                       bool close);
std::string encodePlainAnswer(uint16_t code, std::string_view body = {},
                              bool close = false);

// One chunk of a chunked body ("%zx\r\n" data "\r\n"); empty data gives
// kLastChunk, which ends the body.
std::string encodeChunk(std::string_view data);
void appendChunk(std::string& out, std::string_view data);

// The head of a request the client sends: the request line, Host (from the
// URL, else defaultHost:defaultPort) unless the request has one, its own
// fields but the framing ones, "Connection: close" unless it keeps the
// connection alive, and the framing (chunked for a PIPE request; a length
// for a body, a POST or a PUT). An Error for a method or field that is not
// a token, or a value that is not a field value.
Try<std::string> encodeRequestHead(const http::Request& request,
                                   std::string_view defaultHost,
                                   uint16_t defaultPort);

}  // namespace process::http::internal
