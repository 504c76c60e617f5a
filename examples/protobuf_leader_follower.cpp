// compactor's leader/follower handshake with protocol-buffer messages, as
// Mesos writes its master and agents: ProtobufProcess, install<M>() of
// typed handlers, send() of a message, reply().
//
// The leader lives on one node and three followers on another (two
// Contexts in this OS process). Each follower links to the leader and sends
// it a RegisterFollower with a fresh uuid; the leader replies with a
// FollowerRegistered carrying the same uuid, and the follower checks it.
// The bytes on the wire are libprocess's: POST
// /leader/procession.examples.RegisterFollower with the serialized message
// as the body, so a libprocess peer would read them the same way.
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <glog/logging.h>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/id.hpp>
#include <process/pid.hpp>
#include <process/protobuf.hpp>

#include "protos/leader_follower.pb.h"
#include "say.hpp"

using namespace process;
using procession::examples::FollowerRegistered;
using procession::examples::RegisterFollower;

class Leader : public ProtobufProcess<Leader> {
 public:
  Leader() : ProcessBase("leader") {}

 protected:
  void initialize() override {
    // The field form: the handler takes the sender and the fields' values.
    install<RegisterFollower>(&Leader::registerFollower,
                              &RegisterFollower::uuid,
                              &RegisterFollower::hostname);
  }

 private:
  void registerFollower(const UPID& from, const std::string& uuid,
                        const std::string& hostname) {
    followers.insert(from);
    say(from, " -> ", self(), ": RegisterFollower { uuid: ", uuid,
        ", hostname: ", hostname, " }");
    FollowerRegistered registered;
    registered.set_uuid(uuid);
    registered.set_followers(static_cast<int>(followers.size()));
    reply(registered);
  }

  std::set<UPID> followers;
};

class Follower : public ProtobufProcess<Follower> {
 public:
  Follower(const std::string& name, const UPID& leader)
      : ProcessBase(ID::generate(name)),
        leader(leader),
        uuid(ID::generate("uuid")) {}

  Future<int> registration() const { return isRegistered.future(); }
  Future<UPID> leaderLost() const { return lostLeader.future(); }

 protected:
  void initialize() override {
    install<FollowerRegistered>(&Follower::registered);
    link(leader);
    RegisterFollower message;
    message.set_uuid(uuid);
    message.set_hostname("localhost");
    send(leader, message);
  }

  void exited(const UPID& pid) override { lostLeader.set(pid); }

 private:
  void registered(const UPID& from, const FollowerRegistered& message) {
    say(from, " -> ", self(), ": FollowerRegistered { uuid: ", message.uuid(),
        ", followers: ", message.followers(), " }");
    if (message.uuid() == uuid) {
      isRegistered.set(message.followers());
    }
  }

  const UPID leader;
  const std::string uuid;
  Promise<int> isRegistered;
  Promise<UPID> lostLeader;
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;
  GOOGLE_PROTOBUF_VERIFY_VERSION;

  constexpr int kFollowers = 3;
  say("Procession example: the leader/follower handshake in protobuf.");

  Context followerNode(Context::Options{.ip = "127.0.0.1", .port = 0});
  bool ok = true;
  std::vector<Future<UPID>> lost;
  UPID leaderPid;
  {
    Context leaderNode(Context::Options{.ip = "127.0.0.1", .port = 0});
    leaderPid = leaderNode.spawn(new Leader(), true);
    say("leader ", leaderPid, "; followers on ", followerNode.address());

    for (int i = 1; i <= kFollowers; ++i) {
      auto* follower = new Follower("follower", leaderPid);
      Future<int> registration = follower->registration();
      lost.push_back(follower->leaderLost());
      followerNode.spawn(follower, true);
      if (!registration.await(Seconds(10)) || !registration.isReady() ||
          registration.get() != i) {
        say("FAILED: follower ", i, " did not register as #", i);
        ok = false;
      }
    }
    say("-- the leader's node shuts down --");
  }

  for (const Future<UPID>& exited : lost) {
    if (!exited.await(Seconds(10)) || !exited.isReady() ||
        exited.get() != leaderPid) {
      say("FAILED: a follower did not hear that the leader exited");
      ok = false;
    }
  }
  if (ok) {
    say("done: ", kFollowers, " followers registered with ", leaderPid,
        " in protobuf, and each heard when it went away.");
  }
  google::protobuf::ShutdownProtobufLibrary();
  return ok ? 0 : 1;
}
