// Limits of a node toward its peers (Context::Limits): oversized heads and
// bodies, malformed requests, slow requests, too many connections, peers
// that never read their answers, and peers that never read our messages.
// Each abuse is answered (4xx) or cut off, the node's memory stays bounded,
// and the node keeps serving everyone else. The test plays the peers with
// raw POSIX sockets.
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
#include <map>
#include <optional>
#include <sstream>
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
#include <process/metrics/metrics.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "wire_socket.hpp"

using namespace process;
using namespace std::string_literals;

namespace {

using namespace wire;

// A message as a libprocess peer sends it, to process `id` of the node.
std::string message(const std::string& id, const std::string& name,
                    const std::string& body,
                    const std::string& from = "peer@1.2.3.4:5") {
  std::string out = "POST /" + id + "/" + name + " HTTP/1.1\r\n";
  out += "User-Agent: libprocess/" + from + "\r\n";
  out += "Libprocess-From: " + from + "\r\n";
  out += "Connection: Keep-Alive\r\n";
  if (body.empty()) {
    return out + "\r\n";
  }
  out += "Transfer-Encoding: chunked\r\n\r\n";
  out += hex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n";
  return out;
}

// The beginning of a message whose head is `headBytes` long in all (request
// line, headers and the blank line), padded with an X-Pad header, and
// whose body of `bodyBytes` is announced with Content-Length.
std::string messageHead(size_t headBytes, size_t bodyBytes) {
  const std::string start =
      "POST /recorder/hello HTTP/1.1\r\n"
      "Libprocess-From: peer@1.2.3.4:5\r\n"
      "Content-Length: " +
      std::to_string(bodyBytes) + "\r\nX-Pad: ";
  const std::string end = "\r\n\r\n";
  CHECK(headBytes >= start.size() + end.size());
  return start + std::string(headBytes - start.size() - end.size(), 'p') + end;
}

// Counts messages "tick" and remembers the bodies of messages "hello".
class Recorder : public Process<Recorder> {
 public:
  Recorder() : Process<Recorder>("recorder") {}

  // Ready once a "hello" with this body has arrived (at once if it has).
  Future<Nothing> arrival(const std::string& body) {
    if (std::find(bodies_.begin(), bodies_.end(), body) != bodies_.end()) {
      return Nothing();
    }
    waiters_.emplace_back(body, Promise<Nothing>());
    return waiters_.back().second.future();
  }

  // Every "hello" body, in arrival order.
  std::vector<std::string> bodies() const { return bodies_; }

  // Ticks handled; as a dispatch, it also counts every tick queued before.
  uint64_t ticks() const { return ticks_; }

 protected:
  void initialize() override {
    install("hello", [this](const UPID&, const std::string& body) {
      bodies_.push_back(body);
      for (auto waiter = waiters_.begin(); waiter != waiters_.end();) {
        if (waiter->first == body) {
          waiter->second.set(Nothing());
          waiter = waiters_.erase(waiter);
        } else {
          ++waiter;
        }
      }
    });
    install("tick", [this](const UPID&, const std::string&) { ++ticks_; });
  }

 private:
  std::vector<std::string> bodies_;
  std::list<std::pair<std::string, Promise<Nothing>>> waiters_;
  uint64_t ticks_ = 0;
};

Context::Options nodeOptions() {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  return options;
}

// A context with limits small enough to reach in a test, and a recorder.
Context::Options smallLimits() {
  Context::Options options = nodeOptions();
  options.limits.maxHeaderBytes = 4096;
  options.limits.maxBodyBytes = 64 * 1024;
  return options;
}

class Node {
 public:
  explicit Node(const Context::Options& options) : context_(options) {
    CHECK(context_.spawn(recorder_));
  }

  Context& context() { return context_; }
  Address address() const { return context_.address(); }
  PID<Recorder> recorder() const { return recorder_.self(); }

  Socket connect(int receiveBuffer = 0) {
    Socket socket = Socket::connect(address(), receiveBuffer);
    EXPECT_TRUE(socket.valid()) << "cannot connect to " << address();
    return socket;
  }

  // A normal message on a new connection is answered 202 and delivered.
  ::testing::AssertionResult serves() {
    const std::string body = "check " + std::to_string(++checks_);
    Socket socket = Socket::connect(address());
    if (!socket.valid()) {
      return ::testing::AssertionFailure() << "cannot connect";
    }
    if (!socket.write(message("recorder", "hello", body))) {
      return ::testing::AssertionFailure() << "cannot write";
    }
    const Response response = socket.readResponse();
    if (response.status != 202) {
      return ::testing::AssertionFailure()
             << "answered '" << response.statusLine << "' " << response.error;
    }
    Future<Nothing> arrived = dispatch(recorder(), &Recorder::arrival, body);
    if (!arrived.await(Seconds(15)) || !arrived.isReady()) {
      return ::testing::AssertionFailure() << "'" << body << "' not delivered";
    }
    return ::testing::AssertionSuccess();
  }

 private:
  // Declared before the context, which terminates it first.
  Recorder recorder_;
  Context context_;
  int checks_ = 0;
};

// The node rejected what `socket` sent with `status` and closed the
// connection: one answer, then end of file.
::testing::AssertionResult rejectedAndClosed(Socket& socket, int status) {
  const Response response = socket.readResponse();
  if (response.status != status) {
    return ::testing::AssertionFailure()
           << "expected " << status << ", got '" << response.statusLine << "' "
           << response.error;
  }
  if (!socket.waitClosed()) {
    return ::testing::AssertionFailure() << "the connection stayed open";
  }
  if (!socket.buffered().empty()) {
    return ::testing::AssertionFailure()
           << "more after the answer: '" << socket.buffered() << "'";
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------
// Heads and bodies.

TEST(NetworkLimits, HeadAtTheLimitIsServedAndOneByteMoreIs431) {
  Node node(smallLimits());
  const std::string atLimit = messageHead(4096, 2) + "ok";
  Socket client = node.connect();
  ASSERT_TRUE(client.write(atLimit));
  const Response response = client.readResponse();
  EXPECT_EQ(202, response.status) << response.statusLine << response.error;
  Future<Nothing> arrived =
      dispatch(node.recorder(), &Recorder::arrival, "ok"s);
  AWAIT_READY(arrived);

  Socket over = node.connect();
  ASSERT_TRUE(over.write(messageHead(4097, 2) + "no"));
  EXPECT_TRUE(rejectedAndClosed(over, 431));
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, HugeHeadIs431AndClosed) {
  Node node(smallLimits());
  // One endless header line, sent in pieces: the node answers long before
  // the line ends.
  Socket client = node.connect();
  ASSERT_TRUE(client.write("POST /recorder/hello HTTP/1.1\r\nX-Long: "));
  const std::string piece(1024, 'a');
  for (int i = 0; i < 8; ++i) {
    // The node may answer and close before the last pieces are written;
    // its answer is still there to read.
    if (!client.write(piece)) {
      break;
    }
  }
  EXPECT_TRUE(rejectedAndClosed(client, 431));
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, TooManyHeadersAre431AndClosed) {
  Node node(nodeOptions());
  std::string request =
      "POST /recorder/hello HTTP/1.1\r\nLibprocess-From: p@1.2.3.4:5\r\n";
  for (int i = 0; i < 1000; ++i) {
    request += "X-" + std::to_string(i) + ": v\r\n";
  }
  request += "Content-Length: 0\r\n\r\n";
  Socket client = node.connect();
  ASSERT_TRUE(client.write(request));
  EXPECT_TRUE(rejectedAndClosed(client, 431));
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, BodyAtTheLimitIsServedAndALargerOneIs413) {
  Node node(smallLimits());
  const std::string body(64 * 1024, 'b');
  Socket client = node.connect();
  ASSERT_TRUE(client.write(messageHead(200, body.size()) + body));
  const Response response = client.readResponse();
  EXPECT_EQ(202, response.status) << response.statusLine << response.error;

  // Declared too big: answered at the end of the head, before any body.
  Socket over = node.connect();
  ASSERT_TRUE(over.write(messageHead(200, body.size() + 1)));
  EXPECT_TRUE(rejectedAndClosed(over, 413));

  Socket huge = node.connect();
  ASSERT_TRUE(huge.write(messageHead(200, size_t(1) << 40)));
  EXPECT_TRUE(rejectedAndClosed(huge, 413));
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, ChunkedBodyGrowingOverTheLimitIs413AndClosed) {
  Node node(smallLimits());
  std::string request =
      "POST /recorder/hello HTTP/1.1\r\nLibprocess-From: p@1.2.3.4:5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  // 5 chunks of 15,000 bytes: the fifth takes the body over 64 KiB.
  for (int i = 0; i < 5; ++i) {
    request += hex(15000) + "\r\n" + std::string(15000, 'c') + "\r\n";
  }
  Socket client = node.connect();
  ASSERT_TRUE(client.write(request));
  EXPECT_TRUE(rejectedAndClosed(client, 413));

  // One chunk announcing more than the limit.
  Socket big = node.connect();
  ASSERT_TRUE(big.write(
      "POST /recorder/hello HTTP/1.1\r\nLibprocess-From: p@1.2.3.4:5\r\n"
      "Transfer-Encoding: chunked\r\n\r\nfffffffff\r\nabc"));
  EXPECT_TRUE(rejectedAndClosed(big, 413));
  EXPECT_TRUE(node.serves());
}

// A peer that announces a body too big and streams it anyway still hears
// why it is cut off: the node reads on a little rather than resetting the
// connection under the answer.
TEST(NetworkLimits, TooBigBodyStreamedAnywayIsStill413) {
  Node node(smallLimits());
  Socket client = node.connect();
  const std::string body(1024 * 1024, 'b');
  ASSERT_TRUE(client.write(messageHead(200, body.size())));
  // The node may stop reading at any point: write what it takes.
  std::string_view rest = body;
  while (!rest.empty()) {
    const ssize_t sent = client.writeSome(rest);
    if (sent <= 0) {
      break;
    }
    rest.remove_prefix(static_cast<size_t>(sent));
  }
  const Response response = client.readResponse();
  EXPECT_EQ(413, response.status) << response.statusLine << response.error;
  EXPECT_TRUE(client.waitClosed());
  EXPECT_TRUE(node.serves());
}

// ---------------------------------------------------------------------------
// Malformed requests.

TEST(NetworkLimits, GarbageAndMalformedRequestsAre400AndClosed) {
  Node node(nodeOptions());
  const std::vector<std::string> requests = {
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s,  // a TLS hello
      "hello world\r\n\r\n",
      "POST /recorder/hello HTTP/1.1 extra\r\n\r\n",
      "POST /recorder/hello HTTP/1.1\r\nno colon here\r\n\r\n",
      "POST /recorder/hello HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "POST /recorder/hello HTTP/1.1\r\nContent-Length: 1\r\n"
      "Content-Length: 2\r\n\r\nab",
      "POST /recorder/hello HTTP/1.1\r\nLibprocess-From: p@1.2.3.4:5\r\n"
      "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST /recorder/hello HTTP/1.1\r\nLibprocess-From: p@1.2.3.4:5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
      "\0\0\0\0\r\n\r\n"s,
  };
  for (size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    Socket client = node.connect();
    ASSERT_TRUE(client.write(requests[i]));
    EXPECT_TRUE(rejectedAndClosed(client, 400));
  }
  EXPECT_EQ(std::vector<std::string>(),
            dispatch(node.recorder(), &Recorder::bodies).get());
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, UnsupportedHttpVersionIs505AndClosed) {
  Node node(nodeOptions());
  // The last has no version at all: HTTP/0.9.
  for (const std::string version :
       {" HTTP/2.0", " HTTP/1.2", " HTTP/3.1", ""}) {
    SCOPED_TRACE(version);
    Socket client = node.connect();
    ASSERT_TRUE(client.write("POST /recorder/hello" + version +
                             "\r\nLibprocess-From: p@1.2.3.4:5\r\n"
                             "Content-Length: 1\r\n\r\nv"));
    EXPECT_TRUE(rejectedAndClosed(client, 505));
  }
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, RequestsBeforeGarbageAreStillServed) {
  Node node(nodeOptions());
  Socket client = node.connect();
  ASSERT_TRUE(client.write(message("recorder", "hello", "one") +
                           message("recorder", "hello", "two") +
                           "GARBAGE GARBAGE\r\n\r\n" +
                           message("recorder", "hello", "never")));
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_TRUE(rejectedAndClosed(client, 400));
  EXPECT_TRUE(node.serves());
  Future<std::vector<std::string>> bodies =
      dispatch(node.recorder(), &Recorder::bodies);
  AWAIT_READY(bodies);
  EXPECT_EQ((std::vector<std::string>{"one", "two", "check 1"}), bodies.get());
}

// ---------------------------------------------------------------------------
// Slow requests (Limits::requestTimeout).

// The request timeout runs on process::Clock: these tests pause it and
// move it past the timeout, with no real wait for it.
constexpr Duration kRequestTimeout = Seconds(30);

Context::Options pausedRequestTimeout() {
  Context::Options options = nodeOptions();
  options.limits.requestTimeout = kRequestTimeout;
  return options;
}

struct PausedClock {
  PausedClock() { Clock::pause(); }
  ~PausedClock() { Clock::resume(); }
  PausedClock(const PausedClock&) = delete;
  PausedClock& operator=(const PausedClock&) = delete;
};

// The node cut the connection off for want of a whole request: a 408, or
// nothing at all, then end of file.
::testing::AssertionResult cutOff(Socket& socket) {
  if (!socket.waitClosed(std::chrono::milliseconds(10000))) {
    return ::testing::AssertionFailure() << "still open after 10 s";
  }
  if (!socket.buffered().empty() &&
      socket.buffered().rfind("HTTP/1.1 408 ", 0) != 0) {
    return ::testing::AssertionFailure()
           << "answered '" << socket.buffered() << "'";
  }
  return ::testing::AssertionSuccess();
}

// Whether the node has closed `socket` (or sent anything) by now.
bool closedNow(const Socket& socket) {
  pollfd p{socket.fd(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// The node has read what `socket` sent (a round trip on another
// connection goes through the same loop after it), then the clock passes
// the request timeout less a second: still open; then the last second.
::testing::AssertionResult cutOffAtTheTimeout(Node& node, Socket& socket) {
  if (!node.serves()) {
    return ::testing::AssertionFailure() << "the node does not serve";
  }
  Clock::advance(kRequestTimeout - Seconds(1));
  if (!node.serves() || closedNow(socket)) {
    return ::testing::AssertionFailure() << "closed before the timeout";
  }
  Clock::advance(Seconds(1));
  return cutOff(socket);
}

TEST(NetworkLimits, HalfSentHeadIsCutOff) {
  const PausedClock paused;
  Node node(pausedRequestTimeout());
  Socket client = node.connect();
  ASSERT_TRUE(client.write("POST /recorder/hello HTTP/1.1\r\nLibprocess-"));
  EXPECT_TRUE(cutOffAtTheTimeout(node, client));
  EXPECT_TRUE(node.serves());
}

TEST(NetworkLimits, HalfSentBodyIsCutOff) {
  const PausedClock paused;
  Node node(pausedRequestTimeout());
  Socket client = node.connect();
  ASSERT_TRUE(client.write(messageHead(200, 100) + "only part"));
  EXPECT_TRUE(cutOffAtTheTimeout(node, client));
  EXPECT_TRUE(node.serves());
}

// Bytes keep coming, one a second, but the request never completes within
// the timeout: it runs from a request's first byte to its last.
TEST(NetworkLimits, RequestDrippingInIsCutOff) {
  const PausedClock paused;
  Node node(pausedRequestTimeout());
  Socket client = node.connect();
  const std::string request = messageHead(8000, 0);
  ASSERT_GT(request.size(), 40u);
  Duration dripped = Duration::zero();
  bool closed = false;
  for (size_t i = 0; i < request.size() && !closed; ++i) {
    if (client.writeSome(std::string_view(&request[i], 1)) < 0) {
      break;
    }
    ASSERT_TRUE(node.serves());  // the byte is read
    Clock::advance(Seconds(1));
    dripped += Seconds(1);
    ASSERT_TRUE(node.serves());  // a deadline passed is acted on
    closed = closedNow(client);
  }
  EXPECT_TRUE(cutOff(client));
  EXPECT_EQ(kRequestTimeout, dripped) << "cut off at the wrong time";
  EXPECT_TRUE(node.serves());
}

// A keep-alive connection idle between requests is not cut off: the
// timeout counts only while a request is under way.
TEST(NetworkLimits, IdleConnectionBetweenRequestsIsNotCutOff) {
  const PausedClock paused;
  Node node(pausedRequestTimeout());
  Socket idle = node.connect();
  // Its last request comes in two pieces, so that the node sees it under
  // way (a round trip on another connection lets it read the first piece).
  const std::string before = message("recorder", "hello", "before");
  ASSERT_TRUE(idle.write(before.substr(0, 20)));
  ASSERT_TRUE(node.serves());
  ASSERT_TRUE(idle.write(before.substr(20)));
  ASSERT_EQ(202, idle.readResponse().status);

  // Another connection's half request gets cut off: by then the first has
  // been idle for longer than the request timeout.
  Socket slow = node.connect();
  ASSERT_TRUE(slow.write("POST /recorder/hello HTTP/1.1\r\n"));
  ASSERT_TRUE(cutOffAtTheTimeout(node, slow));

  ASSERT_TRUE(idle.write(message("recorder", "hello", "after")));
  const Response response = idle.readResponse();
  EXPECT_EQ(202, response.status) << response.error;
  AWAIT_READY(dispatch(node.recorder(), &Recorder::arrival, "after"s));
}

// ---------------------------------------------------------------------------
// Connections.

TEST(NetworkLimits, ConnectionsOverTheLimitAreClosedAtOnce) {
  Context::Options options = nodeOptions();
  options.limits.maxConnections = 5;
  Node node(options);
  std::vector<Socket> open;
  for (int i = 0; i < 5; ++i) {
    open.push_back(node.connect());
    ASSERT_TRUE(open.back().write(
        message("recorder", "hello", "open " + std::to_string(i))));
    ASSERT_EQ(202, open.back().readResponse().status) << i;
  }

  Socket sixth = node.connect();
  ASSERT_TRUE(sixth.valid());  // the kernel completes the handshake
  EXPECT_TRUE(sixth.waitClosed(std::chrono::milliseconds(5000)))
      << "the sixth connection stayed open";
  EXPECT_EQ("", sixth.buffered());

  // The five still work.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(open[i].write(
        message("recorder", "hello", "again " + std::to_string(i))));
    EXPECT_EQ(202, open[i].readResponse().status) << i;
  }

  // Once one of them closes, a new connection is served again (as soon as
  // the node has seen the close: retried until then).
  open.front().close();
  bool served = false;
  const auto deadline = SteadyClock::now() + kWait;
  while (!served && SteadyClock::now() < deadline) {
    Socket retry = node.connect();
    served = retry.write(message("recorder", "hello", "retry")) &&
             retry.readResponse().status == 202;
  }
  EXPECT_TRUE(served) << "no connection was served after one closed";
}

TEST(NetworkLimits, ThousandIdleConnectionsDoNotStopService) {
  constexpr int kIdle = 1000;
  // Both ends of every connection are in this OS process.
  const rlim_t needed = 2 * kIdle + 256;
  rlimit limit{};
  ASSERT_EQ(0, ::getrlimit(RLIMIT_NOFILE, &limit));
  if (limit.rlim_cur < needed) {
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
      GTEST_SKIP() << "RLIMIT_NOFILE's hard limit is " << limit.rlim_max
                   << ", below the " << needed << " descriptors needed";
    }
    limit.rlim_cur = needed;
    ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &limit));
  }

  Node node(nodeOptions());
  std::vector<Socket> idle;
  idle.reserve(kIdle);
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(Socket::connect(node.address()));
    ASSERT_TRUE(idle.back().valid()) << "connection " << i;
  }

  // A message on another connection is answered promptly.
  const auto start = SteadyClock::now();
  Socket client = node.connect();
  ASSERT_TRUE(client.write(message("recorder", "hello", "through")));
  const Response response = client.readResponse(std::chrono::seconds(5));
  EXPECT_EQ(202, response.status) << response.error;
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(5));

  // Every idle connection was accepted and is served.
  for (int i = 0; i < kIdle; ++i) {
    ASSERT_TRUE(idle[i].write(message("recorder", "tick", "")));
  }
  for (int i = 0; i < kIdle; ++i) {
    const Response answer = idle[i].readResponse();
    ASSERT_EQ(202, answer.status) << "connection " << i << ": " << answer.error;
  }
  AWAIT_EXPECT_EQ(uint64_t(kIdle), dispatch(node.recorder(), &Recorder::ticks));
  idle.clear();
  EXPECT_TRUE(node.serves());
}

// The most the kernel lets a socket's send buffer grow to.
size_t maxSendBuffer() {
  size_t most = 4 * 1024 * 1024;
  std::ifstream tcp("/proc/sys/net/ipv4/tcp_wmem");
  size_t low = 0;
  size_t initial = 0;
  size_t high = 0;
  if (tcp >> low >> initial >> high) {
    most = std::max(most, high);
  }
  std::ifstream core("/proc/sys/net/core/wmem_max");
  size_t coreMax = 0;
  if (core >> coreMax) {
    most = std::max(most, 2 * coreMax);
  }
  return most;
}

// A peer pipelines 50 MB of messages and never reads an answer. The node
// must stop reading from it once its answers pile up, rather than hold them
// (and go on taking messages) without bound; meanwhile others are served.
TEST(NetworkLimits, PeerThatNeverReadsAnswersCannotGrowTheNode) {
  constexpr size_t kTotal = 50 * 1024 * 1024;
  Node node(nodeOptions());
  // As short as a message gets, so that answers weigh about as much as the
  // requests.
  const std::string tick =
      "POST /recorder/tick HTTP/1.1\r\nLibprocess-From: a@1.2.3.4:5\r\n\r\n";
  std::string block;
  while (block.size() < 1024 * 1024) {
    block += tick;
  }

  // Our receive buffer stays small: what the node answers piles up there.
  Socket flooder = node.connect(4096);
  size_t written = 0;
  size_t offset = 0;
  bool stalled = false;
  while (written < kTotal) {
    const ssize_t sent =
        flooder.writeSome(std::string_view(block).substr(offset));
    ASSERT_GE(sent, 0) << "the node dropped the connection";
    if (sent == 0) {
      // No room: wait for some, at most half a second; none means the node
      // has stopped reading from us.
      pollfd p{flooder.fd(), POLLOUT, 0};
      if (::poll(&p, 1, 500) == 0) {
        stalled = true;
        break;
      }
      continue;
    }
    written += static_cast<size_t>(sent);
    offset = (offset + static_cast<size_t>(sent)) % block.size();
  }

  // Someone else is served meanwhile.
  EXPECT_TRUE(node.serves());

  // Every message the node took has been answered into a buffer: the
  // kernel's (ours and its send buffer) or its own. With the kernel's
  // shares bounded, what the node took is bounded too.
  Future<uint64_t> taken = dispatch(node.recorder(), &Recorder::ticks);
  AWAIT_READY(taken);
  const size_t answerBytes =
      std::string("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n").size();
  const size_t bound = (maxSendBuffer() + 4 * 1024 * 1024) / answerBytes;
  EXPECT_LE(taken.get(), bound)
      << "the node took " << taken.get() << " messages (" << written
      << " bytes written, " << (stalled ? "stalled" : "never stalled")
      << ") without their answers being read";
  EXPECT_LT(taken.get(), written / tick.size() + 1);
  flooder.close();
  EXPECT_TRUE(node.serves());
}

namespace {

// The node's inbound connections, from its built-in metric.
double inboundConnections(Context& context) {
  Future<std::map<std::string, double>> snapshot =
      metrics::snapshot(context, None());
  EXPECT_TRUE(snapshot.await(Seconds(30)));
  return snapshot.isReady() ? snapshot->at("procession/connections_inbound")
                            : 0;
}

}  // namespace

TEST(NetworkLimits, PeerThatTakesNoAnswersIsClosedAfterTheRequestTimeout) {
  const PausedClock paused;
  Node node(pausedRequestTimeout());
  const std::string tick =
      "POST /recorder/tick HTTP/1.1\r\nLibprocess-From: a@1.2.3.4:5\r\n\r\n";
  std::string block;
  while (block.size() < 256 * 1024) {
    block += tick;
  }
  Socket flooder = node.connect(4096);
  // Until the node stops reading (its answers have nowhere to go) or, a
  // request timeout after it could last write, closes.
  const auto end = SteadyClock::now() + std::chrono::seconds(15);
  bool stalled = false;
  bool closed = false;
  size_t offset = 0;
  while (!stalled && !closed && SteadyClock::now() < end) {
    const ssize_t sent =
        flooder.writeSome(std::string_view(block).substr(offset));
    closed = sent < 0;
    if (sent == 0) {
      pollfd p{flooder.fd(), POLLOUT, 0};
      stalled = ::poll(&p, 1, 500) == 0;
    }
    offset = (offset + static_cast<size_t>(std::max<ssize_t>(sent, 0))) %
             block.size();
  }
  ASSERT_TRUE(stalled || closed);
  if (!closed) {
    // The node may still be running what it read (its answers leave as the
    // messages run), and its writes stall only once its socket is full, a
    // request timeout after their last progress. Once the recorder has run
    // everything queued (a dispatch runs behind it), each advance passes the
    // deadline armed by then. The close is a reset if it had unread
    // requests; else an end of file, which comes only after the answers
    // ahead of it: read them once the node has had ample time to close
    // (reading before would be progress).
    AWAIT_READY(dispatch(node.recorder(), &Recorder::ticks));
    // Advance until the node has let the connection go, as its own count
    // of inbound connections tells (reading the socket to find out would
    // be progress); bounded, and patient with a loaded machine.
    pollfd p{flooder.fd(), POLLRDHUP, 0};
    for (int i = 0; i < 200 && inboundConnections(node.context()) > 0 &&
                    ::poll(&p, 1, 0) == 0;
         ++i) {
      Clock::advance(kRequestTimeout);
      ::poll(&p, 1, 50);
    }
    p.revents = 0;
    if (::poll(&p, 1, 0) == 0) {
      EXPECT_TRUE(flooder.drainsToClose(std::chrono::seconds(10)))
          << "still open";
    } else {
      EXPECT_NE(0, p.revents & (POLLRDHUP | POLLHUP | POLLERR));
    }
  }
  EXPECT_TRUE(node.serves());
}

// ---------------------------------------------------------------------------
// Outbound: a peer that never reads our messages.

class Sender : public Process<Sender> {
 public:
  Sender() : Process<Sender>("sender") {}

  // Messages "n" numbered first … first + count - 1, each with `padding`
  // bytes after the number.
  Nothing sendNumbered(const UPID& to, int first, int count, size_t padding) {
    for (int i = first; i < first + count; ++i) {
      send(to, "n", std::to_string(i) + ":" + std::string(padding, 'x'));
    }
    return Nothing();
  }
};

// One message as the node encodes it (chunked, non-empty body), parsed off
// the front of `stream`: its body, or nothing if incomplete.
std::optional<std::string> takeMessage(std::string& stream) {
  const size_t headEnd = stream.find("\r\n\r\n");
  if (headEnd == std::string::npos) {
    return std::nullopt;
  }
  const size_t sizeEnd = stream.find("\r\n", headEnd + 4);
  if (sizeEnd == std::string::npos) {
    return std::nullopt;
  }
  const size_t size = std::stoul(
      stream.substr(headEnd + 4, sizeEnd - headEnd - 4), nullptr, 16);
  const size_t end = sizeEnd + 2 + size + std::string("\r\n0\r\n\r\n").size();
  if (stream.size() < end) {
    return std::nullopt;
  }
  std::string body = stream.substr(sizeEnd + 2, size);
  if (stream.compare(sizeEnd + 2 + size, 7, "\r\n0\r\n\r\n") != 0) {
    ADD_FAILURE() << "malformed message: '" << stream.substr(0, end) << "'";
    stream.clear();
    return std::nullopt;
  }
  stream.erase(0, end);
  return body;
}

TEST(NetworkLimits, OutboundQueueForAPeerThatDoesNotReadIsBounded) {
  constexpr int kCount = 2000;
  constexpr size_t kPadding = 16 * 1024;  // 32 MB in all
  Listener peer(false);
  const int small = 4096;
  ::setsockopt(peer.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  peer.listen();

  Context::Options options = nodeOptions();
  options.limits.maxOutboundBytes = 1024 * 1024;
  Sender sender;
  Node node(options);
  node.context().spawn(sender);
  const UPID to("sink", peer.address());

  // The first message opens the connection; the rest pile up behind a peer
  // that reads nothing.
  AWAIT_READY(
      dispatch(sender.self(), &Sender::sendNumbered, to, 0, 1, kPadding));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  for (int first = 1; first < kCount; first += 100) {
    AWAIT_READY(dispatch(sender.self(), &Sender::sendNumbered, to, first,
                         std::min(100, kCount - first), kPadding));
  }
  const uint64_t dropped = node.context().droppedMessages();
  // Kernel buffers and twice the limit hold a few megabytes; 32 were sent.
  EXPECT_GT(dropped, 0u) << "nothing dropped: the queue is unbounded";
  ASSERT_LT(dropped, uint64_t(kCount));

  // Now read: what was not dropped arrives whole and in order.
  const uint64_t expected = kCount - dropped;
  std::string stream;
  int last = -1;
  uint64_t got = 0;
  while (got < expected) {
    std::optional<std::string> more = connection.read(1, kWait);
    ASSERT_TRUE(more.has_value())
        << "got " << got << " of " << expected << " messages";
    stream += *more;
    // Read larger pieces once the stream flows.
    while (!connection.buffered().empty()) {
      stream += *connection.read(connection.buffered().size());
    }
    while (std::optional<std::string> body = takeMessage(stream)) {
      const size_t colon = body->find(':');
      ASSERT_NE(std::string::npos, colon);
      const int number = std::atoi(body->substr(0, colon).c_str());
      ASSERT_GT(number, last) << "out of order";
      ASSERT_EQ(kPadding, body->size() - colon - 1);
      last = number;
      ++got;
    }
  }
  EXPECT_EQ(expected, got);
  EXPECT_EQ(dropped, node.context().droppedMessages());

  // The connection still carries new messages.
  AWAIT_READY(
      dispatch(sender.self(), &Sender::sendNumbered, to, kCount, 1, size_t(1)));
  std::optional<std::string> body;
  while (!(body = takeMessage(stream))) {
    std::optional<std::string> more = connection.read(1);
    ASSERT_TRUE(more.has_value()) << "the next message did not come";
    stream += *more;
  }
  EXPECT_EQ(std::to_string(kCount) + ":x", *body);
  EXPECT_TRUE(node.serves());
}

}  // namespace

namespace {

// A socket connected to `address` from `source` (another loopback address:
// a client of its own), that sends nothing.
Socket connectFrom(const char* source, const Address& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(fd >= 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  CHECK(::inet_pton(AF_INET, source, &local.sin_addr) == 1);
  CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0);
  const sockaddr_in in = toSockaddr(address);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&in), sizeof(in)) != 0) {
    ::close(fd);
    return Socket();
  }
  return Socket(fd);
}

// On another node: links, sends, and hears of broken links.
class Linker : public Process<Linker> {
 public:
  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }
  Nothing hello(const UPID& to, const std::string& body) {
    send(to, "hello", body);
    return Nothing();
  }
  size_t exits() const { return exits_; }

 protected:
  void exited(const UPID& /*pid*/) override { ++exits_; }

 private:
  size_t exits_ = 0;
};

}  // namespace

// maxConnections idle sockets (not a byte sent) must not lock the node out:
// each new connection closes the idlest of them. A connection that has
// carried messages (a link) is never the one closed.
TEST(NetworkLimits, IdleSocketsDoNotLockPeersOut) {
  constexpr int kLimit = 16;
  Context::Options options = nodeOptions();
  options.limits.maxConnections = kLimit;
  Node node(options);
  Linker linker;
  Context other(nodeOptions());
  other.spawn(linker);

  // A link that has carried a message, before the flood.
  AWAIT_READY(dispatch(linker.self(), &Linker::linkTo, UPID(node.recorder())));
  AWAIT_READY(
      dispatch(linker.self(), &Linker::hello, UPID(node.recorder()), "one"s));
  AWAIT_READY(dispatch(node.recorder(), &Recorder::arrival, "one"s));

  std::vector<Socket> idle;
  for (int i = 0; i < 2 * kLimit; ++i) {
    idle.push_back(node.connect());
  }
  // A message on a new connection, an HTTP request, and the link's
  // connection: all served.
  EXPECT_TRUE(node.serves());
  Socket http = node.connect();
  ASSERT_TRUE(http.write("GET /recorder/none HTTP/1.1\r\nHost: x\r\n\r\n"));
  const Response answer = http.readResponse();
  EXPECT_EQ(404, answer.status) << answer.error;
  AWAIT_READY(
      dispatch(linker.self(), &Linker::hello, UPID(node.recorder()), "two"s));
  AWAIT_READY(dispatch(node.recorder(), &Recorder::arrival, "two"s));
  Future<size_t> exits = dispatch(linker.self(), &Linker::exits);
  AWAIT_READY(exits);
  EXPECT_EQ(0u, exits.get()) << "the link's connection was cut";

  // The oldest idle sockets made room and were closed; the newest live.
  EXPECT_TRUE(idle.front().waitClosed());
}

// One address cannot take every connection: past maxConnectionsPerAddress
// its new connections are closed, and other clients are served.
TEST(NetworkLimits, ConnectionsPerAddressAreBounded) {
  constexpr int kPerAddress = 4;
  Context::Options options = nodeOptions();
  options.limits.maxConnectionsPerAddress = kPerAddress;
  Node node(options);
  std::vector<Socket> crowd;
  for (int i = 0; i < kPerAddress; ++i) {
    crowd.push_back(connectFrom("127.0.0.2", node.address()));
    ASSERT_TRUE(crowd.back().valid());
    ASSERT_TRUE(crowd.back().write(
        message("recorder", "hello", "crowd " + std::to_string(i))));
    ASSERT_EQ(202, crowd.back().readResponse().status) << i;
  }
  Socket extra = connectFrom("127.0.0.2", node.address());
  ASSERT_TRUE(extra.valid());  // the kernel completes the handshake
  EXPECT_TRUE(extra.waitClosed()) << "a fifth connection from one address";
  EXPECT_TRUE(node.serves());  // from 127.0.0.1

  // Once one of the four closes, the address may connect again.
  crowd.front().close();
  bool served = false;
  const auto deadline = SteadyClock::now() + kWait;
  while (!served && SteadyClock::now() < deadline) {
    Socket retry = connectFrom("127.0.0.2", node.address());
    served = retry.write(message("recorder", "hello", "retry")) &&
             retry.readResponse().status == 202;
  }
  EXPECT_TRUE(served);
}
