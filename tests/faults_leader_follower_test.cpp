// The leader/follower handshake of compactor's README (examples/
// leader_follower.cpp) through a partition: followers link to the leader and
// register with a uuid; the leader answers 'registered' with it. The nodes
// are cut apart; once the cut has lasted the peer timeout each follower's
// link fires, and the follower keeps trying (link, register) as the README's
// pattern does on exited(). After the heal every follower is registered
// again, and the leader knows each once.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>
#include <process/testing/faults.hpp>

#include "fault_nodes.hpp"

using namespace process;
using faults_test::TestNode;
using faults_test::valueOf;

namespace {

class Leader : public Process<Leader> {
 public:
  Leader() : Process<Leader>("leader") {}

  size_t followers() const { return followers_.size(); }
  int registrations() const { return registrations_; }

 protected:
  void initialize() override {
    install("register", [this](const UPID& from, const std::string& uuid) {
      followers_.insert(from);
      ++registrations_;
      send(from, "registered", uuid);
    });
  }

 private:
  std::set<UPID> followers_;
  int registrations_ = 0;
};

class Follower : public Process<Follower> {
 public:
  Follower(const std::string& name, const UPID& leader)
      : Process<Follower>(name), leader_(leader), uuid_(name + "-uuid") {}

  // Ready once the leader has answered our `n`th registration (from 1).
  Future<Nothing> registered(int n) {
    return ready(registeredWaiters_, registrations_, n);
  }
  // Ready once the link has fired `n` times.
  Future<Nothing> lost(int n) { return ready(lostWaiters_, losses_, n); }
  int losses() const { return losses_; }

 protected:
  void initialize() override {
    install("registered", [this](const UPID&, const std::string& uuid) {
      if (uuid == uuid_) {
        ++registrations_;
        wake(registeredWaiters_, registrations_);
      }
    });
    join();
  }

  void exited(const UPID& pid) override {
    if (pid != leader_) {
      return;
    }
    ++losses_;
    wake(lostWaiters_, losses_);
    join();  // the leader is silent, not necessarily gone: try again
  }

 private:
  using Waiters = std::vector<std::pair<int, Promise<Nothing>>>;

  void join() {
    link(leader_);
    send(leader_, "register", uuid_);
  }
  static Future<Nothing> ready(Waiters& waiters, int count, int n) {
    if (count >= n) {
      return Nothing();
    }
    waiters.emplace_back(n, Promise<Nothing>());
    return waiters.back().second.future();
  }
  static void wake(Waiters& waiters, int count) {
    std::erase_if(waiters, [count](auto& waiter) {
      if (count >= waiter.first) {
        waiter.second.set(Nothing());
        return true;
      }
      return false;
    });
  }

  const UPID leader_;
  const std::string uuid_;
  int registrations_ = 0;
  int losses_ = 0;
  Waiters registeredWaiters_;
  Waiters lostWaiters_;
};

class LeaderFollowerPartition : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override {
    faults.clear();
    Clock::resume();
  }

  TestNode leaderNode{GetParam()};
  TestNode followerNode{GetParam()};
  process::testing::Faults faults;
};

TEST_P(LeaderFollowerPartition, SurvivesAPartitionAndAHeal) {
  constexpr int kFollowers = 3;
  const Duration peerTimeout = Context::Options().peerTimeout;
  PID<Leader> leader = leaderNode.context->spawn(new Leader(), true);
  std::vector<PID<Follower>> followers;
  for (int i = 1; i <= kFollowers; ++i) {
    followers.push_back(followerNode.context->spawn(
        new Follower("follower" + std::to_string(i), leader), true));
  }
  for (const auto& follower : followers) {
    AWAIT_READY(dispatch(follower, &Follower::registered, 1));
  }

  faults.between(*leaderNode.context, *followerNode.context).cut();
  Clock::advance(peerTimeout);
  for (const auto& follower : followers) {
    AWAIT_READY(dispatch(follower, &Follower::lost, 1));
  }
  // The retries went into the cut: the leader heard nothing more.
  Clock::settle();
  EXPECT_EQ(kFollowers, valueOf(dispatch(leader, &Leader::registrations)));

  faults.between(*leaderNode.context, *followerNode.context).heal();
  for (const auto& follower : followers) {
    AWAIT_READY(dispatch(follower, &Follower::registered, 2));
  }
  Clock::settle();
  EXPECT_EQ(size_t(kFollowers), valueOf(dispatch(leader, &Leader::followers)));
  EXPECT_EQ(2 * kFollowers, valueOf(dispatch(leader, &Leader::registrations)));

  // Healed for good: another peer timeout fires no link.
  Clock::advance(peerTimeout);
  Clock::settle();
  for (const auto& follower : followers) {
    EXPECT_EQ(1, valueOf(dispatch(follower, &Follower::losses)));
  }
  // And the new links work: the leader's node going away is heard.
  leaderNode.context.reset();
  for (const auto& follower : followers) {
    AWAIT_READY(dispatch(follower, &Follower::lost, 2));
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, LeaderFollowerPartition, ::testing::Bool(),
                         faults_test::pathName);

}  // namespace
