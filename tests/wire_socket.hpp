// A raw TCP peer for the tests of the node's wire: sockets that write
// requests byte for byte and read answers with bounded waits, and a
// listener that plays a peer node. Shared by the network and HTTP tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <process/address.hpp>

namespace wire {

using namespace process;

// While TZ is unset, glibc re-reads the time zone on every mktime(), freeing
// and copying its name under a lock that ThreadSanitizer cannot see; glog
// logging from two threads at once then shows up as a data race in
// tzset_internal. Naming the default zone avoids that and changes nothing.
[[maybe_unused]] inline const bool kTimeZoneSet =
    ::setenv("TZ", ":/etc/localtime", 0) == 0;

using SteadyClock = std::chrono::steady_clock;
using Milliseconds_ = std::chrono::milliseconds;

// How long a socket helper waits for the node before giving up.
inline constexpr Milliseconds_ kWait{15000};

inline sockaddr_in toSockaddr(const Address& address) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(address.ip.value());
  in.sin_port = htons(address.port);
  return in;
}

inline std::optional<Address> fromSockaddr(const sockaddr_storage& storage) {
  if (storage.ss_family != AF_INET) {
    return std::nullopt;
  }
  const auto& in = reinterpret_cast<const sockaddr_in&>(storage);
  return Address(net::IP(ntohl(in.sin_addr.s_addr)), ntohs(in.sin_port));
}

inline std::optional<Address> localAddress(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return std::nullopt;
  }
  return fromSockaddr(storage);
}

inline std::optional<Address> peerAddress(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return std::nullopt;
  }
  return fromSockaddr(storage);
}

inline std::string text(const Address& address) {
  std::ostringstream out;
  out << address;
  return out.str();
}

inline int remainingMs(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<Milliseconds_>(deadline - SteadyClock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// One HTTP response as the node wrote it.
struct Response {
  int status = 0;  // 0: no complete response (see error)
  std::string statusLine;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string error;

  const std::string* header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
      if (equalsIgnoreCase(field, name)) {
        return &value;
      }
    }
    return nullptr;
  }
};

// A TCP connection driven byte for byte by the test.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}
  Socket& operator=(Socket&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
      buffer_ = std::move(other.buffer_);
    }
    return *this;
  }
  ~Socket() { close(); }

  // With `receiveBuffer`, the kernel holds at most about that much of what
  // the node sends us (set before connecting, so the window stays small).
  static Socket connect(const Address& address, int receiveBuffer = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return Socket();
    }
    if (receiveBuffer > 0) {
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer,
                   sizeof(receiveBuffer));
    }
    const sockaddr_in in = toSockaddr(address);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&in), sizeof(in)) !=
        0) {
      ::close(fd);
      return Socket();
    }
    return Socket(fd);
  }

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  // Writes all of `data`; false if the connection failed or stalled.
  bool write(std::string_view data) {
    const auto deadline = SteadyClock::now() + kWait;
    while (!data.empty()) {
      const ssize_t sent =
          ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        data.remove_prefix(static_cast<size_t>(sent));
        continue;
      }
      if (sent < 0 && errno == EINTR) {
        continue;
      }
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remainingMs(deadline)) <= 0) {
          return false;
        }
        continue;
      }
      return false;
    }
    return true;
  }

  // Writes what the kernel takes of `data` now, without waiting: the bytes
  // taken, or -1 if the connection failed.
  ssize_t writeSome(std::string_view data) {
    for (;;) {
      const ssize_t sent =
          ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent >= 0) {
        return sent;
      }
      if (errno == EINTR) {
        continue;
      }
      return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    }
  }

  // Exactly `size` bytes, or nothing at end of file or after `timeout`.
  std::optional<std::string> read(size_t size, Milliseconds_ timeout = kWait) {
    const auto deadline = SteadyClock::now() + timeout;
    while (buffer_.size() < size) {
      if (fill(deadline) <= 0) {
        return std::nullopt;
      }
    }
    std::string out = buffer_.substr(0, size);
    buffer_.erase(0, size);
    return out;
  }

  // The next response (every answer of the node carries Content-Length).
  Response readResponse(Milliseconds_ timeout = kWait) {
    const auto deadline = SteadyClock::now() + timeout;
    Response response;
    size_t end = std::string::npos;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      const int got = fill(deadline);
      if (got <= 0) {
        response.error = got == 0    ? "end of file before a response"
                         : got == -2 ? "no response in time"
                                     : "connection failed";
        response.error += " (received '" + buffer_ + "')";
        return response;
      }
    }
    const std::string head = buffer_.substr(0, end);
    size_t lineEnd = head.find("\r\n");
    response.statusLine = head.substr(0, lineEnd);
    while (lineEnd != std::string::npos) {
      const size_t start = lineEnd + 2;
      lineEnd = head.find("\r\n", start);
      const std::string line = head.substr(start, lineEnd - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) {
        response.error = "malformed header line '" + line + "'";
        return response;
      }
      size_t value = colon + 1;
      while (value < line.size() && line[value] == ' ') {
        ++value;
      }
      response.headers.emplace_back(line.substr(0, colon), line.substr(value));
    }
    size_t length = 0;
    if (const std::string* contentLength = response.header("Content-Length")) {
      length = std::stoul(*contentLength);
    }
    while (buffer_.size() < end + 4 + length) {
      if (fill(deadline) <= 0) {
        response.error = "response body cut short";
        return response;
      }
    }
    response.body = buffer_.substr(end + 4, length);
    buffer_.erase(0, end + 4 + length);
    if (response.statusLine.rfind("HTTP/1.", 0) != 0 ||
        response.statusLine.size() < 12) {
      response.error = "malformed status line '" + response.statusLine + "'";
      return response;
    }
    response.status = std::atoi(response.statusLine.substr(9, 3).c_str());
    return response;
  }

  // True once the peer has closed the connection (end of file or reset)
  // within `timeout`; bytes that came before stay readable in buffered().
  bool waitClosed(Milliseconds_ timeout = kWait) {
    const auto deadline = SteadyClock::now() + timeout;
    for (;;) {
      const int got = fill(deadline);
      if (got == 0 || got == -1) {
        return true;
      }
      if (got == -2) {
        return false;
      }
    }
  }

  const std::string& buffered() const { return buffer_; }

  // Reads (and drops) what comes until the peer closes: true at its end of
  // file or reset, false if it is still open at `timeout`.
  bool drainsToClose(Milliseconds_ timeout = kWait) {
    const auto deadline = SteadyClock::now() + timeout;
    for (;;) {
      buffer_.clear();
      const int got = fill(deadline);
      if (got == 0 || got == -1) {
        return true;
      }
      if (got == -2) {
        return false;
      }
    }
  }

 private:
  // Reads what is there into buffer_: >0 bytes, 0 end of file, -1 error,
  // -2 nothing before the deadline.
  int fill(SteadyClock::time_point deadline) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remainingMs(deadline));
      if (ready < 0 && errno == EINTR) {
        continue;
      }
      if (ready <= 0) {
        return -2;
      }
      char chunk[64 * 1024];
      const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      if (got < 0) {
        return -1;
      }
      buffer_.append(chunk, static_cast<size_t>(got));
      return static_cast<int>(got);
    }
  }

  int fd_ = -1;
  std::string buffer_;
};

// A socket on 127.0.0.1 that the test makes a listening "node" of.
class Listener {
 public:
  // Bound at once; listening only if `listening` (a bound socket that does
  // not listen refuses connections, and keeps its port from being reused).
  explicit Listener(bool listening = true) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(fd_ >= 0);
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(::bind(fd_, reinterpret_cast<sockaddr*>(&in), sizeof(in)) == 0);
    address_ = localAddress(fd_).value();
    if (listening) {
      listen();
    }
  }
  ~Listener() { ::close(fd_); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void listen(int backlog = 128) { CHECK(::listen(fd_, backlog) == 0); }

  const Address& address() const { return address_; }
  int fd() const { return fd_; }

  // The next connection, or an invalid Socket after `timeout`.
  Socket accept(Milliseconds_ timeout = kWait) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
      return Socket();
    }
    return Socket(::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC));
  }

  // Whether a connection waits to be accepted, now.
  bool pending() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  Address address_;
};

inline std::string hex(size_t n) {
  char digits[32];
  std::snprintf(digits, sizeof(digits), "%zx", n);
  return digits;
}

}  // namespace wire
