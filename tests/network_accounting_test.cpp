// Accounting for messages (docs/guide.md): each message a process sends is
// acknowledged by the receiving node or counted by the sending context as
// dropped, with its reason (Context::droppedMessages(DropReason)). Here
// against raw peers, so that what was acknowledged is exactly known; the
// flood across OS processes is network_flood_test.
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "transport/message_codec.hpp"
#include "wire_socket.hpp"

using namespace process;

namespace {

using namespace wire;

Context::Options nodeOptions() {
  Context::Options options;
  options.workers = 2;
  return options;
}

class Flooder : public Process<Flooder> {
 public:
  Flooder() : Process<Flooder>("flooder") {}

  // Ready when the link breaks.
  Future<Nothing> linkTo(const UPID& pid) {
    exited_ = Promise<Nothing>();
    link(pid);
    return exited_.future();
  }
  Nothing flood(const UPID& to, int count) {
    for (int i = 0; i < count; ++i) {
      send(to, "m", std::to_string(i));
    }
    return Nothing();
  }

 protected:
  void exited(const UPID& /*pid*/) override { exited_.set(Nothing()); }

 private:
  Promise<Nothing> exited_;
};

uint64_t lostOrUnreachable(const Context& node) {
  return node.droppedMessages(DropReason::kPeerLost) +
         node.droppedMessages(DropReason::kPeerUnreachable);
}

// lostOrUnreachable(node) once it reaches `count`, or after 15 s: a retry
// after the reconnect backoff (10 ms, doubling) counts its drops late.
uint64_t lostOrUnreachableReaching(const Context& node, uint64_t count) {
  const Promise<Nothing> never;
  for (int i = 0; i < 15000 && lostOrUnreachable(node) < count; ++i) {
    never.future().await(Milliseconds(1));  // bounded, real time
  }
  return lostOrUnreachable(node);
}

// Of 10,000 messages to a node that took the connection and then vanished
// without answering one, every one is counted: the socket took most of
// them, but none was acknowledged.
TEST(MessageAccounting, ANodeThatVanishesLosesEveryUnacknowledgedMessage) {
  constexpr int kCount = 10000;
  Listener peer;
  Flooder flooder;
  Context node(nodeOptions());
  node.spawn(flooder);
  const UPID to("receiver", peer.address());

  const Future<Nothing> exited = dispatch(flooder.self(), &Flooder::linkTo, to);
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  AWAIT_READY(dispatch(flooder.self(), &Flooder::flood, to, kCount));
  // Some of the bytes arrive; then the node is gone.
  ASSERT_TRUE(connection.read(1).has_value());
  connection.close();
  AWAIT_READY(exited);

  EXPECT_EQ(static_cast<uint64_t>(kCount),
            node.droppedMessages(DropReason::kPeerLost));
  EXPECT_EQ(static_cast<uint64_t>(kCount), node.droppedMessages());
}

// What was answered is not counted; what was not, is, whether the socket
// took it or not.
TEST(MessageAccounting, AnsweredMessagesAreNotCounted) {
  constexpr int kCount = 300;
  constexpr int kAnswered = 120;
  Listener peer;
  Flooder flooder;
  Context node(nodeOptions());
  node.spawn(flooder);
  const UPID to("receiver", peer.address());

  const Future<Nothing> exited = dispatch(flooder.self(), &Flooder::linkTo, to);
  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid());
  AWAIT_READY(dispatch(flooder.self(), &Flooder::flood, to, kCount));
  std::string answers;
  for (int i = 0; i < kAnswered; ++i) {
    answers += "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
  }
  // One refusal: the receiving node counted that drop, not we.
  answers += "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(connection.write(answers));
  ::shutdown(connection.fd(), SHUT_WR);
  AWAIT_READY(exited);

  EXPECT_EQ(static_cast<uint64_t>(kCount - kAnswered - 1),
            node.droppedMessages(DropReason::kPeerLost));
  EXPECT_EQ(node.droppedMessages(DropReason::kPeerLost),
            node.droppedMessages());
}

// Nobody listens: every message is dropped for a peer never reached.
TEST(MessageAccounting, ANodeNeverReachedIsUnreachable) {
  constexpr int kCount = 50;
  Listener closed(false);  // bound, not listening: connections are refused
  Flooder flooder;
  Context node(nodeOptions());
  node.spawn(flooder);
  const UPID to("receiver", closed.address());

  // Twice: messages sent after a break go to a new connection (after the
  // reconnect backoff), refused too.
  for (int round = 1; round <= 2; ++round) {
    AWAIT_READY(dispatch(flooder.self(), &Flooder::flood, to, kCount));
    AWAIT_READY(dispatch(flooder.self(), &Flooder::linkTo, to));
    EXPECT_EQ(static_cast<uint64_t>(round * kCount),
              lostOrUnreachableReaching(node, round * kCount));
  }
  EXPECT_EQ(static_cast<uint64_t>(2 * kCount),
            node.droppedMessages(DropReason::kPeerUnreachable));
  EXPECT_EQ(0u, node.droppedMessages(DropReason::kPeerLost));
}

TEST(MessageAccounting, LocalDropsHaveTheirReasons) {
  Flooder flooder;
  Context node(nodeOptions());
  node.spawn(flooder);
  AWAIT_READY(dispatch(flooder.self(), &Flooder::flood, UPID(), 2));
  AWAIT_READY(dispatch(flooder.self(), &Flooder::flood,
                       UPID("nobody", node.address()), 3));
  EXPECT_EQ(2u, node.droppedMessages(DropReason::kInvalidUpid));
  EXPECT_EQ(3u, node.droppedMessages(DropReason::kNoSuchProcess));
  EXPECT_EQ(5u, node.droppedMessages());
  EXPECT_STREQ("peer lost", toString(DropReason::kPeerLost));
}

}  // namespace

namespace {

// Holds its first "m" until released; counts what it ran.
class Gated : public Process<Gated> {
 public:
  Gated() : Process<Gated>("gated") {}
  void release() { gate_.set(Nothing()); }
  // Ready once the first "m" is in its handler.
  Future<Nothing> holding() const { return holding_.future(); }

 protected:
  void initialize() override {
    install("m", [this](const UPID&, const std::string&) {
      if (ran_++ == 0) {
        holding_.set(Nothing());
        gate_.future().await(Seconds(15));  // a blocked handler
      }
    });
  }

 private:
  Promise<Nothing> gate_;
  Promise<Nothing> holding_;
  size_t ran_ = 0;
};

// Its "seen" is ready once a "w" has run: what the same connection carried
// before it was delivered by then.
class Witness : public Process<Witness> {
 public:
  Witness() : Process<Witness>("witness") {}
  Future<Nothing> seen() const { return seen_.future(); }

 protected:
  void initialize() override {
    install("w",
            [this](const UPID&, const std::string&) { seen_.set(Nothing()); });
  }

 private:
  Promise<Nothing> seen_;
};

// `count` messages to the gated process, then one to the witness.
std::string messagesTo(const Address& node, int count) {
  std::string requests;
  for (int i = 0; i < count; ++i) {
    transport::encodeMessage("sender@127.0.0.1:1", "gated", node, "m",
                             std::to_string(i), requests);
  }
  transport::encodeMessage("sender@127.0.0.1:1", "witness", node, "w", "",
                           requests);
  return requests;
}

struct GatedNode {
  GatedNode()
      : node(nodeOptions()), gated(new Gated()), witness(new Witness()) {
    gatedPid = node.spawn(gated, true);
    node.spawn(witness, true);
  }
  Context node;
  Gated* gated;
  Witness* witness;
  UPID gatedPid;
};

}  // namespace

// A message is acknowledged (202) once its process has run it, not when it
// is queued: while the first handler is blocked, nothing is answered, the
// witness's message that ran meanwhile included (answers keep their order).
TEST(MessageAccounting, AMessageIsAcknowledgedOnceItsProcessHasRunIt) {
  GatedNode receiver;
  Socket sender = Socket::connect(receiver.node.address());
  ASSERT_TRUE(sender.valid());
  ASSERT_TRUE(sender.write(messagesTo(receiver.node.address(), 3)));
  AWAIT_READY(receiver.witness->seen());

  EXPECT_FALSE(sender.read(1, Milliseconds_(100)).has_value());
  receiver.gated->release();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(202, sender.readResponse().status) << i;
  }
}

// Messages queued behind a terminate never run: each is answered 410, and
// the receiving node counts it dropped.
TEST(MessageAccounting, AMessageDroppedUnrunIsAnswered410) {
  GatedNode receiver;
  Socket sender = Socket::connect(receiver.node.address());
  ASSERT_TRUE(sender.valid());
  ASSERT_TRUE(sender.write(messagesTo(receiver.node.address(), 3)));
  // The first is in its handler, the other two queued behind it.
  AWAIT_READY(receiver.gated->holding());
  AWAIT_READY(receiver.witness->seen());

  receiver.node.terminate(receiver.gatedPid);  // ahead of the two waiting
  receiver.gated->release();
  EXPECT_EQ(202, sender.readResponse().status);
  EXPECT_EQ(410, sender.readResponse().status);
  EXPECT_EQ(410, sender.readResponse().status);
  EXPECT_EQ(202, sender.readResponse().status);  // the witness's
  EXPECT_EQ(2u, receiver.node.droppedMessages(DropReason::kProcessTerminated));
}
