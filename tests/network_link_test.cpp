// Links across nodes: link(pid) to a process of another context, over real
// loopback sockets, holds a connection to that node. When the connection
// breaks (the node's context is destroyed), every local linker of a pid on
// that node hears exited(pid) once per linked pid; a node that refuses the
// connection gives exited at once, one that never answers after the
// connect timeout; a remote process that terminates while its node lives
// is not heard of; a node restarted on the same port can be linked to
// again.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <list>
#include <map>
#include <memory>
#include <string>
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

using namespace process;

namespace {

using SteadyClock = std::chrono::steady_clock;

// glog stamps each line with the local time, and glibc's tzset() then frees
// and copies the zone's name under a lock ThreadSanitizer cannot see: with
// TZ unset, two threads logging at once (as the network's threads do when
// connections break) are reported as a race inside glibc. With TZ set the
// name is left alone. Before main, so before any thread.
const bool kTimeZoneFixed = [] { return ::setenv("TZ", "UTC", 0) == 0; }();

// The break of a connection is heard within this (the library's promise).
constexpr auto kPrompt = std::chrono::seconds(1);
// How long a test waits for what should come within kPrompt.
const Duration kBound = Seconds(5);

// A node of its own on loopback; messages and links to other contexts
// travel over sockets.
Context::Options nodeOptions(uint16_t port = 0) {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = port;
  options.workers = 2;
  options.inMemoryLocalPeers = false;
  return options;
}

// A process that links on request and records the exits it hears, answers
// "ping" with "pong", and records the pongs it gets.
class Node : public Process<Node> {
 public:
  explicit Node(const std::string& id = "") : Process<Node>(id) {}

  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  // The exits heard so far, in order.
  std::vector<UPID> exits() const { return exits_; }

  // When each exit was heard.
  std::vector<SteadyClock::time_point> exitTimes() const { return times_; }

  // Ready once `count` exits in all have been heard.
  Future<Nothing> exitsReach(size_t count) {
    if (exits_.size() >= count) {
      return Nothing();
    }
    exitWaiters_.emplace_back(count, Promise<Nothing>());
    return exitWaiters_.back().second.future();
  }

  // Links to `sentinel` (a pid on a node nobody listens on) and is ready
  // once its exit has run, with the exits heard before it. The sentinel's
  // link is made after everything heard so far, so any duplicate of an
  // earlier exit would have been queued ahead of the sentinel's.
  Future<std::vector<UPID>> exitsBefore(const UPID& sentinel) {
    Future<std::vector<UPID>> heard = sentinels_[sentinel].future();
    link(sentinel);
    return heard;
  }

  // Sends pings numbered [first, first + count) to `to`.
  Nothing ping(const UPID& to, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      send(to, "ping", std::to_string(i));
    }
    return Nothing();
  }

  // Sends pings numbered [first, first + count) to `to`, linking to
  // `linkee` halfway through.
  Nothing pingLinking(const UPID& to, int first, int count,
                      const UPID& linkee) {
    ping(to, first, count / 2);
    link(linkee);
    return ping(to, first + count / 2, count - count / 2);
  }

  // Ready once `count` pongs in all have arrived, with their bodies in
  // arrival order.
  Future<std::vector<std::string>> pongsReach(size_t count) {
    if (pongs_.size() >= count) {
      return pongs_;
    }
    pongWaiters_.emplace_back(count, Promise<std::vector<std::string>>());
    return pongWaiters_.back().second.future();
  }

  // Sends a ping to `echo` and is ready when its pong has run, with the
  // exits heard by then.
  Future<std::vector<UPID>> roundTrip(const UPID& echo) {
    const std::string token = "round-trip " + std::to_string(++roundTrips_);
    Future<std::vector<UPID>> answer = roundTripWaiters_[token].future();
    send(echo, "ping", token);
    return answer;
  }

 protected:
  void initialize() override {
    install("ping", &Node::onPing);
    install("pong", &Node::onPong);
  }

  void exited(const UPID& pid) override {
    auto sentinel = sentinels_.find(pid);
    if (sentinel != sentinels_.end()) {
      sentinel->second.set(exits_);
      sentinels_.erase(sentinel);
      return;
    }
    exits_.push_back(pid);
    times_.push_back(SteadyClock::now());
    for (auto it = exitWaiters_.begin(); it != exitWaiters_.end();) {
      if (exits_.size() >= it->first) {
        it->second.set(Nothing());
        it = exitWaiters_.erase(it);
      } else {
        ++it;
      }
    }
  }

 private:
  void onPing(const UPID& from, const std::string& body) {
    send(from, "pong", body);
  }

  void onPong(const UPID& /*from*/, const std::string& body) {
    auto waiter = roundTripWaiters_.find(body);
    if (waiter != roundTripWaiters_.end()) {
      waiter->second.set(exits_);
      roundTripWaiters_.erase(waiter);
      return;
    }
    pongs_.push_back(body);
    for (auto it = pongWaiters_.begin(); it != pongWaiters_.end();) {
      if (pongs_.size() >= it->first) {
        it->second.set(pongs_);
        it = pongWaiters_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::vector<UPID> exits_;
  std::vector<SteadyClock::time_point> times_;
  std::list<std::pair<size_t, Promise<Nothing>>> exitWaiters_;
  std::map<UPID, Promise<std::vector<UPID>>> sentinels_;
  std::vector<std::string> pongs_;
  std::list<std::pair<size_t, Promise<std::vector<std::string>>>> pongWaiters_;
  std::map<std::string, Promise<std::vector<UPID>>> roundTripWaiters_;
  int roundTrips_ = 0;
};

// A loopback address where nothing listens: a socket bound to it (so that
// no one else takes the port) but not listening, so connecting is refused.
class Unreachable {
 public:
  Unreachable() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_GE(fd_, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(
        0, ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)));
    socklen_t length = sizeof(address);
    EXPECT_EQ(
        0, ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length));
    port_ = ntohs(address.sin_port);
  }
  ~Unreachable() { ::close(fd_); }
  Unreachable(const Unreachable&) = delete;
  Unreachable& operator=(const Unreachable&) = delete;

  UPID pid(const std::string& id) const {
    return UPID(id + "@127.0.0.1:" + std::to_string(port_));
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A loopback address where connecting hangs: a listening socket whose
// accept queue (of length 0) is already full, so the kernel drops every
// further SYN and a connect neither succeeds nor is refused.
class Silent {
 public:
  Silent() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(0, ::bind(listener_, reinterpret_cast<sockaddr*>(&address),
                        sizeof(address)));
    EXPECT_EQ(0, ::listen(listener_, 0));
    socklen_t length = sizeof(address);
    EXPECT_EQ(0, ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address),
                               &length));
    port_ = ntohs(address.sin_port);
    // The first filler takes the one place in the queue; wait until it has.
    for (int& filler : fillers_) {
      filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      ::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    }
    pollfd connected{fillers_[0], POLLOUT, 0};
    EXPECT_EQ(1, ::poll(&connected, 1, 5000));
  }
  ~Silent() {
    for (int filler : fillers_) {
      ::close(filler);
    }
    ::close(listener_);
  }
  Silent(const Silent&) = delete;
  Silent& operator=(const Silent&) = delete;

  UPID pid(const std::string& id) const {
    return UPID(id + "@127.0.0.1:" + std::to_string(port_));
  }

 private:
  int listener_ = -1;
  int fillers_[2] = {-1, -1};
  uint16_t port_ = 0;
};

// Spawns a Node on `context`, deleted once it terminates (destroying the
// context terminates it).
PID<Node> spawnNode(Context& context, const std::string& id = "") {
  PID<Node> pid = context.spawn(new Node(id), true);
  EXPECT_TRUE(pid) << "spawn of '" << id << "' failed";
  return pid;
}

std::vector<UPID> sorted(std::vector<UPID> pids) {
  std::sort(pids.begin(), pids.end());
  return pids;
}

// Every exit `linker` has heard, once nothing more can be on its way: the
// sentinel's exit runs after any duplicate of those already heard.
std::vector<UPID> settledExits(const PID<Node>& linker,
                               const Unreachable& nowhere) {
  Future<std::vector<UPID>> exits = dispatch(
      linker, &Node::exitsBefore, nowhere.pid("sentinel-" + linker.id));
  if (!exits.await(kBound)) {
    ADD_FAILURE() << "the sentinel's exit did not reach " << linker;
    return {};
  }
  EXPECT_TRUE(exits.isReady()) << linker << " is gone";
  return exits.isReady() ? exits.get() : std::vector<UPID>();
}

TEST(NetworkLink, DestroyingTheNodeTellsEachLinkerOncePerLinkedPid) {
  Unreachable nowhere;
  Context linkers1(nodeOptions());
  Context linkers2(nodeOptions());
  auto linkees = std::make_unique<Context>(nodeOptions());

  const PID<Node> b1 = spawnNode(*linkees, "b1");
  const PID<Node> b2 = spawnNode(*linkees, "b2");
  const PID<Node> b3 = spawnNode(*linkees, "b3");
  const PID<Node> x = spawnNode(linkers1, "x");
  const PID<Node> y = spawnNode(linkers1, "y");
  const PID<Node> z = spawnNode(linkers2, "z");
  ASSERT_NE(linkers1.address(), linkees->address());
  ASSERT_EQ(linkees->address(), b1.address);

  const std::map<UPID, std::vector<UPID>> links = {
      {x, {b1, b2, b3}},
      {y, {b1}},
      {z, {b2, b3}},
  };
  for (const auto& [linker, linkeePids] : links) {
    for (const UPID& linkee : linkeePids) {
      AWAIT_READY(dispatch(PID<Node>(linker), &Node::linkTo, linkee));
    }
    // The connection to the linkees' node is up: a ping went out on it.
    Future<std::vector<UPID>> before =
        dispatch(PID<Node>(linker), &Node::roundTrip, UPID(b1));
    AWAIT_READY(before);
    EXPECT_TRUE(before->empty()) << linker << " heard an exit too early";
  }

  const SteadyClock::time_point broken = SteadyClock::now();
  linkees.reset();

  for (const auto& [linker, linkeePids] : links) {
    AWAIT_READY_FOR(
        dispatch(PID<Node>(linker), &Node::exitsReach, linkeePids.size()),
        kBound)
        << linker;
    EXPECT_EQ(sorted(linkeePids),
              sorted(settledExits(PID<Node>(linker), nowhere)))
        << linker;
    Future<std::vector<SteadyClock::time_point>> times =
        dispatch(PID<Node>(linker), &Node::exitTimes);
    AWAIT_READY(times);
    for (const SteadyClock::time_point& time : *times) {
      EXPECT_LT(time - broken, kPrompt) << linker << " heard late";
    }
  }
}

TEST(NetworkLink, LinkingToANodeNobodyListensOnGivesExitedAtOnce) {
  Unreachable nowhere;
  Context context(nodeOptions());
  const PID<Node> linker = spawnNode(context, "linker");
  const UPID ghost = nowhere.pid("ghost");

  const SteadyClock::time_point start = SteadyClock::now();
  AWAIT_READY(dispatch(linker, &Node::linkTo, ghost));
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 1u), kBound);
  Future<std::vector<SteadyClock::time_point>> times =
      dispatch(linker, &Node::exitTimes);
  AWAIT_READY(times);
  ASSERT_EQ(1u, times->size());
  EXPECT_LT(times->front() - start, kPrompt);

  // Linked again, it is heard of again: nothing is remembered of the node.
  AWAIT_READY(dispatch(linker, &Node::linkTo, ghost));
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 2u), kBound);
  EXPECT_EQ(std::vector<UPID>({ghost, ghost}), settledExits(linker, nowhere));
}

// The connect timeout is on process::Clock: paused, it passes only by
// advance(), with no real wait for it.
TEST(NetworkLink, LinkToANodeThatNeverAnswersGivesExitedAfterConnectTimeout) {
  constexpr int kMessages = 100;
  Unreachable nowhere;
  Silent silent;
  Context::Options options = nodeOptions();
  options.limits.connectTimeout = Seconds(5);
  Clock::pause();
  Context context(options);
  const PID<Node> linker = spawnNode(context, "linker");
  const UPID hung = silent.pid("hung");
  const uint64_t dropped = context.droppedMessages();

  // Messages queued meanwhile do not hold up their sender.
  AWAIT_READY(dispatch(linker, &Node::ping, hung, 0, kMessages));
  AWAIT_READY(dispatch(linker, &Node::linkTo, hung));

  // Heard nothing yet (a link to nowhere, made after, is heard first: by
  // then the connect to `hung` has begun), nor a second short of the time.
  EXPECT_EQ(std::vector<UPID>(), settledExits(linker, nowhere))
      << "the connection was refused, not timed out: the test is void";
  Future<Nothing> exited = dispatch(linker, &Node::exitsReach, 1u);
  Clock::advance(Seconds(4));
  EXPECT_FALSE(exited.await(Milliseconds(100))) << "timed out early";
  Clock::advance(Seconds(1));
  AWAIT_READY_FOR(exited, kBound);
  Clock::resume();
  EXPECT_EQ(std::vector<UPID>({hung}), settledExits(linker, nowhere));
  // The messages queued for it were given up on with the connection.
  EXPECT_EQ(dropped + kMessages, context.droppedMessages());
}

TEST(NetworkLink, ManyLinkersOfManyLinkeesEachHearOnce) {
  constexpr int kLinkers = 40;
  constexpr int kLinkees = 25;
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  std::vector<UPID> linkees;
  for (int i = 0; i < kLinkees; ++i) {
    linkees.push_back(spawnNode(*there, "linkee-" + std::to_string(i)));
  }
  std::vector<PID<Node>> linkers;
  for (int i = 0; i < kLinkers; ++i) {
    linkers.push_back(spawnNode(here, "linker-" + std::to_string(i)));
  }
  // Linker i links to the linkees j with (i + j) % 3 != 0, a few twice.
  std::vector<std::vector<UPID>> expected(kLinkers);
  std::vector<Future<Nothing>> linked;
  for (int i = 0; i < kLinkers; ++i) {
    for (int j = 0; j < kLinkees; ++j) {
      if ((i + j) % 3 != 0) {
        expected[i].push_back(linkees[j]);
        linked.push_back(dispatch(linkers[i], &Node::linkTo, linkees[j]));
        if (j % 7 == 0) {
          linked.push_back(dispatch(linkers[i], &Node::linkTo, linkees[j]));
        }
      }
    }
  }
  for (const Future<Nothing>& link : linked) {
    AWAIT_READY(link);
  }
  for (const PID<Node>& linker : linkers) {
    AWAIT_READY(dispatch(linker, &Node::roundTrip, linkees[0]));
  }

  there.reset();
  for (int i = 0; i < kLinkers; ++i) {
    AWAIT_READY_FOR(dispatch(linkers[i], &Node::exitsReach, expected[i].size()),
                    kBound)
        << linkers[i];
    EXPECT_EQ(sorted(expected[i]), sorted(settledExits(linkers[i], nowhere)))
        << linkers[i];
  }
}

TEST(NetworkLink, LinkingToTheAddressOfADestroyedContextGivesExited) {
  Unreachable nowhere;
  Context context(nodeOptions());
  const PID<Node> linker = spawnNode(context, "linker");
  UPID gone;
  {
    Context other(nodeOptions());
    gone = spawnNode(other, "gone");
  }
  AWAIT_READY(dispatch(linker, &Node::linkTo, gone));
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 1u), kBound);
  EXPECT_EQ(std::vector<UPID>({gone}), settledExits(linker, nowhere));
}

TEST(NetworkLink, LinkeeTerminatingWhileItsNodeLivesIsNotHeard) {
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  const PID<Node> linker = spawnNode(here, "linker");
  const PID<Node> linkee = spawnNode(*there, "linkee");
  const PID<Node> echo = spawnNode(*there, "echo");

  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(linkee)));
  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(echo)));
  Future<std::vector<UPID>> exits =
      dispatch(linker, &Node::roundTrip, UPID(echo));
  AWAIT_READY(exits);
  EXPECT_TRUE(exits->empty());

  there->terminate(linkee);
  ASSERT_TRUE(there->wait(linkee, Seconds(15)));

  // The echo answers after the linkee has gone, on the node's connection
  // to us: an exit notice sent at the linkee's end would be ahead of it.
  exits = dispatch(linker, &Node::roundTrip, UPID(echo));
  AWAIT_READY(exits);
  EXPECT_TRUE(exits->empty()) << "heard " << exits->size() << " exits";

  // The link still stands: the node's end is heard of, for both pids.
  there.reset();
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 2u), kBound);
  EXPECT_EQ(sorted({linkee, echo}), sorted(settledExits(linker, nowhere)));
}

TEST(NetworkLink, RelinkAfterTheNodeRestartsOnTheSamePort) {
  Unreachable nowhere;
  Context here(nodeOptions());
  const PID<Node> linker = spawnNode(here, "linker");

  auto there = std::make_unique<Context>(nodeOptions());
  const uint16_t port = there->address().port;
  const PID<Node> first = spawnNode(*there, "leader");

  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(first)));
  AWAIT_READY(dispatch(linker, &Node::roundTrip, UPID(first)));
  there.reset();
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 1u), kBound);

  // The node comes back on its port, with a process of the same name.
  there = std::make_unique<Context>(nodeOptions(port));
  ASSERT_EQ(port, there->address().port);
  const PID<Node> second = spawnNode(*there, "leader");
  ASSERT_EQ(UPID(first), UPID(second));

  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(second)));
  Future<std::vector<UPID>> exits =
      dispatch(linker, &Node::roundTrip, UPID(second));
  AWAIT_READY(exits);
  EXPECT_EQ(std::vector<UPID>({first}), *exits)
      << "the new link was broken at once";

  const SteadyClock::time_point broken = SteadyClock::now();
  there.reset();
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 2u), kBound);
  EXPECT_EQ(std::vector<UPID>({first, second}), settledExits(linker, nowhere));
  Future<std::vector<SteadyClock::time_point>> times =
      dispatch(linker, &Node::exitTimes);
  AWAIT_READY(times);
  ASSERT_EQ(2u, times->size());
  EXPECT_LT(times->back() - broken, kPrompt);
}

TEST(NetworkLink, LinkingTwiceToOnePidGivesOneExited) {
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  const PID<Node> linker = spawnNode(here, "linker");
  const PID<Node> linkee = spawnNode(*there, "linkee");

  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(linkee)));
  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(linkee)));
  // By a parsed name too: the same pid.
  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(stringify(linkee))));
  AWAIT_READY(dispatch(linker, &Node::roundTrip, UPID(linkee)));

  there.reset();
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 1u), kBound);
  EXPECT_EQ(std::vector<UPID>({linkee}), settledExits(linker, nowhere));
}

TEST(NetworkLink, LinkThenBreakAtOnceStillGivesOneExited) {
  // No traffic first: the node goes while the link's connection may still
  // be on its way up.
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  const PID<Node> linker = spawnNode(here, "linker");
  const PID<Node> linkee = spawnNode(*there, "linkee");

  AWAIT_READY(dispatch(linker, &Node::linkTo, UPID(linkee)));
  there.reset();
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 1u), kBound);
  EXPECT_EQ(std::vector<UPID>({linkee}), settledExits(linker, nowhere));
}

TEST(NetworkLink, LinksAndMessagesInterleaved) {
  constexpr int kBurst = 250;
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  const PID<Node> linker = spawnNode(here, "linker");
  const PID<Node> echo = spawnNode(*there, "echo");
  const PID<Node> other = spawnNode(*there, "other");
  // The far node links back and sends too: traffic both ways.
  const PID<Node> back = spawnNode(*there, "back");
  AWAIT_READY(dispatch(back, &Node::linkTo, UPID(linker)));

  // Pings with links in their midst, on one connection, while the far node
  // pings us on its own.
  for (int round = 0; round < 4; ++round) {
    const int first = round * kBurst;
    AWAIT_READY(dispatch(linker, &Node::pingLinking, UPID(echo), first, kBurst,
                         round % 2 == 0 ? UPID(echo) : UPID(other)));
    AWAIT_READY(dispatch(back, &Node::ping, UPID(linker), first, 1));
  }

  // The echo's pongs came back in order; the linker's pongs to `back` are
  // counted there.
  Future<std::vector<std::string>> pongs =
      dispatch(linker, &Node::pongsReach, size_t{4 * kBurst});
  AWAIT_READY(pongs);
  ASSERT_EQ(size_t{4 * kBurst}, pongs->size());
  for (int i = 0; i < 4 * kBurst; ++i) {
    ASSERT_EQ(std::to_string(i), pongs->at(i)) << "out of order at " << i;
  }
  AWAIT_READY(dispatch(back, &Node::pongsReach, size_t{4}));
  Future<std::vector<UPID>> exits =
      dispatch(linker, &Node::roundTrip, UPID(other));
  AWAIT_READY(exits);
  EXPECT_TRUE(exits->empty());

  there.reset();
  AWAIT_READY_FOR(dispatch(linker, &Node::exitsReach, 2u), kBound);
  EXPECT_EQ(sorted({echo, other}), sorted(settledExits(linker, nowhere)));
}

TEST(NetworkLink, LinkerGoneBeforeTheBreakHearsNothingAndOthersStillDo) {
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  const PID<Node> gone = spawnNode(here, "gone");
  const PID<Node> stays = spawnNode(here, "stays");
  const PID<Node> linkee = spawnNode(*there, "linkee");

  AWAIT_READY(dispatch(gone, &Node::linkTo, UPID(linkee)));
  AWAIT_READY(dispatch(stays, &Node::linkTo, UPID(linkee)));
  AWAIT_READY(dispatch(stays, &Node::roundTrip, UPID(linkee)));
  here.terminate(gone);
  ASSERT_TRUE(here.wait(gone, Seconds(15)));

  there.reset();
  AWAIT_READY_FOR(dispatch(stays, &Node::exitsReach, 1u), kBound);
  EXPECT_EQ(std::vector<UPID>({linkee}), settledExits(stays, nowhere));
}

TEST(NetworkLink, ProcessTakingTheNameOfAGoneLinkerHearsNothing) {
  // The link belonged to the process that made it: a later process of the
  // same name never linked and is not told (libprocess forgets a linker's
  // links when it terminates).
  Unreachable nowhere;
  Context here(nodeOptions());
  auto there = std::make_unique<Context>(nodeOptions());
  const PID<Node> gone = spawnNode(here, "watcher");
  const PID<Node> stays = spawnNode(here, "stays");
  const PID<Node> linkee = spawnNode(*there, "linkee");

  AWAIT_READY(dispatch(gone, &Node::linkTo, UPID(linkee)));
  AWAIT_READY(dispatch(stays, &Node::linkTo, UPID(linkee)));
  AWAIT_READY(dispatch(gone, &Node::roundTrip, UPID(linkee)));
  here.terminate(gone);
  ASSERT_TRUE(here.wait(gone, Seconds(15)));
  const PID<Node> successor = spawnNode(here, "watcher");
  ASSERT_EQ(UPID(gone), UPID(successor));

  there.reset();
  AWAIT_READY_FOR(dispatch(stays, &Node::exitsReach, 1u), kBound);
  EXPECT_EQ(std::vector<UPID>({linkee}), settledExits(stays, nowhere));
  EXPECT_EQ(std::vector<UPID>(), settledExits(successor, nowhere));
}

}  // namespace
