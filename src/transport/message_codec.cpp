// libprocess messages as HTTP requests. Encoding appends straight into the
// caller's buffer (one reservation, no temporaries) because every message
// sent goes through it; parsing accepts the libprocess and compactor
// dialects described in docs/wire.md.
#include "transport/message_codec.hpp"

#include "http/percent.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace process::transport {

namespace {

constexpr std::string_view kLibprocessPrefix = "libprocess/";

// Writes the decimal digits of `value` backwards from `end`; returns where
// they start.
char* formatDecimal(uint32_t value, char* end) {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

// "a.b.c.d:port" into `buffer` (at least 21 bytes); returns the length.
size_t formatAddress(const Address& address, char* buffer) {
  char digits[5];
  char* const digitsEnd = digits + sizeof(digits);
  char* out = buffer;
  const uint32_t ip = address.ip.value();
  for (int shift = 24; shift >= 0; shift -= 8) {
    const char* first = formatDecimal((ip >> shift) & 0xff, digitsEnd);
    out = std::copy(first, static_cast<const char*>(digitsEnd), out);
    *out++ = shift == 0 ? ':' : '.';
  }
  const char* first = formatDecimal(address.port, digitsEnd);
  out = std::copy(first, static_cast<const char*>(digitsEnd), out);
  return static_cast<size_t>(out - buffer);
}

// Bytes that cannot appear as themselves in a path segment: they would end
// the request line or the path, or be taken for an escape when decoded.
// Ids and names libprocess makes never contain them, so for those the
// request is byte for byte what libprocess sends. A table, because every
// byte of every id and name sent is looked up.
enum : uint8_t { kEscapeInName = 1, kEscapeInId = 2 };

constexpr std::array<uint8_t, 256> makeEscapeTable() {
  std::array<uint8_t, 256> table{};
  for (size_t c = 0; c < table.size(); ++c) {
    if (c <= ' ' || c >= 0x7f || c == '%' || c == '?' || c == '#') {
      table[c] = kEscapeInName | kEscapeInId;
    }
  }
  table['/'] = kEscapeInId;
  return table;
}

constexpr std::array<uint8_t, 256> kEscape = makeEscapeTable();

size_t escapedSize(std::string_view text, uint8_t which) {
  size_t size = text.size();
  for (const char c : text) {
    if ((kEscape[static_cast<unsigned char>(c)] & which) != 0) {
      size += 2;
    }
  }
  return size;
}

void appendEscaped(std::string_view text, uint8_t which, size_t escapedSize,
                   std::string& out) {
  if (escapedSize == text.size()) {
    out.append(text);
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((kEscape[u] & which) != 0) {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
}

}  // namespace

void encodeMessage(std::string_view from, std::string_view toId,
                   const Address& toAddress, std::string_view name,
                   std::string_view body, std::string& out) {
  static constexpr std::string_view kPost = "POST /";
  static constexpr std::string_view kUserAgent = " HTTP/1.1\r\nUser-Agent: ";
  static constexpr std::string_view kFrom = "\r\nLibprocess-From: ";
  static constexpr std::string_view kHost =
      "\r\nConnection: Keep-Alive\r\nHost: ";
  static constexpr std::string_view kChunked =
      "\r\nTransfer-Encoding: chunked\r\n\r\n";
  static constexpr std::string_view kEnd = "\r\n\r\n";
  static constexpr std::string_view kLastChunk = "\r\n0\r\n\r\n";

  char address[32];
  const size_t addressSize = formatAddress(toAddress, address);
  const size_t idSize = escapedSize(toId, kEscapeInId);
  const size_t nameSize = escapedSize(name, kEscapeInName);

  char hex[2 * sizeof(size_t)];
  size_t hexSize = 0;
  for (size_t n = body.size(); n != 0; n >>= 4) {
    ++hexSize;
  }
  for (size_t i = 0, n = body.size(); i < hexSize; ++i, n >>= 4) {
    hex[hexSize - 1 - i] = "0123456789abcdef"[n & 0xf];
  }

  size_t total = kPost.size() + idSize + 1 + nameSize + kUserAgent.size() +
                 kLibprocessPrefix.size() + from.size() + kFrom.size() +
                 from.size() + kHost.size() + addressSize;
  if (body.empty()) {
    total += kEnd.size();
  } else {
    total += kChunked.size() + hexSize + 2 + body.size() + kLastChunk.size();
  }
  out.reserve(out.size() + total);

  out.append(kPost);
  appendEscaped(toId, kEscapeInId, idSize, out);
  out += '/';
  appendEscaped(name, kEscapeInName, nameSize, out);
  out.append(kUserAgent);
  out.append(kLibprocessPrefix);
  out.append(from);
  out.append(kFrom);
  out.append(from);
  out.append(kHost);
  out.append(address, addressSize);
  if (body.empty()) {
    out.append(kEnd);
    return;
  }
  out.append(kChunked);
  out.append(hex, hexSize);
  out.append("\r\n", 2);
  out.append(body);
  out.append(kLastChunk);
}

bool isMessage(const DecodedRequest& request) {
  if (request.method != "POST") {
    return false;
  }
  if (request.header("Libprocess-From") != nullptr) {
    return true;
  }
  const std::string* agent = request.header("User-Agent");
  return agent != nullptr && agent->starts_with(kLibprocessPrefix);
}

Try<MessageHeader> parseMessage(const DecodedRequest& request,
                                SenderCache* senders) {
  std::string_view sender;
  if (const std::string* from = request.header("Libprocess-From")) {
    sender = *from;
  } else if (const std::string* agent = request.header("User-Agent");
             agent != nullptr && agent->starts_with(kLibprocessPrefix)) {
    sender = std::string_view(*agent).substr(kLibprocessPrefix.size());
  } else {
    return Error(
        "no sender: neither Libprocess-From nor a libprocess "
        "User-Agent");
  }

  MessageHeader header;
  // A message posted from outside any process carries an empty sender
  // ("@0.0.0.0:0" from libprocess and from us): it has no one to answer.
  if (!sender.empty() && sender.front() == '@' &&
      Address::parse(std::string(sender.substr(1))).isSome()) {
    header.from = UPID();
  } else if (senders != nullptr && !senders->text.empty() &&
             senders->text == sender) {
    header.from = senders->from;
  } else {
    Try<UPID> from = UPID::parse(std::string(sender));
    if (from.isError()) {
      return Error("malformed sender '" + std::string(sender) +
                   "': " + from.error());
    }
    header.from = std::move(from.get());
    if (senders != nullptr) {
      senders->text = sender;
      senders->from = header.from;
    }
  }

  std::string_view path = request.target;
  if (path.empty() || path[0] != '/') {
    return Error("message path '" + request.target +
                 "' does not start with '/'");
  }
  // Not find_first_of, which searches the set once per character.
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '?' || path[i] == '#') {
      path = path.substr(0, i);
      break;
    }
  }
  path.remove_prefix(1);
  const size_t slash = path.find('/');
  Try<std::string> to = percentDecode(path.substr(0, slash));
  if (to.isError()) {
    return Error("malformed receiver in path '" + request.target +
                 "': " + to.error());
  }
  if (to->empty()) {
    return Error("no receiver in path '" + request.target + "'");
  }
  if (slash == std::string_view::npos) {
    return Error("no message name in path '" + request.target + "'");
  }
  Try<std::string> name = percentDecode(path.substr(slash + 1));
  if (name.isError()) {
    return Error("malformed message name in path '" + request.target +
                 "': " + name.error());
  }
  if (name->empty()) {
    return Error("no message name in path '" + request.target + "'");
  }
  header.to = std::move(to.get());
  header.name = std::move(name.get());
  return header;
}

Try<std::string> percentDecode(std::string_view text) {
  return http::internal::decodePercent(text);
}

}  // namespace process::transport
