// Silent peers: a peer that stops answering without closing its socket (a
// partition, a frozen host) is declared gone within the peer timeout
// (Context::Options::peerTimeout, PROCESSION_PEER_TIMEOUT), by TCP keepalive
// and TCP_USER_TIMEOUT. For real: the peer is another OS process
// (procession-test-peer) and the partition is an nft rule that drops every
// packet of both nodes' ports on loopback, added and removed by the test
// (root and nft are needed; without them the tests skip and say why).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
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

#include "peer_process.hpp"

using namespace process;

namespace {

using SteadyClock = std::chrono::steady_clock;

// Each nft command the test runs: what it prints goes to the test's log.
bool nft(const std::string& arguments) {
  const std::string command = "nft " + arguments + " 2>&1";
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Why the partition cannot be made here, or empty.
std::string whyNoPartition() {
  if (::geteuid() != 0) {
    return "not root: nft rules on loopback need root";
  }
  if (std::system("command -v nft >/dev/null 2>&1") != 0) {
    return "nft is not installed (Debian package nftables; make test "
           "installs it)";
  }
  return "";
}

// Drops every TCP packet to or from the given ports on loopback while it
// lives: both directions of every connection between the two nodes.
class Partition {
 public:
  explicit Partition(std::vector<uint16_t> ports)
      : table_("procession_partition_" + std::to_string(::getpid())) {
    std::string set;
    for (uint16_t port : ports) {
      set += (set.empty() ? "" : ", ") + std::to_string(port);
    }
    ok_ = nft("add table inet " + table_) &&
          nft("add chain inet " + table_ +
              " input '{ type filter hook input priority -10; policy "
              "accept; }'") &&
          nft("add rule inet " + table_ + " input iifname lo tcp dport { " +
              set + " } drop") &&
          nft("add rule inet " + table_ + " input iifname lo tcp sport { " +
              set + " } drop");
  }
  ~Partition() { heal(); }

  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  bool ok() const { return ok_; }

  void heal() {
    if (!healed_) {
      healed_ = true;
      nft("delete table inet " + table_);
    }
  }

 private:
  const std::string table_;
  bool ok_ = false;
  bool healed_ = false;
};

// The test's side: links, sends, and records what it hears.
class Client : public Process<Client> {
 public:
  Client() : ProcessBase(ID::generate("silent-client")) {}

  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  Nothing tell(const UPID& to, const std::string& name,
               const std::string& body) {
    send(to, name, body);
    return Nothing();
  }

  // Ready when an "echo" with `body` has come back.
  Future<Nothing> echoed(const std::string& body) {
    if (echoes_.count(body) > 0) {
      return Nothing();
    }
    return echoWaiters_[body].future();
  }

  // Ready with the body of the `index`-th message `name` (from 0).
  Future<std::string> nth(const std::string& name, size_t index) {
    std::vector<std::string>& bodies = received_[name];
    if (bodies.size() > index) {
      return bodies[index];
    }
    return waiters_[{name, index}].future();
  }

  std::map<std::string, int> echoCounts() const { return echoes_; }

  // Ready with the time of the first exit heard.
  Future<SteadyClock::time_point> firstExit() { return exit_.future(); }
  size_t exits() const { return exits_; }

 protected:
  void initialize() override {
    for (const char* name : {"echo", "count", "linked", "exited"}) {
      install(name, [this, name = std::string(name)](const UPID& /*from*/,
                                                     const std::string& body) {
        onMessage(name, body);
      });
    }
  }

  void exited(const UPID& /*pid*/) override {
    if (exits_++ == 0) {
      exit_.set(SteadyClock::now());
    }
  }

 private:
  void onMessage(const std::string& name, const std::string& body) {
    if (name == "echo") {
      ++echoes_[body];
      auto waiter = echoWaiters_.find(body);
      if (waiter != echoWaiters_.end()) {
        waiter->second.set(Nothing());
        echoWaiters_.erase(waiter);
      }
    }
    std::vector<std::string>& bodies = received_[name];
    bodies.push_back(body);
    auto waiter = waiters_.find({name, bodies.size() - 1});
    if (waiter != waiters_.end()) {
      waiter->second.set(body);
      waiters_.erase(waiter);
    }
  }

  std::map<std::string, int> echoes_;
  std::map<std::string, Promise<Nothing>> echoWaiters_;
  std::map<std::string, std::vector<std::string>> received_;
  std::map<std::pair<std::string, size_t>, Promise<std::string>> waiters_;
  Promise<SteadyClock::time_point> exit_;
  size_t exits_ = 0;
};

Context::Options nodeOptions(Duration peerTimeout) {
  Context::Options options;
  options.workers = 2;
  options.peerTimeout = peerTimeout;
  return options;
}

#define SKIP_WITHOUT_PARTITIONS()                               \
  if (const std::string why = whyNoPartition(); !why.empty()) { \
    GTEST_SKIP() << "no partition can be made: " << why;        \
  }

TEST(SilentPeer, PartitionedPeerIsExitedWithinThePeerTimeoutAndRelinksAfter) {
  SKIP_WITHOUT_PARTITIONS();
  const Duration timeout = Seconds(3);
  START_PEER(peer, 0, false,
             std::vector<std::string>{"PROCESSION_PEER_TIMEOUT=3secs"});
  Context here(nodeOptions(timeout));
  Client* client = new Client();
  const PID<Client> pid = here.spawn(client, true);
  const UPID echo = peer->echo();

  AWAIT_READY(dispatch(pid, &Client::linkTo, echo));
  AWAIT_READY(dispatch(pid, &Client::tell, echo, std::string("echo"),
                       std::string("before")));
  AWAIT_READY(dispatch(pid, &Client::echoed, std::string("before")));
  const uint64_t dropped = here.droppedMessages();

  constexpr int kIntoThePartition = 5;
  Partition partition({echo.address.port, here.address().port});
  ASSERT_TRUE(partition.ok()) << "nft could not make the partition";
  const SteadyClock::time_point cut = SteadyClock::now();
  for (int i = 0; i < kIntoThePartition; ++i) {
    AWAIT_READY(dispatch(pid, &Client::tell, echo, std::string("echo"),
                         "lost " + std::to_string(i)));
  }

  Future<SteadyClock::time_point> exited = dispatch(pid, &Client::firstExit);
  AWAIT_READY_FOR(exited, timeout + Seconds(10));
  EXPECT_LE(exited.get() - cut, timeout.chrono() + std::chrono::seconds(1))
      << "the link fired late";
  // Given up on with the connection, and counted.
  EXPECT_EQ(dropped + kIntoThePartition, here.droppedMessages());

  partition.heal();
  // A new link and new messages work; nothing arrives twice, and nothing
  // sent into the partition arrives at all.
  AWAIT_READY(dispatch(pid, &Client::linkTo, echo));
  AWAIT_READY(dispatch(pid, &Client::tell, echo, std::string("echo"),
                       std::string("after")));
  AWAIT_READY_FOR(dispatch(pid, &Client::echoed, std::string("after")),
                  Seconds(15));
  AWAIT_READY(
      dispatch(pid, &Client::tell, echo, std::string("count"), std::string()));
  AWAIT_EXPECT_EQ(std::string("2"),
                  dispatch(pid, &Client::nth, std::string("count"), size_t{0}));
  AWAIT_EXPECT_EQ((std::map<std::string, int>{{"after", 1}, {"before", 1}}),
                  dispatch(pid, &Client::echoCounts));
  AWAIT_EXPECT_EQ(size_t{1}, dispatch(pid, &Client::exits));
}

// The peer's own timeout comes from PROCESSION_PEER_TIMEOUT: linked to us,
// it hears of our silence after 2 s (ours is a minute) and, once the
// network heals, tells us.
TEST(SilentPeer, PeerTimeoutOfTheDefaultContextComesFromTheEnvironment) {
  SKIP_WITHOUT_PARTITIONS();
  START_PEER(peer, 0, false,
             std::vector<std::string>{"PROCESSION_PEER_TIMEOUT=2secs"});
  Context here(nodeOptions(Minutes(1)));
  const PID<Client> pid = here.spawn(new Client(), true);
  const UPID echo = peer->echo();

  AWAIT_READY(
      dispatch(pid, &Client::tell, echo, std::string("link"), stringify(pid)));
  AWAIT_READY(dispatch(pid, &Client::nth, std::string("linked"), size_t{0}));

  Future<std::string> told =
      dispatch(pid, &Client::nth, std::string("exited"), size_t{0});
  {
    Partition partition({echo.address.port, here.address().port});
    ASSERT_TRUE(partition.ok()) << "nft could not make the partition";
    // Past the peer's 2 s, well short of a default 30 s: it gave up on us.
    AWAIT_READY_FOR(dispatch(pid, &Client::tell, echo, std::string("echo"),
                             std::string("x")),
                    Seconds(1));
    EXPECT_FALSE(told.await(Milliseconds(3500)))
        << "heard through the partition";
  }
  AWAIT_EXPECT_EQ(stringify(pid), told);
}

TEST(SilentPeer, BadPeerTimeoutInTheEnvironmentEndsTheProgramSayingWhy) {
  PeerProcess peer(0, false, {"PROCESSION_PEER_TIMEOUT=soon"});
  EXPECT_FALSE(peer.ok());
  const std::optional<int> status = peer.reap(std::chrono::seconds(15));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << *status;
}

}  // namespace
