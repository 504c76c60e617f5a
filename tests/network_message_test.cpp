// Messages on the wire (docs/wire.md): what a context sends to
// another node, byte for byte, and on which connection; what it accepts from
// libprocess, compactor and script peers and how it answers them; order,
// unreachable nodes, and processes of two contexts talking over loopback.
// The test plays the other node with raw POSIX sockets.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <list>
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
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "wire_socket.hpp"

#include "reaper.hpp"

using namespace process;
using namespace std::string_literals;

namespace {

using namespace wire;

// The descriptor of this OS process whose TCP connection goes from `local`
// to `peer` (the library's end of a connection the test holds the other end
// of), or -1.
int findSocket(const Address& local, const Address& peer) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    return -1;
  }
  int found = -1;
  while (dirent* entry = ::readdir(dir)) {
    const int fd = std::atoi(entry->d_name);
    if (entry->d_name[0] == '.' || fd == ::dirfd(dir)) {
      continue;
    }
    if (localAddress(fd) == local && peerAddress(fd) == peer) {
      found = fd;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

bool noDelay(int fd) {
  int value = 0;
  socklen_t length = sizeof(value);
  CHECK(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length) == 0);
  return value != 0;
}

// A message exactly as docs/wire.md has libprocess and Procession send it.
std::string wireMessage(const UPID& from, const UPID& to,
                        const std::string& name, const std::string& body) {
  const std::string sender = stringify(from);
  std::string out = "POST /" + to.id + "/" + name + " HTTP/1.1\r\n";
  out += "User-Agent: libprocess/" + sender + "\r\n";
  out += "Libprocess-From: " + sender + "\r\n";
  out += "Connection: Keep-Alive\r\n";
  out += "Host: " + text(to.address) + "\r\n";
  if (body.empty()) {
    return out + "\r\n";
  }
  out += "Transfer-Encoding: chunked\r\n\r\n";
  out += hex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n";
  return out;
}

// What a libprocess node sends for a message to `path` on `host`.
std::string libprocessRequest(const std::string& path, const std::string& from,
                              const std::string& body, const Address& host) {
  std::string out = "POST " + path + " HTTP/1.1\r\n";
  out += "User-Agent: libprocess/" + from + "\r\n";
  out += "Libprocess-From: " + from + "\r\n";
  out += "Connection: Keep-Alive\r\n";
  out += "Host: " + text(host) + "\r\n";
  if (body.empty()) {
    return out + "\r\n";
  }
  out += "Transfer-Encoding: chunked\r\n\r\n";
  out += hex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n";
  return out;
}

// What compactor sends (docs/wire.md): HTTP/1.0, keep-alive, Content-Length.
std::string compactorRequest(const std::string& path, const std::string& from,
                             const std::string& body) {
  return "POST " + path + " HTTP/1.0\r\nConnection: Keep-Alive\r\n" +
         "Content-Length: " + std::to_string(body.size()) +
         "\r\nLibprocess-From: " + from + "\r\n\r\n" + body;
}

// Every byte value, twice, with NULs, CRLFs and a fake last chunk inside.
std::string binaryBody() {
  std::string body;
  for (int round = 0; round < 2; ++round) {
    for (int c = 0; c < 256; ++c) {
      body += static_cast<char>(c);
    }
  }
  body += "\r\n0\r\n\r\n"s + '\0' + "end"s;
  return body;
}

Context::Options nodeOptions() {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  return options;
}

struct Received {
  UPID from;
  std::string name;
  std::string body;
};

// Records the messages it has handlers for, in arrival order.
class Recorder : public Process<Recorder> {
 public:
  Recorder(const std::string& id, std::vector<std::string> names)
      : Process<Recorder>(id), names_(std::move(names)) {}

  // Ready with everything received once there are `count` messages.
  Future<std::vector<Received>> waitFor(size_t count) {
    waiters_.emplace_back(count, Promise<std::vector<Received>>());
    Future<std::vector<Received>> future = waiters_.back().second.future();
    notify();
    return future;
  }

  std::vector<Received> received() const { return received_; }

 protected:
  void initialize() override {
    for (const std::string& name : names_) {
      install(name, [this, name](const UPID& from, const std::string& body) {
        received_.push_back({from, name, body});
        notify();
      });
    }
  }

 private:
  void notify() {
    for (auto waiter = waiters_.begin(); waiter != waiters_.end();) {
      if (received_.size() >= waiter->first) {
        waiter->second.set(received_);
        waiter = waiters_.erase(waiter);
      } else {
        ++waiter;
      }
    }
  }

  std::vector<std::string> names_;
  std::vector<Received> received_;
  std::list<std::pair<size_t, Promise<std::vector<Received>>>> waiters_;
};

// Sends on request (send() and link() are for a process's own events) and
// remembers the first exited() it hears.
class Sender : public Process<Sender> {
 public:
  explicit Sender(const std::string& id = "") : Process<Sender>(id) {}

  Nothing sendTo(const UPID& to, const std::string& name, std::string body) {
    send(to, name, std::move(body));
    return Nothing();
  }

  // Messages "n" numbered first … first + count - 1; every 100th carries
  // 100 KB more, so that some sends fill the per-peer buffer.
  Nothing sendNumbered(const UPID& to, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      std::string body = std::to_string(i);
      if (i % 100 == 99) {
        body += ':' + std::string(100 * 1024, 'x');
      }
      send(to, "n", std::move(body));
    }
    return Nothing();
  }

  // Messages "p" numbered 0 … count - 1, each padded with `padding` bytes.
  Nothing sendPadded(const UPID& to, int count, size_t padding) {
    for (int i = 0; i < count; ++i) {
      send(to, "p", std::to_string(i) + ":" + std::string(padding, 'x'));
    }
    return Nothing();
  }

  Nothing linkTo(const UPID& to) {
    link(to);
    return Nothing();
  }

  Future<UPID> exitedPid() const { return exited_.future(); }

 protected:
  void exited(const UPID& pid) override { exited_.set(pid); }

 private:
  Promise<UPID> exited_;
};

// ---------------------------------------------------------------------------
// Sending: what goes out on the wire.

TEST(NetworkSend, MessageWithBodyIsAChunkedPostByteForByte) {
  Listener peer;
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  // 0x1ff bytes (a lowercase hex length) of every byte value, NULs included.
  const std::string body = binaryBody().substr(0, 0x1ff);
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "hello"s, body));

  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid()) << "the node did not connect";
  const std::string expected = wireMessage(sender.self(), to, "hello", body);
  ASSERT_NE(std::string::npos, expected.find("\r\n1ff\r\n"));
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value())
      << "received only '" << connection.buffered() << "'";
  EXPECT_EQ(expected, *got);

  // The headers docs/wire.md names, spelled out once more.
  const std::string from = stringify(sender.self());
  EXPECT_EQ(0u, got->find("POST /receiver/hello HTTP/1.1\r\n"));
  EXPECT_NE(std::string::npos,
            got->find("\r\nUser-Agent: libprocess/" + from + "\r\n"));
  EXPECT_NE(std::string::npos, got->find("\r\nLibprocess-From: " + from));
  EXPECT_NE(std::string::npos, got->find("\r\nConnection: Keep-Alive\r\n"));
  EXPECT_NE(std::string::npos,
            got->find("\r\nHost: " + text(peer.address()) + "\r\n"));
  EXPECT_EQ(std::string::npos, got->find("Content-Length"));

  // A large body: its length in lowercase hex, and nothing but the message.
  const std::string large(0xabcde, 'z');
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "large"s, large));
  const std::string expectedLarge =
      wireMessage(sender.self(), to, "large", large);
  ASSERT_NE(std::string::npos, expectedLarge.find("\r\nabcde\r\n"));
  got = connection.read(expectedLarge.size());
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == expectedLarge) << "the large message differs";
}

TEST(NetworkSend, EmptyMessageHasNoBodyAndEndsWithTheBlankLine) {
  Listener peer;
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "empty"s, ""s));
  // A second message right behind shows where the first one ended.
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "next"s, "x"s));

  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  const std::string from = stringify(sender.self());
  const std::string expected =
      "POST /receiver/empty HTTP/1.1\r\n"
      "User-Agent: libprocess/" +
      from +
      "\r\n"
      "Libprocess-From: " +
      from +
      "\r\n"
      "Connection: Keep-Alive\r\n"
      "Host: " +
      text(peer.address()) +
      "\r\n"
      "\r\n";
  EXPECT_EQ(expected, wireMessage(sender.self(), to, "empty", ""));
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value()) << connection.buffered();
  EXPECT_EQ(expected, *got);
  const std::string next = wireMessage(sender.self(), to, "next", "x");
  got = connection.read(next.size());
  ASSERT_TRUE(got.has_value()) << connection.buffered();
  EXPECT_EQ(next, *got);
}

TEST(NetworkSend, DottedNamesAndGeneratedIdsGoOutAsTheyAre) {
  Listener peer;
  Sender sender("scheduler(1)");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("slave(12)", peer.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to,
                       "mesos.internal.RegisterSlaveMessage"s, "pb"s));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  const std::string expected = wireMessage(
      sender.self(), to, "mesos.internal.RegisterSlaveMessage", "pb");
  EXPECT_EQ(0u, expected.find("POST /slave(12)/"
                              "mesos.internal.RegisterSlaveMessage HTTP/1.1"));
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value()) << connection.buffered();
  EXPECT_EQ(expected, *got);
}

TEST(NetworkSend, AdvertisedAddressIsTheSender) {
  Listener peer;
  Context::Options options = nodeOptions();
  options.advertiseIp = "10.1.2.3";
  options.advertisePort = 4242;
  Sender sender("sender");
  Context node(options);
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "hi"s, "b"s));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  const std::string expected = wireMessage(
      UPID("sender", Address(net::IP(0x0a010203), 4242)), to, "hi", "b");
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value()) << connection.buffered();
  EXPECT_EQ(expected, *got);
}

TEST(NetworkSend, MessagesToOneNodeShareOneConnection) {
  Listener peer;
  Sender first("first");
  Sender second("second");
  Context node(nodeOptions());
  node.spawn(first);
  node.spawn(second);
  const UPID a("a", peer.address());
  const UPID b("b", peer.address());

  AWAIT_READY(dispatch(first.self(), &Sender::sendTo, a, "one"s, "1"s));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  std::string expected = wireMessage(first.self(), a, "one", "1");
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value()) << connection.buffered();
  EXPECT_EQ(expected, *got);
  // Answer as a libprocess node does.
  ASSERT_TRUE(
      connection.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));

  // Another process, another receiver on the same node, and the same
  // process again: all on the connection already open.
  AWAIT_READY(dispatch(second.self(), &Sender::sendTo, b, "two"s, ""s));
  AWAIT_READY(dispatch(first.self(), &Sender::sendTo, b, "three"s, "3"s));
  expected = wireMessage(second.self(), b, "two", "") +
             wireMessage(first.self(), b, "three", "3");
  got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value())
      << "not on the first connection: '" << connection.buffered() << "'";
  EXPECT_EQ(expected, *got);
  EXPECT_FALSE(peer.pending()) << "a second connection was opened";
}

TEST(NetworkSend, UnexpectedAnswersDoNotDisturbTheConnection) {
  Listener peer;
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "m"s, "0"s));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  std::string expected = wireMessage(sender.self(), to, "m", "0");
  ASSERT_TRUE(connection.read(expected.size()).has_value());

  // compactor's 405, a 404, a 500 with a body, and then bytes that are no
  // HTTP at all: none of it may break the connection.
  const std::vector<std::string> answers = {
      "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops",
      "this is not HTTP\r\n\r\n\x01\x02",
  };
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(connection.write(answers[i]));
    if (i == 0) {
      // Ordinary 202s, cut anywhere.
      const std::string accepted =
          "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
      const std::string three = accepted + accepted + accepted;
      for (const char c : three) {
        ASSERT_TRUE(connection.write(std::string_view(&c, 1)));
      }
    }
    const std::string body = std::to_string(i + 1);
    AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "m"s, body));
    expected = wireMessage(sender.self(), to, "m", body);
    std::optional<std::string> got = connection.read(expected.size());
    ASSERT_TRUE(got.has_value())
        << "after answer " << i << ": '" << connection.buffered() << "'";
    EXPECT_EQ(expected, *got);
  }
  EXPECT_FALSE(peer.pending());
  EXPECT_EQ(0u, node.droppedMessages());
}

// Nagle's delay would hold small messages back; the outbound socket must
// set TCP_NODELAY. The test runs in the library's OS process, so it finds
// the node's own descriptor by its addresses and asks the kernel.
TEST(NetworkSend, OutboundSocketSetsNoDelay) {
  Listener peer;
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "m"s, "x"s));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  const std::string expected = wireMessage(sender.self(), to, "m", "x");
  ASSERT_TRUE(connection.read(expected.size()).has_value());

  const std::optional<Address> nodeEnd = peerAddress(connection.fd());
  ASSERT_TRUE(nodeEnd.has_value());
  const int fd = findSocket(*nodeEnd, peer.address());
  ASSERT_GE(fd, 0) << "the node's socket was not found";
  EXPECT_TRUE(noDelay(fd));
}

TEST(NetworkSend, OrderIsKeptForTenThousandMessagesBetweenNodes) {
  constexpr int kCount = 10000;
  constexpr int kBatch = 100;
  Recorder receiver("receiver", {"n"});
  Sender sender("sender");
  Context receiving(nodeOptions());
  Context sending(nodeOptions());
  receiving.spawn(receiver);
  sending.spawn(sender);
  ASSERT_NE(receiving.address(), sending.address());

  // Spread over many events of the sender, as a busy process would.
  std::vector<Future<Nothing>> sent;
  for (int first = 0; first < kCount; first += kBatch) {
    sent.push_back(dispatch(sender.self(), &Sender::sendNumbered,
                            UPID(receiver.self()), first, kBatch));
  }
  for (const Future<Nothing>& future : sent) {
    AWAIT_READY(future);
  }
  Future<std::vector<Received>> received =
      dispatch(receiver.self(), &Recorder::waitFor, size_t(kCount));
  AWAIT_READY(received);
  ASSERT_EQ(size_t(kCount), received->size());
  for (int i = 0; i < kCount; ++i) {
    const Received& message = received->at(i);
    const std::string number = message.body.substr(0, message.body.find(':'));
    ASSERT_EQ(std::to_string(i), number) << "message " << i << " out of order";
    ASSERT_EQ(sender.self(), message.from);
    if (i % 100 == 99) {
      ASSERT_EQ(number.size() + 1 + 100 * 1024, message.body.size());
    }
  }
  EXPECT_EQ(0u, sending.droppedMessages());
  EXPECT_EQ(0u, receiving.droppedMessages());
}

TEST(NetworkSend, UnreachableNodeDropsAndCountsWithoutBlockingTheSender) {
  Listener refusing(false);  // bound, not listening: connections refused
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", refusing.address());
  const uint64_t before = node.droppedMessages();

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "lost"s, "x"s));
  // The sender goes on with its next events at once.
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo,
                       UPID("other", refusing.address()), "lost"s, ""s));

  // The link to the unreachable node is told (at once, or within the
  // reconnect backoff); the messages are dropped and counted, the second
  // once the retry after the backoff is refused too.
  AWAIT_READY(dispatch(sender.self(), &Sender::linkTo, to));
  AWAIT_READY(sender.exitedPid());
  EXPECT_EQ(to, sender.exitedPid().get());
  const Promise<Nothing> never;
  for (int i = 0; i < 15000 && node.droppedMessages() < before + 2; ++i) {
    never.future().await(Milliseconds(1));  // bounded, real time
  }
  EXPECT_EQ(before + 2, node.droppedMessages());

  // Once the node listens, a later message reaches it on a new connection.
  refusing.listen();
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "found"s, "y"s));
  Socket connection = refusing.accept();
  ASSERT_TRUE(connection.valid()) << "no new connection after the failure";
  const std::string expected = wireMessage(sender.self(), to, "found", "y");
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value()) << connection.buffered();
  EXPECT_EQ(expected, *got);
  EXPECT_EQ(before + 2, node.droppedMessages());
}

// docs/wire.md: no delivery guarantee across a broken connection, but once the
// break is known, the next message opens a new connection.
TEST(NetworkSend, AfterAConnectionBreaksTheNextMessageOpensANewOne) {
  Listener peer;
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::linkTo, to));
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "m"s, "1"s));
  Socket first = peer.accept();
  ASSERT_TRUE(first.valid());
  std::string expected = wireMessage(sender.self(), to, "m", "1");
  ASSERT_TRUE(first.read(expected.size()).has_value());
  first.close();
  // The linker hears of the break...
  AWAIT_READY(sender.exitedPid());
  EXPECT_EQ(to, sender.exitedPid().get());

  // ...and a message sent after that goes out on a new connection.
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "m"s, "2"s));
  Socket second = peer.accept();
  ASSERT_TRUE(second.valid()) << "no new connection";
  expected = wireMessage(sender.self(), to, "m", "2");
  std::optional<std::string> got = second.read(expected.size());
  ASSERT_TRUE(got.has_value()) << second.buffered();
  EXPECT_EQ(expected, *got);
}

// Takes whole messages as the node encodes them (chunked, non-empty body)
// off the front of `stream`; returns how many.
size_t takeMessages(std::string& stream) {
  size_t taken = 0;
  for (;;) {
    const size_t headEnd = stream.find("\r\n\r\n");
    if (headEnd == std::string::npos) {
      return taken;
    }
    const size_t sizeEnd = stream.find("\r\n", headEnd + 4);
    if (sizeEnd == std::string::npos) {
      return taken;
    }
    const size_t size = std::stoul(
        stream.substr(headEnd + 4, sizeEnd - headEnd - 4), nullptr, 16);
    const size_t end = sizeEnd + 2 + size + 7;  // "\r\n0\r\n\r\n"
    if (stream.size() < end) {
      return taken;
    }
    stream.erase(0, end);
    ++taken;
  }
}

// A peer that goes away drops what it had not acknowledged, and only that:
// a message it answered is not also counted as dropped; one it received
// without answering is (it was never acknowledged).
TEST(NetworkSend, MessagesThePeerAnsweredAreNotCountedAsDropped) {
  constexpr int kCount = 1000;
  constexpr size_t kPadding = 16 * 1024;  // 16 MB in all
  constexpr size_t kReceived = kCount / 2;
  Listener peer(false);
  const int small = 4096;
  ::setsockopt(peer.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  peer.listen();
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", peer.address());

  // The link hears when the connection breaks.
  AWAIT_READY(dispatch(sender.self(), &Sender::linkTo, to));
  // All queued while the peer reads nothing.
  AWAIT_READY(
      dispatch(sender.self(), &Sender::sendPadded, to, kCount, kPadding));
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  ASSERT_EQ(0u, node.droppedMessages());

  // Receive half of them, then go away.
  std::string stream;
  size_t received = 0;
  while (received < kReceived) {
    std::optional<std::string> more = connection.read(1);
    ASSERT_TRUE(more.has_value()) << "received " << received;
    stream += *more;
    while (!connection.buffered().empty()) {
      stream += *connection.read(connection.buffered().size());
    }
    received += takeMessages(stream);
  }
  // Answer all but the last one received, then end our side (the answers
  // go before the end of file).
  const std::string accepted =
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
  std::string answers;
  for (size_t i = 0; i + 1 < received; ++i) {
    answers += accepted;
  }
  ASSERT_TRUE(connection.write(answers));
  ::shutdown(connection.fd(), SHUT_WR);
  AWAIT_READY(sender.exitedPid());

  EXPECT_EQ(kCount - (received - 1), node.droppedMessages())
      << "the peer answered " << received - 1 << " of " << kCount;
  EXPECT_EQ(node.droppedMessages(),
            node.droppedMessages(DropReason::kPeerLost));
}

// A node that completes no handshake (its accept queue is full, so the
// kernel drops our SYNs): the connect timeout declares it unreachable.
TEST(NetworkSend, NodeThatNeverAcceptsIsUnreachableAfterTheConnectTimeout) {
  Listener full(false);
  full.listen(0);
  // Fill the accept queue with connections nobody accepts. Non-blocking:
  // once the queue is full, further handshakes do not complete.
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd =
        ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    const sockaddr_in in = toSockaddr(full.address());
    ::connect(fd, reinterpret_cast<const sockaddr*>(&in), sizeof(in));
    fillers.push_back(fd);
  }

  // The connect timeout runs on the paused clock: the kernel alone would
  // keep retrying the handshake for minutes.
  Clock::pause();
  const Duration connectTimeout = Context::Options().limits.connectTimeout;
  Sender sender("sender");
  Context node(nodeOptions());
  node.spawn(sender);
  const UPID to("receiver", full.address());

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, to, "lost"s, "x"s));
  AWAIT_READY(dispatch(sender.self(), &Sender::linkTo, to));
  // The connect is under way on the loop; each advance passes its deadline
  // once it is armed.
  const Future<UPID> exited = sender.exitedPid();
  for (int i = 0; i < 1000 && !exited.await(Milliseconds(10)); ++i) {
    Clock::advance(connectTimeout);
  }
  AWAIT_READY(exited);
  EXPECT_EQ(1u, node.droppedMessages());
  Clock::resume();
  for (const int fd : fillers) {
    ::close(fd);
  }
}

// post() from outside any process sends with an empty sender. What it puts
// on the wire must be a message another Procession node accepts, as
// libprocess accepts its own post()s (an empty sender pid).
//
// post() goes out through the default context, whose workers outlive
// main(): a process of it, linked to the peer, hears when the connection is
// closed, so that the test ends after the last the default context logs
// about it (else ThreadSanitizer sees that log line race with glog's
// teardown at exit).
TEST(NetworkSend, PostFromOutsideAnyProcessIsAcceptedByAnotherNode) {
  Listener peer;
  const UPID to("receiver", peer.address());
  Sender watcher;
  spawn(watcher);
  Reaper reaper(watcher.self());
  AWAIT_READY(dispatch(watcher.self(), &Sender::linkTo, to));
  post(to, "posted", "body");
  Socket outbound = peer.accept();
  ASSERT_TRUE(outbound.valid());
  // The request as it left, up to the end of its chunked body.
  std::string request;
  while (request.find("\r\n0\r\n\r\n") == std::string::npos) {
    std::optional<std::string> byte = outbound.read(1);
    ASSERT_TRUE(byte.has_value()) << "got only '" << request << "'";
    request += *byte;
  }

  // Replay it to a node where "receiver" lives.
  Recorder receiver("receiver", {"posted"});
  Context node(nodeOptions());
  node.spawn(receiver);
  Socket client = Socket::connect(node.address());
  ASSERT_TRUE(client.valid());
  ASSERT_TRUE(client.write(request));
  const Response response = client.readResponse();
  EXPECT_EQ(202, response.status)
      << response.statusLine << response.error << "\nrequest:\n"
      << request;
  if (response.status == 202) {
    Future<std::vector<Received>> received =
        dispatch(receiver.self(), &Recorder::waitFor, size_t(1));
    AWAIT_READY(received);
    EXPECT_EQ("body", received->at(0).body);
    EXPECT_FALSE(received->at(0).from) << received->at(0).from;
  }
  outbound.close();
  AWAIT_READY(watcher.exitedPid());
}

// ---------------------------------------------------------------------------
// Receiving: raw requests to a node, and its answers.

class NetworkReceive : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(node.spawn(recorder)); }

  Socket connect() {
    Socket socket = Socket::connect(node.address());
    EXPECT_TRUE(socket.valid()) << "cannot connect to " << node.address();
    return socket;
  }

  // A libprocess message to the recorder.
  std::string message(const std::string& name, const std::string& body,
                      const std::string& from = "peer@1.2.3.4:5") {
    return libprocessRequest("/recorder/" + name, from, body, node.address());
  }

  Future<std::vector<Received>> received(size_t count) {
    return dispatch(recorder.self(), &Recorder::waitFor, count);
  }

  // Declared before the node: the node terminates it first.
  Recorder recorder{"recorder",
                    {"hello", "data", "mesos.internal.RegisterSlaveMessage"}};
  Context node{nodeOptions()};
};

TEST_F(NetworkReceive, LibprocessMessageIsAcceptedAndDelivered) {
  Socket client = connect();
  ASSERT_TRUE(client.write(message("hello", "world")));
  const Response response = client.readResponse();
  ASSERT_EQ(202, response.status) << response.error;
  EXPECT_EQ("HTTP/1.1 202 Accepted", response.statusLine);
  ASSERT_NE(nullptr, response.header("Content-Length"));
  EXPECT_EQ("0", *response.header("Content-Length"));
  EXPECT_EQ(nullptr, response.header("Connection"));

  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  ASSERT_EQ(1u, got->size());
  EXPECT_EQ(UPID("peer@1.2.3.4:5"), got->at(0).from);
  EXPECT_EQ("hello", got->at(0).name);
  EXPECT_EQ("world", got->at(0).body);
  EXPECT_EQ(0u, node.droppedMessages());
}

TEST_F(NetworkReceive, UnknownProcessIs404AndCounted) {
  Socket client = connect();
  ASSERT_TRUE(client.write(libprocessRequest("/nobody/hello", "peer@1.2.3.4:5",
                                             "x", node.address())));
  const Response response = client.readResponse();
  EXPECT_EQ(404, response.status) << response.error;
  EXPECT_EQ(1u, node.droppedMessages());
  // The connection stays usable.
  ASSERT_TRUE(client.write(message("hello", "after")));
  EXPECT_EQ(202, client.readResponse().status);
}

TEST_F(NetworkReceive, UnparsableSenderIs400AndNotDelivered) {
  Socket client = connect();
  for (const std::string from :
       {"garbage", "peer@1.2.3.4", "peer@1.2.3.4:99999", "peer@1.2.3:5",
        "peer@no.such.host.invalid:5", "peer@1.2.3.4:5x"}) {
    ASSERT_TRUE(client.write(message("hello", "bad", from)));
    const Response response = client.readResponse();
    EXPECT_EQ(400, response.status)
        << "sender '" << from << "': " << response.statusLine << response.error;
    EXPECT_EQ("HTTP/1.1 400 Bad Request", response.statusLine);
  }
  // Messages of one connection reach a process in order: had any bad one
  // been delivered, it would come first.
  ASSERT_TRUE(client.write(message("hello", "good")));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ("good", got->at(0).body);
}

TEST_F(NetworkReceive, PathWithoutMessageNameIs400) {
  Socket client = connect();
  for (const std::string path : {"/recorder", "/recorder/", "/", "//hello"}) {
    ASSERT_TRUE(client.write(
        libprocessRequest(path, "peer@1.2.3.4:5", "bad", node.address())));
    const Response response = client.readResponse();
    EXPECT_EQ(400, response.status)
        << "path '" << path << "': " << response.statusLine << response.error;
  }
  ASSERT_TRUE(client.write(message("hello", "good")));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ("good", got->at(0).body);
}

TEST_F(NetworkReceive, UserAgentAloneIdentifiesTheSender) {
  Socket client = connect();
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.1\r\n"
                   "User-Agent: libprocess/x@1.2.3.4:5\r\n"
                   "Content-Length: 2\r\n\r\nua"));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ(UPID("x@1.2.3.4:5"), got->at(0).from);
  EXPECT_EQ("ua", got->at(0).body);
}

TEST_F(NetworkReceive, LibprocessFromAloneIdentifiesTheSender) {
  Socket client = connect();
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.1\r\n"
                   "Libprocess-From: script@10.0.0.7:5051\r\n"
                   "Content-Length: 3\r\n\r\nlpf"));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ(UPID("script@10.0.0.7:5051"), got->at(0).from);
  EXPECT_EQ("lpf", got->at(0).body);
}

// libprocess reads Libprocess-From first and the User-Agent only without it.
TEST_F(NetworkReceive, LibprocessFromWinsOverTheUserAgent) {
  Socket client = connect();
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.1\r\n"
                   "User-Agent: libprocess/agent@1.1.1.1:1\r\n"
                   "Libprocess-From: from@2.2.2.2:2\r\n"
                   "Content-Length: 0\r\n\r\n"));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ(UPID("from@2.2.2.2:2"), got->at(0).from);
}

// Whitespace around a header's value is no part of it (RFC 9110 5.5;
// libprocess trims the sender too).
TEST_F(NetworkReceive, WhitespaceAroundTheSenderIsIgnored) {
  Socket client = connect();
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.1\r\n"
                   "Libprocess-From:   spaced@1.2.3.4:5 \t \r\n"
                   "Content-Length: 1\r\n\r\ns"
                   "POST /recorder/hello HTTP/1.1\r\n"
                   "User-Agent:\tlibprocess/tabbed@1.2.3.4:6\t\r\n"
                   "Content-Length: 1\r\n\r\nt"));
  Response response = client.readResponse();
  EXPECT_EQ(202, response.status) << response.statusLine << response.body;
  response = client.readResponse();
  EXPECT_EQ(202, response.status) << response.statusLine << response.body;
  Future<std::vector<Received>> got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ(UPID("spaced@1.2.3.4:5"), got->at(0).from);
  EXPECT_EQ(UPID("tabbed@1.2.3.4:6"), got->at(1).from);
}

TEST_F(NetworkReceive, HeaderNamesAreCaseInsensitive) {
  Socket client = connect();
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.1\r\n"
                   "libprocess-from: lower@1.2.3.4:5\r\n"
                   "content-length: 1\r\n\r\na"
                   "POST /recorder/hello HTTP/1.1\r\n"
                   "USER-AGENT: libprocess/upper@1.2.3.4:6\r\n"
                   "TRANSFER-ENCODING: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"));
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ(UPID("lower@1.2.3.4:5"), got->at(0).from);
  EXPECT_EQ("a", got->at(0).body);
  EXPECT_EQ(UPID("upper@1.2.3.4:6"), got->at(1).from);
  EXPECT_EQ("b", got->at(1).body);
}

TEST_F(NetworkReceive, CompactorDialectKeepsTheConnectionOpen) {
  Socket client = connect();
  ASSERT_TRUE(client.write(
      compactorRequest("/recorder/hello", "compactor@10.0.0.9:6000", "one")));
  const Response first = client.readResponse();
  EXPECT_EQ(202, first.status) << first.error;
  EXPECT_EQ(nullptr, first.header("Connection"));
  // The same connection carries the next one.
  ASSERT_TRUE(client.write(
      compactorRequest("/recorder/data", "compactor@10.0.0.9:6000", "")));
  const Response second = client.readResponse();
  EXPECT_EQ(202, second.status) << second.error;

  Future<std::vector<Received>> got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ(UPID("compactor@10.0.0.9:6000"), got->at(0).from);
  EXPECT_EQ("hello", got->at(0).name);
  EXPECT_EQ("one", got->at(0).body);
  EXPECT_EQ("data", got->at(1).name);
  EXPECT_EQ("", got->at(1).body);
}

TEST_F(NetworkReceive, ChunkedAndContentLengthBodiesArriveExactly) {
  const std::string body = binaryBody();
  ASSERT_EQ('\0', body[0]);
  Socket client = connect();
  // libprocess's single chunk.
  ASSERT_TRUE(client.write(message("data", body)));
  // Several chunks, uppercase hex, a chunk extension and a trailer.
  std::string chunked =
      "POST /recorder/data HTTP/1.1\r\n"
      "Libprocess-From: peer@1.2.3.4:5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  chunked += "A\r\n" + body.substr(0, 10) + "\r\n";
  chunked += "1F4;ext=1\r\n" + body.substr(10, 500) + "\r\n";
  chunked += hex(body.size() - 510) + "\r\n" + body.substr(510) + "\r\n";
  chunked += "0\r\nX-Trailer: t\r\n\r\n";
  ASSERT_TRUE(client.write(chunked));
  // compactor's Content-Length.
  ASSERT_TRUE(
      client.write(compactorRequest("/recorder/data", "peer@1.2.3.4:5", body)));
  for (int i = 0; i < 3; ++i) {
    const Response response = client.readResponse();
    EXPECT_EQ(202, response.status) << i << ": " << response.error;
  }
  Future<std::vector<Received>> got = received(3);
  AWAIT_READY(got);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(got->at(i).body == body)
        << "body " << i << " differs: " << got->at(i).body.size() << " bytes";
  }
}

TEST_F(NetworkReceive, DottedMessageNames) {
  Socket client = connect();
  ASSERT_TRUE(client.write(
      message("mesos.internal.RegisterSlaveMessage", "\x0a\x03pb"s)));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ("mesos.internal.RegisterSlaveMessage", got->at(0).name);
  EXPECT_EQ("\x0a\x03pb"s, got->at(0).body);
}

TEST_F(NetworkReceive, GeneratedIdsPlainAndPercentEncoded) {
  Recorder slave("slave(1)", {"ping"});
  ASSERT_TRUE(node.spawn(slave));
  Reaper reaper(slave.self());
  Socket client = connect();
  ASSERT_TRUE(
      client.write(libprocessRequest("/slave(1)/ping", "p@1.2.3.4:5", "plain",
                                     node.address()) +
                   libprocessRequest("/slave%281%29/ping", "p@1.2.3.4:5",
                                     "encoded", node.address())));
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got =
      dispatch(slave.self(), &Recorder::waitFor, size_t(2));
  AWAIT_READY(got);
  EXPECT_EQ("plain", got->at(0).body);
  EXPECT_EQ("encoded", got->at(1).body);
}

TEST_F(NetworkReceive, PipelinedRequestsAreAnsweredInOrder) {
  Socket client = connect();
  ASSERT_TRUE(client.write(message("hello", "first") +
                           libprocessRequest("/nobody/hello", "peer@1.2.3.4:5",
                                             "x", node.address()) +
                           message("data", "third") +
                           "GET /recorder/route HTTP/1.1\r\n\r\n" +
                           message("hello", "fifth", "garbage")));
  for (const int status : {202, 404, 202, 404, 400}) {
    const Response response = client.readResponse();
    EXPECT_EQ(status, response.status) << response.statusLine << response.error;
  }
  Future<std::vector<Received>> got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ("first", got->at(0).body);
  EXPECT_EQ("third", got->at(1).body);
}

TEST_F(NetworkReceive, ThousandPipelinedMessagesInOneWriteArriveInOrder) {
  constexpr int kCount = 1000;
  std::string requests;
  for (int i = 0; i < kCount; ++i) {
    requests += message(i % 2 == 0 ? "hello" : "data", std::to_string(i));
  }
  Socket client = connect();
  ASSERT_TRUE(client.write(requests));
  for (int i = 0; i < kCount; ++i) {
    const Response response = client.readResponse();
    ASSERT_EQ(202, response.status) << i << ": " << response.error;
  }
  Future<std::vector<Received>> got = received(kCount);
  AWAIT_READY(got);
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(std::to_string(i), got->at(i).body);
  }
}

TEST_F(NetworkReceive, RequestInSingleBytesIsDelivered) {
  const std::string request = message("hello", "slow") +
                              compactorRequest("/recorder/data", "c@1.2.3.4:5",
                                               binaryBody().substr(0, 40));
  Socket client = connect();
  for (const char c : request) {
    ASSERT_TRUE(client.write(std::string_view(&c, 1)));
  }
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ("slow", got->at(0).body);
  EXPECT_EQ(binaryBody().substr(0, 40), got->at(1).body);
}

TEST_F(NetworkReceive, RequestsThatAreNoMessagesAre404) {
  Socket client = connect();
  // An ordinary GET, a POST without any sender, a POST whose User-Agent is
  // not libprocess's: routes, of which there are none.
  ASSERT_TRUE(
      client.write("GET /recorder/hello HTTP/1.1\r\nHost: x\r\n\r\n"
                   "POST /recorder/hello HTTP/1.1\r\nContent-Length: 1\r\n\r\na"
                   "POST /recorder/hello HTTP/1.1\r\nUser-Agent: curl/8.0\r\n"
                   "Content-Length: 1\r\n\r\nb"));
  for (int i = 0; i < 3; ++i) {
    const Response response = client.readResponse();
    EXPECT_EQ(404, response.status) << i << ": " << response.error;
  }
  ASSERT_TRUE(client.write(message("hello", "message")));
  EXPECT_EQ(202, client.readResponse().status);
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ("message", got->at(0).body);
}

TEST_F(NetworkReceive, MessageWithoutHandlerIsStillAccepted) {
  Socket client = connect();
  ASSERT_TRUE(client.write(message("unhandled", "x")));
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ(0u, node.droppedMessages());
}

TEST_F(NetworkReceive, Http10WithoutKeepAliveIsAnsweredThenClosed) {
  Socket client = connect();
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.0\r\n"
                   "Libprocess-From: old@1.2.3.4:5\r\n"
                   "Content-Length: 3\r\n\r\nold"));
  const Response response = client.readResponse();
  EXPECT_EQ(202, response.status) << response.error;
  EXPECT_TRUE(client.waitClosed()) << "the connection stayed open";
  EXPECT_EQ("", client.buffered());
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ("old", got->at(0).body);
}

TEST_F(NetworkReceive, ConnectionCloseIsAnsweredThenClosed) {
  Socket client = connect();
  // Whatever follows the request that asked to close is not served.
  ASSERT_TRUE(
      client.write("POST /recorder/hello HTTP/1.1\r\n"
                   "Libprocess-From: p@1.2.3.4:5\r\n"
                   "Connection: close\r\n"
                   "Content-Length: 4\r\n\r\nlast" +
                   message("hello", "ignored")));
  const Response response = client.readResponse();
  EXPECT_EQ(202, response.status) << response.error;
  EXPECT_TRUE(client.waitClosed());
  EXPECT_EQ("", client.buffered());
  Future<std::vector<Received>> got = received(1);
  AWAIT_READY(got);
  EXPECT_EQ("last", got->at(0).body);
  // Nothing but "last" arrives: a marker sent afterwards comes second.
  Socket other = connect();
  ASSERT_TRUE(other.write(message("hello", "marker")));
  EXPECT_EQ(202, other.readResponse().status);
  got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ("marker", got->at(1).body);
}

TEST_F(NetworkReceive, HalfClosedPeerStillGetsItsAnswers) {
  Socket client = connect();
  ASSERT_TRUE(client.write(message("hello", "a") + message("hello", "b")));
  ASSERT_EQ(0, ::shutdown(client.fd(), SHUT_WR));
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_TRUE(client.waitClosed());
  Future<std::vector<Received>> got = received(2);
  AWAIT_READY(got);
  EXPECT_EQ("b", got->at(1).body);
}

TEST_F(NetworkReceive, InboundSocketSetsNoDelay) {
  Socket client = connect();
  ASSERT_TRUE(client.write(message("hello", "x")));
  ASSERT_EQ(202, client.readResponse().status);
  const std::optional<Address> clientEnd = localAddress(client.fd());
  ASSERT_TRUE(clientEnd.has_value());
  const int fd = findSocket(node.address(), *clientEnd);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(noDelay(fd));
}

// A node answers a peer on a connection of its own to the sender's node,
// never on the one the peer opened (docs/wire.md, Connections).
class Echo : public Process<Echo> {
 public:
  explicit Echo(const std::string& id) : Process<Echo>(id) {}

 protected:
  void initialize() override {
    install("ping", [this](const UPID& from, const std::string& body) {
      send(from, "pong", body);
    });
  }
};

TEST_F(NetworkReceive, RepliesTravelOnTheNodesOwnConnection) {
  Listener peer;
  Echo echo("echo");
  ASSERT_TRUE(node.spawn(echo));
  Reaper reaper(echo.self());
  const UPID from("pinger", peer.address());

  Socket client = connect();
  ASSERT_TRUE(client.write(libprocessRequest("/echo/ping", stringify(from),
                                             "ball", node.address())));
  EXPECT_EQ(202, client.readResponse().status);

  Socket back = peer.accept();
  ASSERT_TRUE(back.valid()) << "the reply did not come on a new connection";
  const std::string expected = wireMessage(echo.self(), from, "pong", "ball");
  std::optional<std::string> got = back.read(expected.size());
  ASSERT_TRUE(got.has_value()) << back.buffered();
  EXPECT_EQ(expected, *got);
  // Nothing but the answer came on the peer's own connection.
  ASSERT_TRUE(client.write(message("hello", "done")));
  EXPECT_EQ(202, client.readResponse().status);
  EXPECT_EQ("", client.buffered());
}

// ---------------------------------------------------------------------------
// Two contexts of one binary, over loopback.

class Pinger : public Process<Pinger> {
 public:
  explicit Pinger(const std::string& id) : Process<Pinger>(id) {}

  // Plays `rounds` of ping-pong with `ponger`; the number of rounds played,
  // once done, or a failure on the first wrong pong.
  Future<int> play(const UPID& ponger, int rounds) {
    ponger_ = ponger;
    rounds_ = rounds;
    send(ponger_, "ping", "0");
    return done_.future();
  }

 protected:
  void initialize() override {
    install("pong", [this](const UPID& from, const std::string& body) {
      if (from != ponger_ || body != std::to_string(played_)) {
        done_.fail("round " + std::to_string(played_) + ": pong '" + body +
                   "' from " + stringify(from));
        return;
      }
      if (++played_ == rounds_) {
        done_.set(played_);
        return;
      }
      send(ponger_, "ping", std::to_string(played_));
    });
  }

 private:
  UPID ponger_;
  int rounds_ = 0;
  int played_ = 0;
  Promise<int> done_;
};

TEST(NetworkBetweenContexts, PingPongRepliesThroughTheSender) {
  Pinger pinger("pinger");
  Echo ponger("ponger");
  Context left(nodeOptions());
  Context right(nodeOptions());
  const UPID pingerPid = left.spawn(pinger);
  const UPID pongerPid = right.spawn(ponger);
  EXPECT_EQ(left.address(), pingerPid.address);
  EXPECT_EQ(right.address(), pongerPid.address);

  // The ponger is named by text, as a peer would know it: no reference.
  const UPID byName(stringify(pongerPid));
  ASSERT_FALSE(byName.reference);
  Future<int> played = dispatch(
      pinger.self(), [&pinger, byName] { return pinger.play(byName, 200); });
  AWAIT_EXPECT_EQ(200, played);
  EXPECT_EQ(0u, left.droppedMessages());
  EXPECT_EQ(0u, right.droppedMessages());
}

// Ids and names with bytes that cannot stand in a path as themselves still
// reach the right process under the right name.
TEST(NetworkBetweenContexts, UnusualIdsAndNamesRoundTrip) {
  const std::string id = "we ird%41?#\x7f\xc3\xa9/x";
  const std::string name = "a b/c?d#e%41f\r\n\x01.";
  Sender sender("sender");
  Recorder receiver(id, {name});
  Context left(nodeOptions());
  Context right(nodeOptions());
  left.spawn(sender);
  ASSERT_TRUE(right.spawn(receiver));

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, UPID(receiver.self()),
                       name, "body"s));
  Future<std::vector<Received>> got =
      dispatch(receiver.self(), &Recorder::waitFor, size_t(1));
  AWAIT_READY(got);
  EXPECT_EQ(name, got->at(0).name);
  EXPECT_EQ("body", got->at(0).body);
  EXPECT_EQ(0u, right.droppedMessages());
}

TEST(NetworkBetweenContexts, LargeBodiesArriveIntact) {
  std::string large(8 * 1024 * 1024 + 3, '\0');
  for (size_t i = 0; i < large.size(); ++i) {
    large[i] = static_cast<char>((i * 131) >> 3);
  }
  Sender sender("sender");
  Recorder receiver("receiver", {"big"});
  Context left(nodeOptions());
  Context right(nodeOptions());
  left.spawn(sender);
  right.spawn(receiver);

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, UPID(receiver.self()),
                       "big"s, large));
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, UPID(receiver.self()),
                       "big"s, "small"s));
  Future<std::vector<Received>> got =
      dispatch(receiver.self(), &Recorder::waitFor, size_t(2));
  AWAIT_READY(got);
  EXPECT_TRUE(got->at(0).body == large)
      << "got " << got->at(0).body.size() << " bytes";
  EXPECT_EQ("small", got->at(1).body);
}

TEST(NetworkBetweenContexts, AMessageToAMissingProcessIsCountedAtTheReceiver) {
  Sender sender("sender");
  Recorder receiver("receiver", {"hello"});
  Context left(nodeOptions());
  Context right(nodeOptions());
  left.spawn(sender);
  right.spawn(receiver);

  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo,
                       UPID("missing", right.address()), "hello"s, "x"s));
  AWAIT_READY(dispatch(sender.self(), &Sender::sendTo, UPID(receiver.self()),
                       "hello"s, "y"s));
  Future<std::vector<Received>> got =
      dispatch(receiver.self(), &Recorder::waitFor, size_t(1));
  AWAIT_READY(got);
  EXPECT_EQ("y", got->at(0).body);
  // Both travelled on one connection, in order: the first was refused by
  // then.
  EXPECT_EQ(1u, right.droppedMessages());
  EXPECT_EQ(0u, left.droppedMessages());
}

}  // namespace
