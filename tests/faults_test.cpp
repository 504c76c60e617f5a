// <process/testing/faults.hpp>: cutting and healing the way between nodes,
// and links and exits under every fault, between contexts of this OS
// process in memory and over loopback sockets, and from a node of another
// OS process (a raw socket speaking the wire). The clock is paused: a cut's
// peer timeout passes by Clock::advance.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/dispatch.hpp>
#include <process/gtest.hpp>
#include <process/testing/faults.hpp>

#include "fault_nodes.hpp"
#include "transport/message_codec.hpp"
#include "wire_socket.hpp"

using namespace process;
using faults_test::FaultsTest;
using faults_test::numbered;
using faults_test::Recorder;
using faults_test::TestNode;

namespace {

const Duration kPeerTimeout = Context::Options().peerTimeout;

Future<std::vector<UPID>> exitsReach(const TestNode& node, size_t count) {
  return dispatch(node.recorder, &Recorder::exitsReach, count);
}

std::vector<UPID> exitsOf(const TestNode& node) {
  Clock::settle();
  return faults_test::valueOf(dispatch(node.recorder, &Recorder::exits));
}

// `linker` links to `linkee` and returns once the link's connection is up:
// a marker over it has arrived. Over sockets, a clock advanced while the
// connect is still under way would time the connect out, not the cut.
void linkOverAnOpenConnection(const TestNode& linker, const TestNode& linkee) {
  AWAIT_READY(
      dispatch(linker.recorder, &Recorder::linkTo, UPID(linkee.recorder)));
  AWAIT_READY(
      dispatch(linker.recorder, &Recorder::sendMarker, UPID(linkee.recorder)));
  AWAIT_READY(dispatch(linkee.recorder, &Recorder::markersReach, size_t{1}));
}

}  // namespace

TEST_P(FaultsTest, CutHoldsMessagesAndHealDeliversThemOnce) {
  faults.between(a.address(), b.address()).cut();
  sendFromA(numbered(1, 3));
  EXPECT_TRUE(receivedByB().empty());

  faults.between(a.address(), b.address()).heal();
  AWAIT_EQ(numbered(1, 3), bReaches(3));
  sendFromA(numbered(4, 1));
  AWAIT_READY(bReaches(4));
  EXPECT_EQ(numbered(1, 4), receivedByB());
  EXPECT_EQ(0u, a.dropped());
}

TEST_P(FaultsTest, OneWayCutLeavesTheOtherWayOpen) {
  faults.oneWay(b.address(), a.address()).cut();
  sendFromA(numbered(1, 2));
  AWAIT_EQ(numbered(1, 2), bReaches(2));
}

TEST_P(FaultsTest, CutOutlastingThePeerTimeoutFiresExitedOnce) {
  linkOverAnOpenConnection(b, a);
  faults.between(a.address(), b.address()).cut();
  sendFromA(numbered(1, 2));
  const uint64_t dropped = a.dropped();

  Clock::advance(kPeerTimeout - Milliseconds(1));
  EXPECT_TRUE(exitsOf(b).empty());
  Clock::advance(Milliseconds(1));
  AWAIT_READY(exitsReach(b, 1));
  EXPECT_EQ(std::vector<UPID>{a.recorder}, exitsOf(b));
  // What the cut held is lost, and counted where it was sent.
  EXPECT_EQ(dropped + 2, a.dropped());

  faults.between(a.address(), b.address()).heal();
  Clock::advance(kPeerTimeout);
  EXPECT_EQ(1u, exitsOf(b).size());
  sendFromA(numbered(3, 1));
  AWAIT_READY(bReaches(1));
  EXPECT_EQ(numbered(3, 1), receivedByB());  // never the two held ones

  // A new link works: A's node going away is heard.
  AWAIT_READY(dispatch(b.recorder, &Recorder::linkTo, UPID(a.recorder)));
  a.context.reset();
  AWAIT_READY(exitsReach(b, 2));
}

TEST_P(FaultsTest, LinkMadeDuringACutFiresAtThePeerTimeout) {
  faults.between(a.address(), b.address()).cut();
  AWAIT_READY(dispatch(b.recorder, &Recorder::linkTo, UPID(a.recorder)));
  Clock::advance(kPeerTimeout);
  AWAIT_READY(exitsReach(b, 1));
  EXPECT_EQ(std::vector<UPID>{a.recorder}, exitsOf(b));
}

TEST_P(FaultsTest, HealBeforeThePeerTimeoutKeepsTheLink) {
  linkOverAnOpenConnection(b, a);
  faults.between(a.address(), b.address()).cut();
  Clock::advance(kPeerTimeout / 2);
  faults.between(a.address(), b.address()).heal();
  Clock::advance(kPeerTimeout);
  EXPECT_TRUE(exitsOf(b).empty());
  a.context.reset();
  AWAIT_READY(exitsReach(b, 1));
}

// Under each fault but a cut, a link still fires once when its node goes.
TEST_P(FaultsTest, LinksAndExitsUnderEachFault) {
  using Fault = std::function<void(process::testing::NetworkFault)>;
  const std::vector<std::pair<std::string, Fault>> kinds = {
      {"delay", [](auto fault) { fault.delay(Seconds(2)); }},
      {"drop", [](auto fault) { fault.drop(0.5, 3); }},
      {"duplicate", [](auto fault) { fault.duplicate(1.0, 3); }},
      {"reorder", [](auto fault) { fault.reorder(3); }},
      {"throttle", [](auto fault) { fault.throttle(100); }},
  };
  size_t heard = 0;
  for (const auto& [name, apply] : kinds) {
    SCOPED_TRACE(name);
    TestNode linkee(GetParam());
    const UPID gone = linkee.recorder;
    apply(faults.between(a.address(), linkee.address()));
    AWAIT_READY(dispatch(a.recorder, &Recorder::linkTo, gone));
    AWAIT_READY(dispatch(a.recorder, &Recorder::sendAll, gone, numbered(1, 4)));
    linkee.context.reset();
    AWAIT_READY(exitsReach(a, ++heard));
    Clock::advance(Seconds(10));  // whatever was late has come
    const std::vector<UPID> exits = exitsOf(a);
    ASSERT_EQ(heard, exits.size());
    EXPECT_EQ(gone, exits.back());
    faults.between(a.address(), gone.address).clear();
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, FaultsTest, ::testing::Bool(),
                         faults_test::pathName);

// A node of another OS process: the rule lives in ours, on what arrives.
class ForeignNodeFaults : public ::testing::Test {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override {
    faults.clear();
    Clock::resume();
  }

  // Sends `bodies` as the foreign node would; each is taken (202) by the
  // time this returns.
  void sendFromForeign(const std::vector<std::string>& bodies) {
    wire::Socket socket = wire::Socket::connect(node.address());
    ASSERT_TRUE(socket.valid());
    std::string requests;
    for (const std::string& body : bodies) {
      transport::encodeMessage("peer@" + stringify(foreign), "recorder",
                               node.address(), "msg", body, requests);
    }
    ASSERT_TRUE(socket.write(requests));
    for (size_t i = 0; i < bodies.size(); ++i) {
      EXPECT_EQ(202, socket.readResponse().status);
    }
  }
  std::vector<std::string> received() {
    Clock::settle();
    return faults_test::valueOf(dispatch(node.recorder, &Recorder::messages));
  }

  TestNode node{false};
  const Address foreign{net::IP::parse("127.0.0.1").get(), 1};
  process::testing::Faults faults;
};

TEST_F(ForeignNodeFaults, CutHoldsWhatArrivesAndHealDeliversIt) {
  faults.between(node.address(), foreign).cut();
  sendFromForeign(numbered(1, 2));
  EXPECT_TRUE(received().empty());
  faults.between(node.address(), foreign).heal();
  AWAIT_EQ(numbered(1, 2),
           dispatch(node.recorder, &Recorder::messagesReach, size_t(2)));
}

TEST_F(ForeignNodeFaults, DroppedAndTimedOutArrivalsAreCounted) {
  faults.oneWay(foreign, node.address()).drop(1.0, 9);
  const uint64_t before = node.dropped();
  sendFromForeign(numbered(1, 3));
  EXPECT_TRUE(received().empty());
  EXPECT_EQ(before + 3, node.dropped());

  faults.oneWay(foreign, node.address()).clear().cut();
  sendFromForeign(numbered(4, 2));
  Clock::advance(kPeerTimeout);
  EXPECT_EQ(before + 5, node.dropped());
  faults.oneWay(foreign, node.address()).heal();
  sendFromForeign(numbered(6, 1));
  AWAIT_EQ(numbered(6, 1),
           dispatch(node.recorder, &Recorder::messagesReach, size_t(1)));
}
