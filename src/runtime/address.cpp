#include <process/address.hpp>

#include <arpa/inet.h>

#include <cstdlib>
#include <sstream>

#include <process/pid.hpp>

namespace process {
namespace net {

Try<IP> IP::parse(const std::string& text) {
  in_addr address{};
  if (text.empty() || inet_pton(AF_INET, text.c_str(), &address) != 1) {
    return Error("Invalid IPv4 address '" + text + "'");
  }
  return IP(ntohl(address.s_addr));
}

std::ostream& operator<<(std::ostream& stream, const IP& ip) {
  const uint32_t v = ip.value();
  return stream << (v >> 24) << '.' << ((v >> 16) & 0xff) << '.'
                << ((v >> 8) & 0xff) << '.' << (v & 0xff);
}

}  // namespace net

namespace {

Try<uint16_t> parsePort(const std::string& text) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Error("Invalid port '" + text + "'");
  }
  const unsigned long port = std::strtoul(text.c_str(), nullptr, 10);
  if (port > 65535) {
    return Error("Port " + text + " is out of range");
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

Try<Address> Address::parse(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return Error("Invalid address '" + text + "': expected ip:port");
  }
  Try<net::IP> ip = net::IP::parse(text.substr(0, colon));
  if (ip.isError()) {
    return Error(ip.error());
  }
  Try<uint16_t> port = parsePort(text.substr(colon + 1));
  if (port.isError()) {
    return Error(port.error());
  }
  return Address(ip.get(), port.get());
}

std::ostream& operator<<(std::ostream& stream, const Address& address) {
  return stream << address.ip << ':' << address.port;
}

Try<UPID> UPID::parse(const std::string& text) {
  const size_t at = text.find('@');
  if (at == std::string::npos) {
    return Error("Invalid UPID '" + text + "': expected id@ip:port");
  }
  const std::string id = text.substr(0, at);
  if (id.empty()) {
    return Error("Invalid UPID '" + text + "': empty id");
  }
  for (const char c : id) {
    // Ids travel as the first segment of an HTTP path.
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '@' ||
        c == 0x7f) {
      return Error("Invalid UPID '" + text + "': bad character in id");
    }
  }
  Try<Address> address = Address::parse(text.substr(at + 1));
  if (address.isError()) {
    return Error("Invalid UPID '" + text + "': " + address.error());
  }
  return UPID(id, address.get());
}

UPID::UPID(const std::string& text) {
  Try<UPID> parsed = parse(text);
  if (parsed.isSome()) {
    *this = std::move(parsed.get());
  }
}

std::ostream& operator<<(std::ostream& stream, const UPID& pid) {
  return stream << pid.id << '@' << pid.address;
}

std::istream& operator>>(std::istream& stream, UPID& pid) {
  std::string text;
  stream >> text;
  Try<UPID> parsed = UPID::parse(text);
  if (parsed.isSome()) {
    pid = std::move(parsed.get());
  } else {
    pid = UPID();
    stream.setstate(std::ios_base::failbit);
  }
  return stream;
}

UPID::operator std::string() const {
  return stringify(*this);
}

std::string stringify(const UPID& pid) {
  std::ostringstream out;
  out << pid;
  return out.str();
}

}  // namespace process
