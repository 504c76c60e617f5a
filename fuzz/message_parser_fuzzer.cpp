// Fuzzes what a node does with each request it receives: recognise a
// message and parse its sender, receiver and name. A message that parses
// must survive being sent on: encoded as we encode, decoded and parsed
// again, it must give back the same header and body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <process/pid.hpp>

#include "http/decoder.hpp"
#include "transport/message_codec.hpp"

namespace {

using process::Address;
using process::Try;
using process::UPID;
using process::http::internal::DecodedRequest;
using process::http::internal::HttpLimits;
using process::transport::MessageHeader;
using process::http::internal::RequestDecoder;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void roundTrip(const MessageHeader& header, const std::string& body) {
  std::string wire;
  process::transport::encodeMessage(process::stringify(header.from), header.to,
                                  header.from.address, header.name, body, wire);
  RequestDecoder decoder;
  int count = 0;
  const bool ok =
      decoder.feed(wire.data(), wire.size(), [&](DecodedRequest& request) {
        ++count;
        check(process::transport::isMessage(request));
        check(request.body == body);
        Try<MessageHeader> again = process::transport::parseMessage(request);
        check(again.isSome());
        check(again->from == header.from);
        check(again->to == header.to);
        check(again->name == header.name);
      });
  check(ok);
  check(count == 1);
  check(!decoder.midRequest());
}

void handle(DecodedRequest& request) {
  if (!process::transport::isMessage(request)) {
    return;
  }
  Try<MessageHeader> header = process::transport::parseMessage(request);
  if (header.isError()) {
    check(!header.error().empty());
    return;
  }
  check(!header->to.empty() && !header->name.empty());
  roundTrip(header.get(), request.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const char* data = reinterpret_cast<const char*>(bytes);
  HttpLimits limits;
  limits.maxHeaderBytes = 2048;
  limits.maxBodyBytes = 1024;
  limits.maxHeaders = 16;
  const size_t split = size == 0 ? 0 : bytes[0] % (size + 1);
  RequestDecoder decoder(limits);
  auto onRequest = [](DecodedRequest& request) { handle(request); };
  if (decoder.feed(data, split, onRequest)) {
    decoder.feed(data + split, size - split, onRequest);
  }
  // Paths and senders reach percentDecode and UPID::parse directly too.
  (void)process::transport::percentDecode(std::string_view(data, size));
  return 0;
}
