// <process/gmock_protobuf.hpp>: Mesos's FUTURE_PROTOBUF, DROP_PROTOBUF,
// DROP_PROTOBUFS and EXPECT_NO_FUTURE_PROTOBUFS on protobuf messages between
// ProtobufProcesses, in one node and across the socket.
#include <atomic>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/gmock_protobuf.hpp>
#include <process/gtest.hpp>
#include <process/id.hpp>
#include <process/protobuf.hpp>

#include "protos/protobuf_test.pb.h"
#include "reaper.hpp"

using namespace process;
using procession::test::Ping;
using procession::test::Pong;
using ::testing::_;

namespace {

class Player : public ProtobufProcess<Player> {
 public:
  Player() : ProcessBase(ID::generate("player")) {
    install<Ping>(&Player::onPing);
    install<Pong>(&Player::onPong);
  }

  void ping(const UPID& to, int sequence) {
    Ping message;
    message.set_sequence(sequence);
    send(to, message);
  }
  Nothing pong(const UPID& to, int sequence) {
    Pong message;
    message.set_sequence(sequence);
    send(to, message);
    return {};
  }

  std::atomic<int> pings{0};
  std::atomic<int> pongs{0};

 private:
  void onPing(const Ping& /*message*/) { ++pings; }
  void onPong(const Pong& /*message*/) { ++pongs; }
};

}  // namespace

TEST(GMockProtobuf, FutureProtobufGivesTheParsedMessage) {
  Player sender;
  Player receiver;
  spawn(sender);
  spawn(receiver);
  Reaper reaper(sender, receiver);

  Future<Ping> ping = FUTURE_PROTOBUF(Ping(), sender.self(), receiver.self());
  dispatch(sender, &Player::ping, receiver.self(), 7);
  AWAIT_READY(ping);
  EXPECT_EQ(7, ping->sequence());
  AWAIT_READY(dispatch(receiver, [] { return Nothing(); }));
  EXPECT_EQ(1, receiver.pings.load());
}

TEST(GMockProtobuf, DropProtobufAndDropProtobufsAcrossTheSocket) {
  Context near(Context::Options{.workers = 2});
  Context far(Context::Options{.workers = 2});
  Player sender;
  Player receiver;
  near.spawn(sender);
  far.spawn(receiver);
  Reaper reaper(sender, receiver);

  Future<Ping> dropped = DROP_PROTOBUF(Ping(), _, receiver.self());
  DROP_PROTOBUFS(Pong(), sender.self(), _);
  dispatch(sender, &Player::ping, receiver.self(), 1);
  dispatch(sender, &Player::pong, receiver.self(), 2);
  dispatch(sender, &Player::pong, receiver.self(), 3);
  AWAIT_READY(dropped);
  EXPECT_EQ(1, dropped->sequence());
  // Expectations are consulted newest first: this one only now.
  Future<Ping> passed = FUTURE_PROTOBUF(Ping(), _, receiver.self());
  dispatch(sender, &Player::ping, receiver.self(), 4);
  AWAIT_READY(passed);
  EXPECT_EQ(4, passed->sequence());
  AWAIT_READY(dispatch(receiver, [] { return Nothing(); }));
  EXPECT_EQ(1, receiver.pings.load());
  EXPECT_EQ(0, receiver.pongs.load());
}

TEST(GMockProtobuf, ExpectNoFutureProtobufsFailsWhenOneComes) {
  Player sender;
  Player receiver;
  spawn(sender);
  spawn(receiver);
  Reaper reaper(sender, receiver);

  EXPECT_NO_FUTURE_PROTOBUFS(Pong(), _, receiver.self());
  dispatch(sender, &Player::ping, receiver.self(), 1);  // not a Pong: fine
  AWAIT_READY(dispatch(receiver, [] { return Nothing(); }));
  auto arrives = [&] {
    Future<Nothing> sent = dispatch(sender, &Player::pong, receiver.self(), 1);
    EXPECT_TRUE(sent.await(TEST_AWAIT_TIMEOUT));
    EXPECT_TRUE(dispatch(receiver, [] { return Nothing(); })
                    .await(TEST_AWAIT_TIMEOUT));
  };
  EXPECT_NONFATAL_FAILURE_ON_ALL_THREADS(arrives(),
                                         "called more times than expected");
}
