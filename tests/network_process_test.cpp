// Nodes in different OS processes: the test talks to procession-test-peer
// (tests/peer/peer.cpp), a node started as a child process. Messages go
// both ways in order; killing the peer (kill -9) makes every link to it
// fire within a second; a peer restarted on the same port can be linked to
// again; a message to a dead peer is dropped and counted without blocking
// its sender; the peer hears of our node's end as well.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/id.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>
#include <process/protobuf.hpp>
#include <process/queue.hpp>

#include "peer_process.hpp"
#include "protos/protobuf_test.pb.h"
#include "reaper.hpp"

using namespace process;

namespace {

using SteadyClock = std::chrono::steady_clock;

// glog stamps each line with the local time, and glibc's tzset() then frees
// and copies the zone's name under a lock ThreadSanitizer cannot see: with
// TZ unset, two threads logging at once (as the network's threads do when
// connections break) are reported as a race inside glibc. With TZ set the
// name is left alone. Before main, so before any thread (and inherited by
// the peer).
const bool kTimeZoneFixed = [] { return ::setenv("TZ", "UTC", 0) == 0; }();
using std::chrono::milliseconds;

// The break of a connection is heard within this (the library's promise).
constexpr auto kPrompt = std::chrono::seconds(1);
// How long a test waits for what should come within kPrompt.
const Duration kBound = Seconds(5);

Context::Options nodeOptions() {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  return options;
}

// The test's side: sends on request, records the messages it gets by name,
// links and records the exits it hears.
class Client : public Process<Client> {
 public:
  explicit Client(const std::string& id = "") : Process<Client>(id) {}

  Nothing tell(const UPID& to, const std::string& name,
               const std::string& body) {
    send(to, name, body);
    return Nothing();
  }

  // Sends messages `name` with bodies "first" … "first + count - 1".
  Nothing tellNumbered(const UPID& to, const std::string& name, int first,
                       int count) {
    for (int i = first; i < first + count; ++i) {
      send(to, name, std::to_string(i));
    }
    return Nothing();
  }

  // Sends `count` messages `name`, each with `body`.
  Nothing tellMany(const UPID& to, const std::string& name,
                   const std::string& body, int count) {
    for (int i = 0; i < count; ++i) {
      send(to, name, body);
    }
    return Nothing();
  }

  // Ready once `count` messages called `name` have arrived in all: their
  // bodies in arrival order.
  Future<std::vector<std::string>> received(const std::string& name,
                                            size_t count) {
    std::vector<std::string>& bodies = received_[name];
    if (bodies.size() >= count) {
      return bodies;
    }
    waiters_.push_back({name, count, Promise<std::vector<std::string>>()});
    return waiters_.back().promise.future();
  }

  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  std::vector<UPID> exitsSoFar() const { return exits_; }

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
  // once its exit has run, with the exits heard before it: a duplicate of
  // an exit already heard would have been queued ahead of it.
  Future<std::vector<UPID>> exitsBefore(const UPID& sentinel) {
    Future<std::vector<UPID>> heard = sentinels_[sentinel].future();
    link(sentinel);
    return heard;
  }

  // Sends an "echo" to `echo` and is ready when the answer has run, with
  // the exits heard by then.
  Future<std::vector<UPID>> roundTrip(const UPID& echo) {
    const std::string token = "round-trip " + std::to_string(++roundTrips_);
    Future<std::vector<UPID>> answer = roundTripWaiters_[token].future();
    send(echo, "echo", token);
    return answer;
  }

 protected:
  void initialize() override {
    for (const char* name : {"echo", "count", "linked", "exited"}) {
      install(name, [this, name = std::string(name)](const UPID& /*from*/,
                                                     const std::string& body) {
        onMessage(name, body);
      });
    }
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
  struct Waiter {
    std::string name;
    size_t count;
    Promise<std::vector<std::string>> promise;
  };

  void onMessage(const std::string& name, const std::string& body) {
    auto roundTrip = roundTripWaiters_.find(body);
    if (name == "echo" && roundTrip != roundTripWaiters_.end()) {
      roundTrip->second.set(exits_);
      roundTripWaiters_.erase(roundTrip);
      return;
    }
    std::vector<std::string>& bodies = received_[name];
    bodies.push_back(body);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->name == name && bodies.size() >= it->count) {
        it->promise.set(bodies);
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::map<std::string, std::vector<std::string>> received_;
  std::list<Waiter> waiters_;
  std::vector<UPID> exits_;
  std::vector<SteadyClock::time_point> times_;
  std::list<std::pair<size_t, Promise<Nothing>>> exitWaiters_;
  std::map<UPID, Promise<std::vector<UPID>>> sentinels_;
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

PID<Client> spawnClient(Context& context, const std::string& id) {
  PID<Client> pid = context.spawn(new Client(id), true);
  EXPECT_TRUE(pid) << "spawn of '" << id << "' failed";
  return pid;
}

std::vector<UPID> sorted(std::vector<UPID> pids) {
  std::sort(pids.begin(), pids.end());
  return pids;
}

// Every exit `client` has heard, once no duplicate can be on its way.
std::vector<UPID> settledExits(const PID<Client>& client,
                               const Unreachable& nowhere) {
  Future<std::vector<UPID>> exits = dispatch(
      client, &Client::exitsBefore, nowhere.pid("sentinel-" + client.id));
  if (!exits.await(kBound)) {
    ADD_FAILURE() << "the sentinel's exit did not reach " << client;
    return {};
  }
  EXPECT_TRUE(exits.isReady()) << client << " is gone";
  return exits.isReady() ? exits.get() : std::vector<UPID>();
}

// True once `condition` holds, checked until `timeout` has passed.
template <typename Condition>
bool eventually(Condition condition, milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!condition()) {
    if (SteadyClock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// The peer was ended by SIGKILL.
::testing::AssertionResult killed(const std::optional<int>& status) {
  if (!status) {
    return ::testing::AssertionFailure() << "the peer is still running";
  }
  if (WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "wait status " << *status;
}

// The peer ended by itself with status 0.
::testing::AssertionResult exitedCleanly(const std::optional<int>& status) {
  if (!status) {
    return ::testing::AssertionFailure() << "the peer is still running";
  }
  if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "wait status " << *status;
}

TEST(NetworkProcess, EchoesAThousandMessagesInOrder) {
  constexpr int kMessages = 1000;
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");

  // In several events, so that both whole batches and single sends go out.
  AWAIT_READY(dispatch(client, &Client::tellNumbered, peer->echo(),
                       std::string("echo"), 0, kMessages / 2));
  for (int i = kMessages / 2; i < kMessages; i += 50) {
    AWAIT_READY(dispatch(client, &Client::tellNumbered, peer->echo(),
                         std::string("echo"), i, 50));
  }
  Future<std::vector<std::string>> echoes = dispatch(
      client, &Client::received, std::string("echo"), size_t{kMessages});
  AWAIT_READY(echoes);
  ASSERT_EQ(size_t{kMessages}, echoes->size());
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(std::to_string(i), echoes->at(i)) << "out of order at " << i;
  }

  // The peer saw each exactly once.
  AWAIT_READY(dispatch(client, &Client::tell, peer->echo(),
                       std::string("count"), std::string()));
  AWAIT_EXPECT_EQ(
      std::vector<std::string>({std::to_string(kMessages)}),
      dispatch(client, &Client::received, std::string("count"), size_t{1}));
}

TEST(NetworkProcess, BodiesAreOpaqueBytes) {
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");

  std::string binary;
  for (int i = 0; i < 256; ++i) {
    binary.push_back(static_cast<char>(i));
  }
  const std::vector<std::string> bodies = {
      "", binary, "0\r\n\r\nPOST / HTTP/1.1\r\n\r\n", std::string(300000, 'x')};
  for (const std::string& body : bodies) {
    AWAIT_READY(dispatch(client, &Client::tell, peer->echo(),
                         std::string("echo"), body));
  }
  AWAIT_EXPECT_EQ(bodies, dispatch(client, &Client::received,
                                   std::string("echo"), bodies.size()));
}

TEST(NetworkProcess, KillingThePeerTellsEveryLinkerWithinASecond) {
  Unreachable nowhere;
  START_PEER(peer);
  Context here(nodeOptions());
  Context there(nodeOptions());  // linkers in another context too
  const PID<Client> a = spawnClient(here, "a");
  const PID<Client> b = spawnClient(here, "b");
  const PID<Client> c = spawnClient(there, "c");
  const UPID echo = peer->echo();
  const UPID ghost("ghost", echo.address);  // no such process there

  const std::map<UPID, std::vector<UPID>> links = {
      {a, {echo}},
      {b, {echo, ghost}},
      {c, {echo}},
  };
  for (const auto& [linker, linkees] : links) {
    for (const UPID& linkee : linkees) {
      AWAIT_READY(dispatch(PID<Client>(linker), &Client::linkTo, linkee));
    }
    // Twice: still one exit.
    AWAIT_READY(dispatch(PID<Client>(linker), &Client::linkTo, echo));
    // The connection is up and nothing was heard yet.
    Future<std::vector<UPID>> exits =
        dispatch(PID<Client>(linker), &Client::roundTrip, echo);
    AWAIT_READY(exits);
    EXPECT_TRUE(exits->empty()) << linker;
  }

  const SteadyClock::time_point killedAt = SteadyClock::now();
  peer->kill9();

  for (const auto& [linker, linkees] : links) {
    AWAIT_READY_FOR(
        dispatch(PID<Client>(linker), &Client::exitsReach, linkees.size()),
        kBound)
        << linker;
    EXPECT_EQ(sorted(linkees),
              sorted(settledExits(PID<Client>(linker), nowhere)))
        << linker;
    Future<std::vector<SteadyClock::time_point>> times =
        dispatch(PID<Client>(linker), &Client::exitTimes);
    AWAIT_READY(times);
    for (const SteadyClock::time_point& time : *times) {
      EXPECT_LT(time - killedAt, kPrompt) << linker << " heard late";
    }
  }
  EXPECT_TRUE(killed(peer->reap(kStartup)));
}

TEST(NetworkProcess, KillingThePeerInTheMiddleOfAFloodGivesOneExited) {
  constexpr int kEvents = 40;
  constexpr int kPerEvent = 250;
  Unreachable nowhere;
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");
  const UPID echo = peer->echo();
  AWAIT_READY(dispatch(client, &Client::linkTo, echo));

  std::vector<Future<Nothing>> sends;
  for (int i = 0; i < kEvents; ++i) {
    sends.push_back(dispatch(client, &Client::tellNumbered, echo,
                             std::string("echo"), i * kPerEvent, kPerEvent));
    if (i == kEvents / 4) {
      // Killed once echoes are flowing, with more on their way.
      AWAIT_READY(
          dispatch(client, &Client::received, std::string("echo"), size_t{1}));
      peer->kill9();
    }
  }
  // No send waits for the dead peer.
  for (const Future<Nothing>& sent : sends) {
    AWAIT_READY_FOR(sent, kBound);
  }
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{1}), kBound);
  EXPECT_EQ(std::vector<UPID>({echo}), settledExits(client, nowhere));
  EXPECT_TRUE(killed(peer->reap(kStartup)));
}

TEST(NetworkProcess, FloodingAStoppedPeerNeverBlocksTheSender) {
  // The peer is stopped (SIGSTOP): it reads nothing, the socket fills up,
  // and the sender must still not wait. Killed, its link fires and what
  // was still queued for it is counted as dropped.
  constexpr int kEvents = 40;
  constexpr int kPerEvent = 250;
  const std::string body(2048, 'b');  // 20 MB in all: far past the buffers
  Unreachable nowhere;
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");
  const UPID echo = peer->echo();
  AWAIT_READY(dispatch(client, &Client::linkTo, echo));
  AWAIT_READY(dispatch(client, &Client::roundTrip, echo));
  const uint64_t dropped = here.droppedMessages();

  peer->signal(SIGSTOP);
  for (int i = 0; i < kEvents; ++i) {
    AWAIT_READY_FOR(dispatch(client, &Client::tellMany, echo,
                             std::string("echo"), body, kPerEvent),
                    kBound)
        << "event " << i << " of the flood was held up";
  }
  Future<std::vector<UPID>> exits = dispatch(client, &Client::exitsSoFar);
  AWAIT_READY_FOR(exits, kBound);
  EXPECT_TRUE(exits->empty()) << "a stopped peer is not a dead one";

  const SteadyClock::time_point killedAt = SteadyClock::now();
  peer->kill9();
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{1}), kBound);
  EXPECT_EQ(std::vector<UPID>({echo}), settledExits(client, nowhere));
  Future<std::vector<SteadyClock::time_point>> times =
      dispatch(client, &Client::exitTimes);
  AWAIT_READY(times);
  ASSERT_EQ(1u, times->size());
  EXPECT_LT(times->front() - killedAt, kPrompt);
  EXPECT_GT(here.droppedMessages(), dropped)
      << "what was queued for the dead peer was not counted";
  EXPECT_TRUE(killed(peer->reap(kStartup)));
}

TEST(NetworkProcess, LinkThenKillAtOnceStillGivesExited) {
  Unreachable nowhere;
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");

  AWAIT_READY(dispatch(client, &Client::linkTo, peer->echo()));
  peer->kill9();
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{1}), kBound);
  EXPECT_EQ(std::vector<UPID>({peer->echo()}), settledExits(client, nowhere));
  EXPECT_TRUE(killed(peer->reap(kStartup)));
}

TEST(NetworkProcess, RelinkAfterThePeerRestartsOnTheSamePort) {
  Unreachable nowhere;
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");

  START_PEER(first);
  const UPID echo = first->echo();
  AWAIT_READY(dispatch(client, &Client::linkTo, echo));
  AWAIT_READY(dispatch(client, &Client::roundTrip, echo));
  first->kill9();
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{1}), kBound);
  EXPECT_TRUE(killed(first->reap(kStartup)));

  START_PEER(second, echo.address.port);
  ASSERT_EQ(echo, second->echo());

  AWAIT_READY(dispatch(client, &Client::linkTo, echo));
  Future<std::vector<UPID>> exits = dispatch(client, &Client::roundTrip, echo);
  AWAIT_READY(exits);
  EXPECT_EQ(std::vector<UPID>({echo}), *exits)
      << "the new link was broken at once";
  // Messages flow again, and reach the new peer.
  AWAIT_READY(dispatch(client, &Client::tell, echo, std::string("count"),
                       std::string()));
  AWAIT_EXPECT_EQ(
      std::vector<std::string>({"1"}),
      dispatch(client, &Client::received, std::string("count"), size_t{1}));

  const SteadyClock::time_point killedAt = SteadyClock::now();
  second->kill9();
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{2}), kBound);
  EXPECT_EQ(std::vector<UPID>({echo, echo}), settledExits(client, nowhere));
  Future<std::vector<SteadyClock::time_point>> times =
      dispatch(client, &Client::exitTimes);
  AWAIT_READY(times);
  ASSERT_EQ(2u, times->size());
  EXPECT_LT(times->back() - killedAt, kPrompt);
  EXPECT_TRUE(killed(second->reap(kStartup)));
}

TEST(NetworkProcess, MessagesToADeadPeerAreDroppedAndCounted) {
  constexpr int kMessages = 1000;
  Unreachable nowhere;
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");
  const UPID echo = peer->echo();

  AWAIT_READY(dispatch(client, &Client::linkTo, echo));
  AWAIT_READY(dispatch(client, &Client::roundTrip, echo));
  peer->kill9();
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{1}), kBound);
  EXPECT_TRUE(killed(peer->reap(kStartup)));
  const uint64_t before = here.droppedMessages();

  // The sender is not held up by a node that is gone.
  const SteadyClock::time_point start = SteadyClock::now();
  AWAIT_READY_FOR(dispatch(client, &Client::tellNumbered, echo,
                           std::string("echo"), 0, kMessages),
                  kBound);
  EXPECT_LT(SteadyClock::now() - start, kPrompt);
  // Nor is anything else it does.
  AWAIT_READY_FOR(dispatch(client, &Client::exitTimes), kBound);

  // A link made after the sends is told of the dead node after they have
  // been given up on.
  AWAIT_READY(dispatch(client, &Client::linkTo, echo));
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{2}), kBound);
  EXPECT_TRUE(eventually(
      [&] { return here.droppedMessages() - before >= kMessages; }, kStartup))
      << here.droppedMessages() - before << " dropped";
  EXPECT_EQ(before + kMessages, here.droppedMessages());
}

TEST(NetworkProcess, QuitMessageEndsThePeerAndLinkersHear) {
  Unreachable nowhere;
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");

  AWAIT_READY(dispatch(client, &Client::linkTo, peer->echo()));
  AWAIT_READY(dispatch(client, &Client::tell, peer->echo(), std::string("quit"),
                       std::string()));
  AWAIT_READY_FOR(dispatch(client, &Client::exitsReach, size_t{1}), kBound);
  EXPECT_EQ(std::vector<UPID>({peer->echo()}), settledExits(client, nowhere));
  EXPECT_TRUE(exitedCleanly(peer->reap(kStartup)));
}

TEST(NetworkProcess, ClosingStdinEndsThePeer) {
  START_PEER(peer);
  peer->closeStdin();
  EXPECT_TRUE(exitedCleanly(peer->reap(kStartup)));
}

TEST(NetworkProcess, PeerHearsOfOurNodesEnd) {
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");
  auto doomed = std::make_unique<Context>(nodeOptions());
  const PID<Client> linkee = spawnClient(*doomed, "linkee");

  // The peer links to our linkee; its answer means link() has run there.
  AWAIT_READY(dispatch(client, &Client::tell, peer->echo(), std::string("link"),
                       stringify(linkee)));
  AWAIT_READY(
      dispatch(client, &Client::received, std::string("linked"), size_t{1}));
  // The peer's connection to that node is up: the echo came back on it.
  AWAIT_READY(dispatch(linkee, &Client::roundTrip, peer->echo()));

  doomed.reset();
  AWAIT_EXPECT_EQ(
      std::vector<std::string>({stringify(linkee)}),
      dispatch(client, &Client::received, std::string("exited"), size_t{1}));
}

TEST(NetworkProcess, ChildrenWeStartDoNotKeepOurConnectionsOpen) {
  START_PEER(peer);
  Context here(nodeOptions());
  const PID<Client> client = spawnClient(here, "client");
  auto doomed = std::make_unique<Context>(nodeOptions());
  const PID<Client> linkee = spawnClient(*doomed, "linkee");

  AWAIT_READY(dispatch(client, &Client::tell, peer->echo(), std::string("link"),
                       stringify(linkee)));
  AWAIT_READY(
      dispatch(client, &Client::received, std::string("linked"), size_t{1}));
  AWAIT_READY(dispatch(linkee, &Client::roundTrip, peer->echo()));

  // A child started the ordinary way while the node's sockets are open.
  START_PEER(bystander, 0, true);

  doomed.reset();
  AWAIT_EXPECT_EQ_FOR(
      std::vector<std::string>({stringify(linkee)}),
      dispatch(client, &Client::received, std::string("exited"), size_t{1}),
      kBound);
}

}  // namespace

namespace {

// Sends Pings and keeps the sequence of each Pong.
class ProtobufClient : public ProtobufProcess<ProtobufClient> {
 public:
  ProtobufClient() : ProcessBase(ID::generate("pbclient")) {
    install<procession::test::Pong>(&ProtobufClient::pong);
  }

  Nothing ping(const UPID& to, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      procession::test::Ping message;
      message.set_sequence(i);
      send(to, message);
    }
    return Nothing();
  }

  Queue<std::pair<UPID, int>> pongs;

 private:
  void pong(const UPID& from, const procession::test::Pong& message) {
    pongs.put({from, message.sequence()});
  }
};

}  // namespace

// Protocol-buffer messages between two OS processes: typed handlers on both
// sides, send() and reply(), in order.
TEST(NetworkProcess, ProtobufMessagesAndRepliesBetweenOSProcesses) {
  constexpr int kMessages = 200;
  START_PEER(peer);
  Context here(nodeOptions());
  ProtobufClient client;
  here.spawn(client);
  Reaper reaper(client);
  const UPID echo("pbecho", peer->echo().address);

  AWAIT_READY(
      dispatch(client.self(), &ProtobufClient::ping, echo, 0, kMessages));
  for (int i = 0; i < kMessages; ++i) {
    Future<std::pair<UPID, int>> pong = client.pongs.get();
    AWAIT_READY(pong);
    EXPECT_EQ(echo, pong->first);
    ASSERT_EQ(i + 1, pong->second) << "out of order at " << i;
  }
  EXPECT_EQ(0u, here.droppedMessages());
}
