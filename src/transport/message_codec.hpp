// libprocess messages as HTTP requests, byte for byte as docs/wire.md
// describes: encoding what we send, recognising and parsing
// what libprocess, compactor and Procession nodes send us.
#pragma once

#include <string>
#include <string_view>

#include <process/address.hpp>
#include <process/pid.hpp>
#include <process/try.hpp>

#include "http/decoder.hpp"

namespace process::transport {

// The HTTP of the wire, from src/http.
using http::internal::DecodedRequest;
using http::internal::DecodedResponse;
using http::internal::equalsIgnoreCase;
using http::internal::Header;
using http::internal::HttpLimits;
using http::internal::RequestDecoder;
using http::internal::ResponseDecoder;

// Appends to `out` the request carrying message `name` with `body` from
// `from` (a UPID as text) to process `toId` at `toAddress`.
void encodeMessage(std::string_view from, std::string_view toId,
                   const Address& toAddress, std::string_view name,
                   std::string_view body, std::string& out);

// A POST with Libprocess-From or a User-Agent starting "libprocess/".
bool isMessage(const DecodedRequest& request);

struct MessageHeader {
  UPID from;
  std::string to;  // the receiving process's id
  std::string name;
};

// The sender (Libprocess-From, else the User-Agent's), the receiver's id
// and the message name from a request for which isMessage() holds. An
// Error says what is wrong (the answer is 400).
//
// The messages on one connection mostly come from one sender: with a
// `senders` cache (one per connection), its text is parsed once.
struct SenderCache {
  std::string text;
  UPID from;
};
Try<MessageHeader> parseMessage(const DecodedRequest& request,
                                SenderCache* senders = nullptr);

// "%41b" -> "Ab"; an Error for a truncated or non-hex escape.
Try<std::string> percentDecode(std::string_view text);

}  // namespace process::transport
