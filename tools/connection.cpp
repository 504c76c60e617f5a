// The procession tool's client connection: see connection.hpp.
#include "connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

#include <process/duration.hpp>
#include <process/error.hpp>

namespace procession_cli {

using process::Address;
using process::Error;
using process::Try;
using process::UPID;
using process::http::internal::DecodedResponse;

namespace {

// UPID::parse's message without its "Invalid UPID '<text>': " prefix.
std::string reasonOf(const std::string& error, const std::string& text) {
  const std::string prefix = "Invalid UPID '" + text + "': ";
  std::string reason = error.compare(0, prefix.size(), prefix) == 0
                           ? error.substr(prefix.size())
                           : error;
  return reason == "expected id@ip:port" ? "no '@'" : reason;
}

}  // namespace

Try<process::net::IP> resolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int code = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (code != 0 || found == nullptr) {
    return Error("cannot resolve host '" + host + "': " + gai_strerror(code));
  }
  const auto* address = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
  const process::net::IP ip(ntohl(address->sin_addr.s_addr));
  freeaddrinfo(found);
  return ip;
}

namespace {

std::string describe(const Address& address) {
  std::ostringstream out;
  out << address;
  return out.str();
}

std::string describe(Clock::duration duration) {
  std::ostringstream out;
  out << process::Duration(duration);
  return out.str();
}

sockaddr_in socketAddress(const Address& address) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_addr.s_addr = htonl(address.ip.value());
  result.sin_port = htons(address.port);
  return result;
}

bool waitFor(int fd, short events, Clock::time_point deadline) {
  constexpr int64_t kLongestPoll = 1 << 30;  // ms: poll() takes an int
  for (;;) {
    const int64_t left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now())
            .count();
    pollfd entry{fd, events, 0};
    const int ready =
        poll(&entry, 1,
             static_cast<int>(std::clamp<int64_t>(left, 0, kLongestPoll)));
    if (ready > 0 || (ready < 0 && errno != EINTR)) {
      return true;  // after a poll() error, the next call reports it
    }
    if (ready == 0 && left <= kLongestPoll) {
      return false;
    }
  }
}

}  // namespace

Try<UPID> parseUpid(const std::string& text) {
  Try<UPID> parsed = UPID::parse(text);
  if (parsed.isSome()) {
    return parsed;
  }
  std::string reason = reasonOf(parsed.error(), text);
  // Not a dotted quad: check the rest with a stand-in, then resolve.
  const size_t at = text.find('@');
  const size_t colon = text.rfind(':');
  if (at != std::string::npos && colon != std::string::npos && colon > at) {
    const std::string host = text.substr(at + 1, colon - at - 1);
    if (!host.empty() && process::net::IP::parse(host).isError()) {
      const std::string shape =
          text.substr(0, at + 1) + "0.0.0.0" + text.substr(colon);
      Try<UPID> candidate = UPID::parse(shape);
      if (candidate.isError()) {
        reason = reasonOf(candidate.error(), shape);
      } else {
        Try<process::net::IP> ip = resolveHost(host);
        if (ip.isSome()) {
          UPID upid = candidate.get();
          upid.address.ip = ip.get();
          return upid;
        }
        reason = ip.error();
      }
    }
  }
  return Error("'" + text + "' is not a UPID (id@ip:port): " + reason);
}

Try<std::unique_ptr<Connection>> Connection::open(const Address& peer,
                                                  Clock::duration timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  const std::string failure = "cannot connect to " + describe(peer) + ": ";
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Error(failure + std::strerror(errno));
  }
  const sockaddr_in to = socketAddress(peer);
  int code = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) != 0) {
    code = errno;
    if (code == EINPROGRESS) {
      if (!waitFor(fd, POLLOUT, deadline)) {
        close(fd);
        return Error(failure + "no connection within " + describe(timeout));
      }
      socklen_t size = sizeof(code);
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) != 0) {
        code = errno;
      }
    }
  }
  sockaddr_in local{};
  socklen_t localSize = sizeof(local);
  if (code == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&local), &localSize) != 0) {
    code = errno;
  }
  if (code != 0) {
    close(fd);
    return Error(failure + std::strerror(code));
  }
  // Round trips are what ping measures: no waiting to coalesce writes.
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  return std::unique_ptr<Connection>(
      new Connection(fd, peer,
                     Address(process::net::IP(ntohl(local.sin_addr.s_addr)),
                             ntohs(local.sin_port))));
}

Connection::Connection(int fd, Address peer, Address local)
    : fd_(fd), peer_(peer), local_(local) {}

Connection::~Connection() {
  close(fd_);
}

bool Connection::await(short events, Clock::time_point deadline) const {
  return waitFor(fd_, events, deadline);
}

bool Connection::stirredWhileIdle() const {
  pollfd entry{fd_, POLLIN, 0};
  return poll(&entry, 1, 0) != 0;
}

Try<DecodedResponse> Connection::exchange(const std::string& request,
                                          Clock::duration timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  const std::string peer = describe(peer_);
  const std::string late =
      "no answer from " + peer + " within " + describe(timeout);
  auto collect = [this](DecodedResponse& response) {
    responses_.push_back(std::move(response));
  };

  // A peer may answer before it has read everything (413) and close: then
  // its answer is worth more than our write error.
  std::string writeError;
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n =
        send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!await(POLLOUT, deadline)) {
        return Error(late);
      }
    } else if (errno != EINTR) {
      writeError = "sending to " + peer + " failed: " + std::strerror(errno);
      break;
    }
  }

  char buffer[64 * 1024];
  while (responses_.empty()) {
    if (!await(POLLIN, deadline)) {
      return Error(writeError.empty() ? late : writeError);
    }
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      if (!decoder_.feed(buffer, static_cast<size_t>(n), collect)) {
        return Error(peer + " answered with something that is not HTTP: " +
                     decoder_.error());
      }
    } else if (n == 0) {
      if (!decoder_.finish(collect) || responses_.empty()) {
        return Error(writeError.empty()
                         ? peer + " closed the connection without answering"
                         : writeError);
      }
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Error(writeError.empty() ? "reading from " + peer +
                                            " failed: " + std::strerror(errno)
                                      : writeError);
    }
  }
  DecodedResponse response = std::move(responses_.front());
  responses_.pop_front();
  return response;
}

}  // namespace procession_cli
