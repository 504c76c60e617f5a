// The HTTP client (process/http_client.hpp): the bytes of its requests, the
// responses it decodes (Content-Length, chunked, to end of file, streamed),
// pipelining on a Connection, and how it fails (refused, reset, closed,
// timed out, disconnected, discarded). The server is played by the test
// with raw POSIX sockets on 127.0.0.1; the client is asynchronous, so the
// test thread drives both. Also the client's response decoder on its own,
// and a request to a node's port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "http/stream_decoder.hpp"
#include "wire_socket.hpp"

using namespace process;
using namespace process::http;
using process::http::internal::DecodedResponse;
using process::http::internal::HttpLimits;
using process::http::internal::ResponseStreamDecoder;

namespace {

// glibc re-reads an unset TZ on every mktime(); glog logging from two
// threads then looks like a race to ThreadSanitizer (see
// network_message_test).
[[maybe_unused]] const bool kTimeZoneSet =
    ::setenv("TZ", ":/etc/localtime", 0) == 0;

using SteadyClock = std::chrono::steady_clock;

// How long the test's side of a socket waits before giving up.
constexpr std::chrono::milliseconds kWait{15000};

using wire::remainingMs;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The server's side of one connection.
class Peer {
 public:
  explicit Peer(int fd = -1) : fd_(fd) {}
  Peer(Peer&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}
  Peer& operator=(Peer&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
      buffer_ = std::move(other.buffer_);
    }
    return *this;
  }
  ~Peer() { close(); }

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  // Closes with a reset (RST) rather than an orderly end of file.
  void reset() {
    const linger immediately{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &immediately, sizeof(immediately));
    close();
  }

  bool write(std::string_view data) {
    const auto deadline = SteadyClock::now() + kWait;
    while (!data.empty()) {
      const ssize_t sent =
          ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        data.remove_prefix(static_cast<size_t>(sent));
      } else if (sent < 0 && errno == EINTR) {
        continue;
      } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remainingMs(deadline)) <= 0) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  // One whole request as sent (head and body, Content-Length or chunked);
  // nothing at end of file or after the wait.
  std::optional<std::string> readRequest() {
    const auto deadline = SteadyClock::now() + kWait;
    size_t headEnd = std::string::npos;
    while ((headEnd = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (fill(deadline) <= 0) {
        return std::nullopt;
      }
    }
    headEnd += 4;
    const std::string head = buffer_.substr(0, headEnd);
    size_t end = headEnd;
    if (contains(head, "Transfer-Encoding: chunked")) {
      size_t last = std::string::npos;
      while ((last = buffer_.find("\r\n0\r\n\r\n", headEnd - 2)) ==
             std::string::npos) {
        if (fill(deadline) <= 0) {
          return std::nullopt;
        }
      }
      end = last + 7;
    } else if (const size_t at = head.find("Content-Length: ");
               at != std::string::npos) {
      end += std::stoul(head.substr(at + 16));
      while (buffer_.size() < end) {
        if (fill(deadline) <= 0) {
          return std::nullopt;
        }
      }
    }
    std::string request = buffer_.substr(0, end);
    buffer_.erase(0, end);
    return request;
  }

  // Whether the client closes the connection (what it still sends is
  // dropped) within the wait.
  bool closedByClient() {
    const auto deadline = SteadyClock::now() + kWait;
    for (;;) {
      const int got = fill(deadline);
      if (got == 0) {
        return true;
      }
      if (got < 0) {
        return got == -1;  // a reset is a close too
      }
      buffer_.clear();
    }
  }

 private:
  // >0 bytes read, 0 end of file, -1 error, -2 timeout.
  int fill(SteadyClock::time_point deadline) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remainingMs(deadline));
      if (ready == 0) {
        return -2;
      }
      if (ready < 0) {
        if (errno == EINTR) {
          continue;
        }
        return -1;
      }
      char chunk[16384];
      const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (got > 0) {
        buffer_.append(chunk, static_cast<size_t>(got));
        return static_cast<int>(got);
      }
      if (got == 0) {
        return 0;
      }
      if (errno != EINTR) {
        return -1;
      }
    }
  }

  int fd_ = -1;
  std::string buffer_;
};

sockaddr_in loopback(uint16_t port) {
  return wire::toSockaddr(Address(net::IP(INADDR_LOOPBACK), port));
}

uint16_t portOf(int fd) {
  const std::optional<Address> local = wire::localAddress(fd);
  return local.has_value() ? local->port : 0;
}

// A socket bound to a free port of 127.0.0.1; listening unless told not to
// (a bound port that does not listen refuses connections).
class Server {
 public:
  explicit Server(bool listen = true) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in in = loopback(0);
    if (fd_ < 0 ||
        ::bind(fd_, reinterpret_cast<const sockaddr*>(&in), sizeof(in)) != 0 ||
        (listen && ::listen(fd_, 64) != 0)) {
      ADD_FAILURE() << "cannot set up a test server: " << std::strerror(errno);
    }
    port_ = portOf(fd_);
  }
  ~Server() { ::close(fd_); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const { return port_; }
  Address address() const { return Address(net::IP(INADDR_LOOPBACK), port_); }
  URL url(const std::string& path = "/",
          std::map<std::string, std::string> query = {}) const {
    return URL("http", net::IP(INADDR_LOOPBACK), port_, path, std::move(query));
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // The next connection; invalid if none comes within the wait.
  Peer accept() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kWait.count())) <= 0) {
      return Peer();
    }
    return Peer(::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC));
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

Request makeRequest(const std::string& method, const URL& url) {
  Request request;
  request.method = method;
  request.url = url;
  return request;
}

constexpr std::string_view kHello =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n"
    "hello";

// ---------------------------------------------------------------------------
// The decoder on its own.

// Records what the decoder hands out as text: "head 200 (h=v)", "body …",
// "end"; consecutive body pieces are merged, so that any split of the input
// records the same.
class Recorder : public ResponseStreamDecoder::Handler {
 public:
  bool onHead(DecodedResponse& head) override {
    std::string line = "head " + std::to_string(head.status);
    for (const auto& header : head.headers) {
      line += " (" + header.name + "=" + header.value + ")";
    }
    if (!head.keepAlive) {
      line += " close";
    }
    events.push_back(line);
    return refuseHeads == 0 || --refuseHeads > 0;
  }
  bool onBody(std::string_view piece) override {
    EXPECT_FALSE(piece.empty());
    if (!events.empty() && events.back().starts_with("body ")) {
      events.back() += piece;
    } else {
      events.push_back("body " + std::string(piece));
    }
    return true;
  }
  bool onComplete() override {
    events.push_back("end");
    return true;
  }

  std::vector<std::string> events;
  int refuseHeads = 0;  // >0: refuse the n-th head
};

// Feeds `input` in two reads, split at `split`.
bool feedSplit(ResponseStreamDecoder& decoder, const std::string& input,
               size_t split, Recorder& recorder) {
  return decoder.feed(input.data(), split, recorder) &&
         decoder.feed(input.data() + split, input.size() - split, recorder);
}

TEST(ResponseStreamDecoderTest, SameEventsHoweverTheBytesAreSplit) {
  const std::string input =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello"
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"  // answers a HEAD
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\none\r\n4;x=y\r\n two\r\n0\r\nTrailer: t\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n"
      "HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nno";
  const std::vector<std::string> expected = {
      "head 200 (Content-Length=5) (X-A=b)",
      "body hello",
      "end",
      "head 200 (Content-Length=5)",
      "end",
      "head 201 (Transfer-Encoding=chunked)",
      "body one two",
      "end",
      "head 204",
      "end",
      "head 404 (Content-Length=2) close",
      "body no",
      "end"};
  for (size_t split = 0; split <= input.size(); ++split) {
    ResponseStreamDecoder decoder;
    for (const char* method : {"GET", "HEAD", "POST", "GET", "GET"}) {
      decoder.expect(method);
    }
    Recorder recorder;
    ASSERT_TRUE(feedSplit(decoder, input, split, recorder))
        << split << ": " << decoder.error();
    EXPECT_EQ(expected, recorder.events) << "split at " << split;
    EXPECT_FALSE(decoder.midResponse());
    EXPECT_TRUE(decoder.finish(recorder));
  }
}

// Found by fuzz/response_stream_decoder: what interim and bodiless answers
// say about a body is ignored, and errors and limits do not depend on how
// the bytes arrive.
TEST(ResponseStreamDecoderTest, InterimAndBodilessAnswersHaveNoBody) {
  const std::string input =
      "HTTP/1.1 150 X\r\nContent-Length: 3\r\n\r\n"
      "HTTP/1.0 100 Continue\r\n\r\n"
      "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::vector<std::string> expected = {"head 204 (Content-Length=3)",
                                             "end",
                                             "head 304 (Content-Length=3)",
                                             "end",
                                             "head 200 (Content-Length=2)",
                                             "body ok",
                                             "end"};
  for (size_t split = 0; split <= input.size(); ++split) {
    ResponseStreamDecoder decoder;
    Recorder recorder;
    ASSERT_TRUE(feedSplit(decoder, input, split, recorder))
        << split << ": " << decoder.error();
    EXPECT_EQ(expected, recorder.events) << "split at " << split;
  }
}

TEST(ResponseStreamDecoderTest, LimitsAndErrorsDoNotDependOnTheSplit) {
  HttpLimits limits;
  limits.maxHeaderBytes = 512;
  limits.maxHeaders = 2;
  // An interim answer, then a final head just within the limit.
  const std::string head = "HTTP/1.1 200 OK\r\nX: " + std::string(460, 'x') +
                           "\r\nContent-Length: 0\r\n\r\n";
  ASSERT_LE(head.size(), 512u);
  ASSERT_GT(head.size(), 490u);
  const std::string within = "HTTP/1.1 100 Continue\r\n\r\n" + head;
  // A third header whose name is malformed: the name's error, not the
  // count's, whenever the bytes arrive.
  const std::string malformed =
      "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC@D: 3\r\n\r\n";
  for (size_t split = 0; split <= within.size(); ++split) {
    ResponseStreamDecoder decoder(limits);
    Recorder recorder;
    EXPECT_TRUE(feedSplit(decoder, within, split, recorder))
        << split << ": " << decoder.error();
  }
  std::string error;
  for (size_t split = 0; split <= malformed.size(); ++split) {
    ResponseStreamDecoder decoder(limits);
    Recorder recorder;
    EXPECT_FALSE(feedSplit(decoder, malformed, split, recorder));
    if (split == 0) {
      error = decoder.error();
    }
    EXPECT_EQ(error, decoder.error()) << "split at " << split;
  }
  EXPECT_NE(std::string::npos, error.find("header")) << error;
}

TEST(ResponseStreamDecoderTest, BodyUntilEndOfFile) {
  ResponseStreamDecoder decoder;
  Recorder recorder;
  const std::string input = "HTTP/1.1 200 OK\r\n\r\nall of it";
  ASSERT_TRUE(decoder.feed(input.data(), input.size(), recorder));
  EXPECT_TRUE(decoder.midResponse());
  EXPECT_EQ((std::vector<std::string>{"head 200 close", "body all of it"}),
            recorder.events);
  ASSERT_TRUE(decoder.finish(recorder));
  EXPECT_EQ("end", recorder.events.back());
}

TEST(ResponseStreamDecoderTest, CutShort) {
  ResponseStreamDecoder decoder;
  Recorder recorder;
  const std::string input = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nall";
  ASSERT_TRUE(decoder.feed(input.data(), input.size(), recorder));
  EXPECT_FALSE(decoder.finish(recorder));
  EXPECT_TRUE(contains(decoder.error(), "cut short")) << decoder.error();
}

TEST(ResponseStreamDecoderTest, Malformed) {
  for (const std::string input :
       {"HTTP/1.1 abc\r\n\r\n", "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    ResponseStreamDecoder decoder;
    Recorder recorder;
    EXPECT_FALSE(decoder.feed(input.data(), input.size(), recorder)) << input;
    EXPECT_FALSE(decoder.error().empty()) << input;
    // Dead from then on.
    EXPECT_FALSE(decoder.feed(kHello.data(), kHello.size(), recorder));
  }
}

TEST(ResponseStreamDecoderTest, Limits) {
  {
    ResponseStreamDecoder decoder(HttpLimits{.maxHeaderBytes = 64});
    Recorder recorder;
    const std::string input =
        "HTTP/1.1 200 OK\r\nX-Long: " + std::string(100, 'x') + "\r\n\r\n";
    EXPECT_FALSE(decoder.feed(input.data(), input.size(), recorder));
    EXPECT_TRUE(contains(decoder.error(), "exceed 64 bytes"))
        << decoder.error();
    EXPECT_TRUE(recorder.events.empty());
  }
  {
    ResponseStreamDecoder decoder(HttpLimits{.maxHeaders = 2});
    Recorder recorder;
    const std::string input = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    EXPECT_FALSE(decoder.feed(input.data(), input.size(), recorder));
    EXPECT_TRUE(contains(decoder.error(), "more than 2")) << decoder.error();
  }
}

TEST(ResponseStreamDecoderTest, HandlerStops) {
  ResponseStreamDecoder decoder;
  Recorder recorder;
  recorder.refuseHeads = 1;
  const std::string input = std::string(kHello) + std::string(kHello);
  EXPECT_FALSE(decoder.feed(input.data(), input.size(), recorder));
  EXPECT_TRUE(decoder.error().empty());
  EXPECT_EQ(1u, recorder.events.size());
}

// ---------------------------------------------------------------------------
// Requests as sent, responses as decoded.

TEST(HttpClientTest, Get) {
  Server server;
  Future<Response> response =
      get(server.url("/a b/c", {{"x", "1 2"}, {"y", "z&"}}),
          Headers{{"X-Test", "yes"}});
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  EXPECT_EQ(
      "GET /a%20b/c?x=1%202&y=z%26 HTTP/1.1\r\n"
      "Host: " +
          server.host() +
          "\r\n"
          "X-Test: yes\r\n"
          "Connection: close\r\n"
          "\r\n",
      peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);
  EXPECT_EQ(200, response->code);
  EXPECT_EQ("200 OK", response->status);
  EXPECT_EQ(Response::BODY, response->type);
  EXPECT_EQ("hello", response->body);
  EXPECT_EQ("text/plain", response->headers.get("content-type"));
  // One request per connection: the client closes it after the response.
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, GetProcessPath) {
  Server server;
  const UPID pid("worker", server.address());
  Future<Response> response = get(pid, "testing", "value=42");
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  EXPECT_EQ("GET /worker/testing?value=42 HTTP/1.1\r\nHost: " + server.host() +
                "\r\nConnection: close\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  AWAIT_READY(response);
  EXPECT_EQ(404, response->code);
  EXPECT_EQ("404 Not Found", response->status);
  EXPECT_EQ("", response->body);

  // No path: the process's own.
  response = get(pid);
  peer = server.accept();
  EXPECT_EQ("GET /worker HTTP/1.1\r\nHost: " + server.host() +
                "\r\nConnection: close\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);

  AWAIT_FAILED(get(pid, "x", "a=%zz"));
  AWAIT_FAILED(get(pid, "x", None(), None(), std::string("https")));
}

TEST(HttpClientTest, GetByHostName) {
  Server server;
  Future<Response> response =
      get(URL("http", "localhost", server.port(), "/named"));
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  EXPECT_EQ("GET /named HTTP/1.1\r\nHost: localhost:" +
                std::to_string(server.port()) + "\r\nConnection: close\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);
  EXPECT_EQ("hello", response->body);
}

TEST(HttpClientTest, Post) {
  Server server;
  Future<Response> response =
      post(server.url("/submit"), None(), std::string("body!"),
           std::string("text/plain"));
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  EXPECT_EQ(
      "POST /submit HTTP/1.1\r\n"
      "Host: " +
          server.host() +
          "\r\n"
          "Content-Type: text/plain\r\n"
          "Connection: close\r\n"
          "Content-Length: 5\r\n"
          "\r\n"
          "body!",
      peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));
  AWAIT_READY(response);
  EXPECT_EQ(201, response->code);
  EXPECT_EQ("ok", response->body);

  // Without a body: still a Content-Length.
  const UPID pid("inbox", server.address());
  response = post(pid, "put", Headers{{"X-A", "1"}});
  peer = server.accept();
  EXPECT_EQ("POST /inbox/put HTTP/1.1\r\nHost: " + server.host() +
                "\r\nX-A: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);

  // A content type needs a body.
  AWAIT_FAILED(post(server.url(), None(), None(), std::string("text/plain")));
}

TEST(HttpClientTest, RequestDelete) {
  Server server;
  Future<Response> response = requestDelete(server.url("/thing"));
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  EXPECT_EQ("DELETE /thing HTTP/1.1\r\nHost: " + server.host() +
                "\r\nConnection: close\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(peer.write("HTTP/1.1 204 No Content\r\n\r\n"));
  AWAIT_READY(response);
  EXPECT_EQ(204, response->code);

  response = requestDelete(UPID("store", server.address()), "key",
                           Headers{{"If-Match", "*"}});
  peer = server.accept();
  EXPECT_EQ("DELETE /store/key HTTP/1.1\r\nHost: " + server.host() +
                "\r\nIf-Match: *\r\nConnection: close\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);
}

TEST(HttpClientTest, RequestAsGiven) {
  Server server;
  Request request = makeRequest("PUT", server.url("/v"));
  request.headers["Host"] = "example.org";
  request.headers["Content-Length"] = "999";  // the framing is the client's
  request.body = "abc";
  Future<Response> response = http::request(request);
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  EXPECT_EQ(
      "PUT /v HTTP/1.1\r\nHost: example.org\r\nContent-Length: 3\r\n"
      "\r\nabc",
      peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);

  // Refused before anything is sent.
  request.headers["Bad"] = "a\r\nInjected: 1";
  AWAIT_FAILED(http::request(request));
  AWAIT_FAILED(http::request(makeRequest("GET", URL("https", "x", 1))));
  AWAIT_FAILED(http::request(makeRequest("G T", server.url())));
}

TEST(HttpClientTest, StreamedRequestBody) {
  Server server;
  Pipe pipe;
  Request request = makeRequest("POST", server.url("/up"));
  request.type = Request::PIPE;
  request.reader = pipe.reader();
  Future<Response> response = http::request(request);
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  pipe.writer().write("ab");
  pipe.writer().write("cdefghijklmnopq");
  pipe.writer().close();
  EXPECT_EQ("POST /up HTTP/1.1\r\nHost: " + server.host() +
                "\r\nTransfer-Encoding: chunked\r\n\r\n"
                "2\r\nab\r\nf\r\ncdefghijklmnopq\r\n0\r\n\r\n",
            peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);
}

TEST(HttpClientTest, ChunkedResponse) {
  Server server;
  Future<Response> response = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n"));
  ASSERT_TRUE(peer.write("7\r\n, world\r\n0\r\n\r\n"));
  AWAIT_READY(response);
  EXPECT_EQ(Response::BODY, response->type);
  EXPECT_EQ("hello, world", response->body);
}

TEST(HttpClientTest, ResponseUntilEndOfFile) {
  Server server;
  Future<Response> response = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write("HTTP/1.1 200 OK\r\nX-Kind: eof\r\n\r\nthe body "));
  ASSERT_TRUE(peer.write("runs to the end"));
  peer.close();
  AWAIT_READY(response);
  EXPECT_EQ("the body runs to the end", response->body);
  EXPECT_EQ("eof", response->headers.get("X-Kind"));
}

TEST(HttpClientTest, RepeatedHeadersAreJoined) {
  Server server;
  Future<Response> response = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 200 OK\r\nVia: a\r\nvia: b\r\n"
                 "Content-Length: 0\r\n\r\n"));
  AWAIT_READY(response);
  EXPECT_EQ("a, b", response->headers.get("Via"));
}

TEST(HttpClientTest, StreamedResponse) {
  Server server;
  Future<Response> response =
      http::request(makeRequest("GET", server.url("/events")), true);
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\none\r\n"));
  AWAIT_READY(response);
  EXPECT_EQ(200, response->code);
  ASSERT_EQ(Response::PIPE, response->type);
  ASSERT_TRUE(response->reader.isSome());
  Pipe::Reader reader = response->reader.get();
  AWAIT_EXPECT_EQ(std::string("one"), reader.read());

  // Each chunk reaches the reader as it arrives.
  Future<std::string> next = reader.read();
  EXPECT_TRUE(next.isPending());
  ASSERT_TRUE(peer.write("3\r\ntwo\r\n"));
  AWAIT_EXPECT_EQ(std::string("two"), next);
  ASSERT_TRUE(peer.write("0\r\n\r\n"));
  AWAIT_EXPECT_EQ(std::string(""), reader.read());
  // The body ended: the one-shot connection closes.
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, StreamedResponseWithLength) {
  Server server;
  Future<Response> response =
      http::request(makeRequest("GET", server.url()), true);
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234"));
  AWAIT_READY(response);
  ASSERT_EQ(Response::PIPE, response->type);
  Pipe::Reader reader = response->reader.get();
  AWAIT_EXPECT_EQ(std::string("01234"), reader.read());
  ASSERT_TRUE(peer.write("56789"));
  AWAIT_EXPECT_EQ(std::string("56789"), reader.read());
  AWAIT_EXPECT_EQ(std::string(""), reader.read());
}

TEST(HttpClientTest, StreamedResponseCutShort) {
  Server server;
  Future<Response> response =
      http::request(makeRequest("GET", server.url()), true);
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234"));
  AWAIT_READY(response);
  Pipe::Reader reader = response->reader.get();
  AWAIT_EXPECT_EQ(std::string("01234"), reader.read());
  peer.close();
  Future<std::string> rest = reader.read();
  AWAIT_FAILED(rest);
  EXPECT_TRUE(contains(rest.failure(), "closed by peer")) << rest.failure();
}

TEST(HttpClientTest, ClosingTheReaderClosesTheConnection) {
  Server server;
  Future<Response> response =
      http::request(makeRequest("GET", server.url()), true);
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\none\r\n"));
  AWAIT_READY(response);
  response->reader->close();
  EXPECT_TRUE(peer.closedByClient());
}

// ---------------------------------------------------------------------------
// Connections.

TEST(HttpClientTest, Pipelining) {
  Server server;
  Future<Connection> connecting = connect(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.valid());
  AWAIT_READY(connecting);
  Connection connection = connecting.get();
  EXPECT_EQ(server.address(), connection.peerAddress);
  sockaddr_in in{};
  socklen_t length = sizeof(in);
  ::getpeername(peer.fd(), reinterpret_cast<sockaddr*>(&in), &length);
  EXPECT_EQ(Address(net::IP(ntohl(in.sin_addr.s_addr)), ntohs(in.sin_port)),
            connection.localAddress);

  std::mutex mutex;
  std::vector<int> order;
  std::vector<Future<Response>> responses;
  for (int i = 1; i <= 3; ++i) {
    responses.push_back(
        connection.send(makeRequest("GET", server.url("/" + std::to_string(i))))
            .onReady([&mutex, &order, i] {
              std::lock_guard<std::mutex> guard(mutex);
              order.push_back(i);
            }));
  }
  // All three arrive before any is answered.
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ("GET /" + std::to_string(i) +
                  " HTTP/1.1\r\nHost: " + server.host() + "\r\n\r\n",
              peer.readRequest());
  }
  EXPECT_TRUE(responses[0].isPending());
  ASSERT_TRUE(peer.write(
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n2\r\n0\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3"));
  for (int i = 0; i < 3; ++i) {
    AWAIT_READY(responses[static_cast<size_t>(i)]);
    EXPECT_EQ(std::to_string(i + 1), responses[static_cast<size_t>(i)]->body);
  }
  {
    std::lock_guard<std::mutex> guard(mutex);
    EXPECT_EQ((std::vector<int>{1, 2, 3}), order);
  }
  // Still open.
  EXPECT_TRUE(connection.disconnected().isPending());
  AWAIT_READY(connection.disconnect());
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, HeadAndStreamedOnOneConnection) {
  Server server;
  Future<Connection> connecting = connect(server.address());
  Peer peer = server.accept();
  AWAIT_READY(connecting);
  Connection connection = connecting.get();
  Future<Response> head = connection.send(makeRequest("HEAD", server.url()));
  Future<Response> streamed =
      connection.send(makeRequest("GET", server.url("/s")), true);
  Future<Response> last = connection.send(makeRequest("GET", server.url()));
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(
      peer.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"));
  AWAIT_READY(head);
  EXPECT_EQ("", head->body);
  EXPECT_EQ("5", head->headers.get("Content-Length"));
  AWAIT_READY(streamed);
  AWAIT_EXPECT_EQ(std::string("abc"), streamed->reader->readAll());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(last);
  EXPECT_EQ("hello", last->body);
}

TEST(HttpClientTest, ServerCloses) {
  Server server;
  Future<Connection> connecting = connect(server.url());
  Peer peer = server.accept();
  AWAIT_READY(connecting);
  Connection connection = connecting.get();
  Future<Response> first = connection.send(makeRequest("GET", server.url()));
  Future<Response> second = connection.send(makeRequest("GET", server.url()));
  // Both read: a socket closed with unread data would send a reset.
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.readRequest());
  peer.close();
  AWAIT_FAILED(first);
  EXPECT_EQ(
      "Connection to " + server.host() + " closed by peer before the response",
      first.failure());
  AWAIT_FAILED(second);
  AWAIT_READY(connection.disconnected());
  Future<Response> after = connection.send(makeRequest("GET", server.url()));
  AWAIT_FAILED(after);
  EXPECT_TRUE(contains(after.failure(), "closed")) << after.failure();
}

TEST(HttpClientTest, ServerSaysClose) {
  Server server;
  Future<Connection> connecting = connect(server.url());
  Peer peer = server.accept();
  AWAIT_READY(connecting);
  Connection connection = connecting.get();
  Future<Response> first = connection.send(makeRequest("GET", server.url()));
  Future<Response> second = connection.send(makeRequest("GET", server.url()));
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write(
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"));
  AWAIT_READY(first);
  EXPECT_EQ("x", first->body);
  AWAIT_FAILED(second);
  AWAIT_READY(connection.disconnected());
}

TEST(HttpClientTest, ServerResets) {
  Server server;
  Future<Response> response = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  peer.reset();
  AWAIT_FAILED(response);
  EXPECT_EQ(
      "Connection to " + server.host() + " reset by peer before the response",
      response.failure());
}

TEST(HttpClientTest, MalformedResponse) {
  Server server;
  Future<Response> response = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write("NOT HTTP AT ALL\r\n\r\n"));
  AWAIT_FAILED(response);
  EXPECT_TRUE(contains(response.failure(), "Failed to decode the response"))
      << response.failure();
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, InterimAnswerNeverHasABody) {
  Server server;
  // Whatever its Content-Length says: the final answer comes right after.
  Future<Response> plain = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write("HTTP/1.1 150 X\r\nContent-Length: 3\r\n\r\n" +
                         std::string(kHello)));
  AWAIT_READY(plain);
  EXPECT_EQ(200, plain->code);
  EXPECT_EQ("hello", plain->body);

  // Bytes sent as its body are garbage where an answer should begin (they
  // once reached the client's body handler with no request waiting: a
  // crash).
  Future<Response> garbled = get(server.url());
  Peer second = server.accept();
  ASSERT_TRUE(second.readRequest());
  ASSERT_TRUE(second.write("HTTP/1.1 150 X\r\nContent-Length: 3\r\n\r\nabc" +
                           std::string(kHello)));
  AWAIT_FAILED(garbled);
  EXPECT_NE(std::string::npos, garbled.failure().find("malformed response"))
      << garbled.failure();
}

TEST(HttpClientTest, UnaskedResponse) {
  Server server;
  Future<Connection> connecting = connect(server.url());
  Peer peer = server.accept();
  AWAIT_READY(connecting);
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(connecting->disconnected());
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, Refused) {
  Server closed(false);  // bound, not listening
  Future<Response> response = get(closed.url());
  AWAIT_FAILED(response);
  EXPECT_EQ("Connection refused connecting to " + closed.host(),
            response.failure());

  Future<Connection> connection = connect(closed.address());
  AWAIT_FAILED(connection);
  EXPECT_EQ("Connection refused connecting to " + closed.host(),
            connection.failure());
}

// The timeout is on process::Clock: paused, it passes by advance() alone.
TEST(HttpClientTest, Timeout) {
  Clock::pause();
  Server server;
  Future<Response> response =
      http::request(makeRequest("GET", server.url()), false, Seconds(30));
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  // No answer.
  Clock::advance(Seconds(29));
  EXPECT_FALSE(response.await(Milliseconds(50))) << "timed out early";
  Clock::advance(Seconds(1));
  AWAIT_FAILED(response);
  Clock::resume();
  EXPECT_EQ(
      "Timed out after 30secs waiting for the response from " + server.host(),
      response.failure());
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, Disconnect) {
  Server server;
  Future<Connection> connecting = connect(server.url());
  Peer peer = server.accept();
  AWAIT_READY(connecting);
  Connection connection = connecting.get();
  Future<Response> pending = connection.send(makeRequest("GET", server.url()));
  ASSERT_TRUE(peer.readRequest());
  Future<Nothing> disconnected = connection.disconnect();
  Future<Response> after = connection.send(makeRequest("GET", server.url()));
  AWAIT_READY(disconnected);
  AWAIT_FAILED(pending);
  EXPECT_EQ("Disconnected from " + server.host() + " before the response",
            pending.failure());
  AWAIT_FAILED(after);
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, LastHandleClosesWhenNothingIsDue) {
  Server server;
  Future<Response> response;
  {
    Future<Connection> connecting = connect(server.url());
    AWAIT_READY(connecting);
    Connection copy = connecting.get();
    response = copy.send(makeRequest("GET", server.url()));
  }
  // The handles are gone, but a response is due: it still comes.
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);
  EXPECT_TRUE(peer.closedByClient());
}

TEST(HttpClientTest, DiscardClosesTheConnection) {
  Server server;
  Future<Response> response = get(server.url());
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  response.discard();
  AWAIT_DISCARDED(response);
  EXPECT_TRUE(peer.closedByClient());
}

// ---------------------------------------------------------------------------
// Against a node, and from inside a process.

class Idle : public Process<Idle> {
 public:
  Future<Response> fetch(const URL& url) { return get(url); }
};

TEST(HttpClientTest, NodePort) {
  Context node(Context::Options{.ip = "127.0.0.1", .port = 0});
  const UPID pid = node.spawn(new Idle(), true);
  Future<Response> response = get(pid, "x");
  AWAIT_READY(response);
  EXPECT_EQ(404, response->code);
  EXPECT_EQ("404 Not Found", response->status);
}

TEST(HttpClientTest, FromAProcess) {
  Server server;
  Idle* idle = new Idle();
  const PID<Idle> pid = spawn(idle, true);
  Future<Response> response = dispatch(pid, &Idle::fetch, server.url("/in"));
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_READY(response);
  EXPECT_EQ("hello", response->body);
  terminate(pid);
  EXPECT_TRUE(wait(pid, Seconds(15)));
}

// A request made by a process goes out from the process's own node, on its
// loop and under its limits: here a node that takes no body over 3 bytes,
// where the default context would take the 5 of "hello".
TEST(HttpClientTest, FromAProcessOfAnotherContextUsesThatNode) {
  Context::Options options{.ip = "127.0.0.1", .port = 0};
  options.limits.maxBodyBytes = 3;
  Context node(options);
  Server server;
  Idle* idle = new Idle();
  const PID<Idle> pid = node.spawn(idle, true);
  Future<Response> response = dispatch(pid, &Idle::fetch, server.url("/in"));
  Peer peer = server.accept();
  ASSERT_TRUE(peer.readRequest());
  ASSERT_TRUE(peer.write(kHello));
  AWAIT_FAILED(response);
  EXPECT_TRUE(contains(response.failure(), "has a body over 3 bytes"))
      << response.failure();
}

}  // namespace
