// Faults: breaking the network between nodes in a test. A rule acts on the
// libprocess messages (and links) that go from one node's address to
// another's: cut the way silently, heal it, delay each message, drop or
// duplicate a fraction of them with a seeded generator, reorder them within
// a window, or throttle them to a byte rate. Delays, throttling and the
// peer timeout of a cut run on process::Clock, so a test with a paused
// clock moves through them with Clock::advance and never waits.
//
//   Clock::pause();
//   testing::Faults faults;                // its rules end with it
//   faults.between(leaderNode, followerNode).cut();
//   Clock::advance(Seconds(30));           // the nodes' peer timeout
//   AWAIT_READY(follower->leaderLost());   // exited(leader) ran
//   faults.between(leaderNode, followerNode).heal();
//
// A rule for messages from A to B lives in the node that is ours: A's
// outbound messages to B if A is a context of this OS process (over a
// socket or in memory, Context::Options::inMemoryLocalPeers), else B's
// inbound messages from A. So a node of ours talking to a node in another
// OS process can be cut both ways from our side; within one OS process each
// message meets its rule once.
//
// A cut is a partition: nothing goes through, no connection is closed, no
// FIN is sent. Messages sent meanwhile are held (as TCP would hold them). A
// heal before the sending node's Context::Options::peerTimeout delivers
// them, in order, once. Once the cut has lasted peerTimeout the sending
// node declares the other silent: its connection to it fails ("silent for
// 30secs (injected cut)"), its linkers of processes there hear exited()
// once, and what was held is dropped and counted in droppedMessages(); so
// every further peerTimeout while the cut lasts. Messages dropped by drop()
// are counted there too.
//
// Not affected: HTTP requests and answers (routes, http::get), and
// messages of a process to its own node.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <process/address.hpp>
#include <process/context.hpp>
#include <process/duration.hpp>

namespace process::testing {

class Faults;

// The rule for one direction, or for both, between two nodes. Each call
// changes the rule and returns it, so calls chain:
//
//   faults.oneWay(a, b).delay(Milliseconds(5)).drop(0.1, 42);
//
// Faults combine in this order: a cut holds a message; of the rest, drop()
// drops a fraction, duplicate() sends a fraction twice, reorder() gathers
// them into windows, then delay() and throttle() set when each arrives.
class NetworkFault {
 public:
  // Nothing goes through, silently, until heal() (or clear()).
  NetworkFault& cut();
  // Ends a cut: what it held goes on, in the order it was sent.
  NetworkFault& heal();
  // Each message arrives `duration` after it was sent (Clock time).
  NetworkFault& delay(const Duration& duration);
  // Drops each message with probability `fraction`, drawn from a generator
  // seeded with `seed`: the same messages give the same drops every run.
  NetworkFault& drop(double fraction, uint64_t seed);
  // Delivers each message twice with probability `fraction` (seeded).
  NetworkFault& duplicate(double fraction, uint64_t seed);
  // Gathers messages until `window` are held, then lets them go last
  // first; a window not full within `hold` (Clock time) goes as it is.
  NetworkFault& reorder(size_t window, const Duration& hold = Seconds(1));
  // At most `bytesPerSecond` of message (name and body) per second: each
  // arrives when its last byte would, one after another.
  NetworkFault& throttle(uint64_t bytesPerSecond);
  // Every fault of the rule off; what a cut or a window held goes on.
  NetworkFault& clear();

 private:
  friend class Faults;
  using Direction = std::pair<Address, Address>;  // from, to
  explicit NetworkFault(std::vector<Direction> directions)
      : directions_(std::move(directions)) {}

  std::vector<Direction> directions_;
};

// The rules a test sets. Rules are keyed by (from, to) node address and
// shared by every Faults of the OS process; destroying a Faults clears the
// rules it touched.
class Faults {
 public:
  Faults() = default;
  ~Faults();
  Faults(const Faults&) = delete;
  Faults& operator=(const Faults&) = delete;

  // Messages from `from` to `to` only.
  NetworkFault oneWay(const Address& from, const Address& to);
  NetworkFault oneWay(const Context& from, const Context& to) {
    return oneWay(from.address(), to.address());
  }
  // Both directions between `a` and `b`, each with its own state.
  NetworkFault between(const Address& a, const Address& b);
  NetworkFault between(const Context& a, const Context& b) {
    return between(a.address(), b.address());
  }
  // Clears every rule this Faults touched.
  void clear();

 private:
  NetworkFault touch(std::vector<NetworkFault::Direction> directions);

  std::vector<NetworkFault::Direction> touched_;
};

}  // namespace process::testing
