// Address: where a node listens, an IPv4 address and a port. A UPID names a
// process by its id and its node's Address ("id@ip:port").
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <process/try.hpp>

namespace process {
namespace net {

// An IPv4 address, kept in host byte order.
class IP {
 public:
  constexpr IP() = default;
  explicit constexpr IP(uint32_t hostOrder) : address_(hostOrder) {}

  // Dotted-quad text, "10.0.0.5".
  static Try<IP> parse(const std::string& text);

  constexpr uint32_t value() const { return address_; }
  constexpr bool isAny() const { return address_ == 0; }
  constexpr bool isLoopback() const { return (address_ >> 24) == 127; }

  constexpr auto operator<=>(const IP&) const = default;

 private:
  uint32_t address_ = 0;
};

std::ostream& operator<<(std::ostream& stream, const IP& ip);

}  // namespace net

class Address {
 public:
  constexpr Address() = default;
  constexpr Address(net::IP ip, uint16_t port) : ip(ip), port(port) {}

  // "ip:port".
  static Try<Address> parse(const std::string& text);

  constexpr auto operator<=>(const Address&) const = default;

  net::IP ip;
  uint16_t port = 0;
};

std::ostream& operator<<(std::ostream& stream, const Address& address);

}  // namespace process

template <>
struct std::hash<process::Address> {
  size_t operator()(const process::Address& address) const noexcept {
    return std::hash<uint64_t>()((uint64_t(address.ip.value()) << 16) |
                                 address.port);
  }
};
