// compactor's leader/follower handshake, in C++, across two nodes in one OS
// process.
//
// A Context is a node: a listening (ip, port) pair with its own worker
// threads and processes. Here the leader lives on one node and three
// followers on another. Each follower, as it starts, links to the leader and
// sends it 'register' with a fresh uuid; the leader answers 'registered'
// with the same uuid, and the follower checks it. Then the leader's node
// shuts down, and the link tells every follower: its exited() runs.
//
// This is the program `make demo` runs.
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <glog/logging.h>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;

namespace {

// A random (version 4) UUID, as text.
std::string newUuid() {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  uint64_t high = 0;
  uint64_t low = 0;
  {
    std::lock_guard<std::mutex> guard(mutex);
    high = random();
    low = random();
  }
  high = (high & ~0xF000ULL) | 0x4000ULL;                // version 4
  low = (low & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant
  std::ostringstream out;
  out << std::hex << std::setfill('0') << std::setw(8) << (high >> 32) << '-'
      << std::setw(4) << ((high >> 16) & 0xFFFF) << '-' << std::setw(4)
      << (high & 0xFFFF) << '-' << std::setw(4) << (low >> 48) << '-'
      << std::setw(12) << (low & 0xFFFFFFFFFFFFULL);
  return out.str();
}

}  // namespace

class Leader : public Process<Leader> {
 public:
  Leader() : Process<Leader>("leader") {}

 protected:
  void initialize() override { install("register", &Leader::registerFollower); }

  void finalize() override {
    say(self(), ": finalize(): shutting down, leaving ", followers.size(),
        " followers");
  }

 private:
  // 'register' is a C++ keyword, so the handler has another name.
  void registerFollower(const UPID& from, const std::string& uuid) {
    say(from, " -> ", self(), ": register ", uuid);
    followers.insert(from);
    say(self(), ": ", from.id, " is follower #", followers.size(),
        "; answering 'registered'");
    send(from, "registered", uuid);
  }

  std::set<UPID> followers;
};

class Follower : public Process<Follower> {
 public:
  Follower(const std::string& name, const UPID& leader)
      : Process<Follower>(name), leader(leader), uuid(newUuid()) {}

  // Ready once the leader has answered with our uuid.
  Future<Nothing> registration() const { return isRegistered.future(); }
  // Ready, with the leader's pid, once the link says the leader is gone.
  Future<UPID> leaderLost() const { return lostLeader.future(); }

 protected:
  void initialize() override {
    install("registered", &Follower::registered);
    say(self(), ": initialize(): link to ", leader, ", send 'register'");
    link(leader);
    send(leader, "register", uuid);
  }

  void exited(const UPID& pid) override {
    say(self(), ": exited(", pid, "): the link fired, the leader is gone");
    lostLeader.set(pid);
  }

 private:
  void registered(const UPID& from, const std::string& body) {
    say(from, " -> ", self(), ": registered ", body);
    if (body == uuid) {
      say(self(), ": the uuid matches: registered with ", from);
      isRegistered.set(Nothing());
    } else {
      say(self(), ": the uuid does not match ours (", uuid, "): ignored");
    }
  }

  const UPID leader;
  const std::string uuid;
  Promise<Nothing> isRegistered;
  Promise<UPID> lostLeader;
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  constexpr int kFollowers = 3;

  say("Procession demo: compactor's leader/follower handshake.");
  say("Two nodes (two process::Context objects, each listening on its own");
  say("port) run in this one OS process: a leader, and ", kFollowers,
      " followers.");
  say("");

  Context followerNode(Context::Options{.ip = "127.0.0.1", .port = 0});

  bool ok = true;
  std::vector<Future<UPID>> lost;
  UPID leaderPid;
  {
    Context leaderNode(Context::Options{.ip = "127.0.0.1", .port = 0});
    say("leader node:   ", leaderNode.address());
    say("follower node: ", followerNode.address());

    // The leader's pid is all a follower needs; it could equally come from
    // service discovery or the command line ("leader@ip:port").
    PID<Leader> leader = leaderNode.spawn(new Leader(), true);
    leaderPid = leader;
    say("spawned ", leader);

    for (int i = 1; i <= kFollowers; ++i) {
      say("");
      say("-- follower", i, " joins --");
      auto* follower = new Follower("follower" + std::to_string(i), leader);
      Future<Nothing> registration = follower->registration();
      lost.push_back(follower->leaderLost());
      // Managed: the node deletes the follower once it terminates.
      followerNode.spawn(follower, true);
      if (!registration.await(Seconds(10))) {
        say("FAILED: follower", i, " did not register");
        ok = false;
      }
    }

    say("");
    say("-- the leader's node shuts down (its Context is destroyed) --");
  }  // ~Context: terminates the leader and waits for it.

  for (const Future<UPID>& exited : lost) {
    if (!exited.await(Seconds(10)) || !exited.isReady() ||
        exited.get() != leaderPid) {
      say("FAILED: a follower did not hear that the leader exited");
      ok = false;
    }
  }

  say("");
  if (ok) {
    say("done: ", kFollowers, " followers registered with ", leaderPid,
        ", and each one's exited() ran when it went away.");
  }
  return ok ? 0 : 1;
  // ~Context: the follower node terminates the followers.
}
