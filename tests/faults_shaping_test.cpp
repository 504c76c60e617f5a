// <process/testing/faults.hpp>: the faults that shape what goes through
// (drop, delay, duplicate, reorder, throttle), in memory and over loopback
// sockets, timed by the paused clock.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/dispatch.hpp>
#include <process/gtest.hpp>
#include <process/testing/faults.hpp>

#include "fault_nodes.hpp"

using namespace process;
using faults_test::FaultsTest;
using faults_test::numbered;

namespace {

class FaultShapingTest : public FaultsTest {};

}  // namespace

TEST_P(FaultShapingTest, DropWithASeedDropsTheSameMessagesEveryRun) {
  constexpr int kSent = 200;
  std::vector<uint64_t> drops;
  size_t delivered = 0;
  for (int run = 0; run < 2; ++run) {
    faults.oneWay(a.address(), b.address()).drop(0.25, 1234);
    const uint64_t before = a.dropped();
    sendFromA(numbered(run * kSent, kSent));
    drops.push_back(a.dropped() - before);
    delivered += kSent - drops.back();
    AWAIT_READY(bReaches(delivered));
    faults.oneWay(a.address(), b.address()).clear();
  }
  // std::mt19937_64 is the same engine everywhere: so is the count.
  EXPECT_EQ(54u, drops[0]);
  EXPECT_EQ(drops[0], drops[1]);
  // The very same messages: the survivors of both runs, less the offset.
  const std::vector<std::string> got = receivedByB();
  ASSERT_EQ(delivered, got.size());
  for (size_t i = 0; i < got.size() / 2; ++i) {
    EXPECT_EQ(std::stoi(got[i]) + kSent, std::stoi(got[i + got.size() / 2]));
  }
}

TEST_P(FaultShapingTest, DelayHoldsEachMessageForClockTime) {
  faults.oneWay(a.address(), b.address()).delay(Seconds(5));
  sendFromA(numbered(1, 2));
  EXPECT_TRUE(receivedByB().empty());
  Clock::advance(Seconds(4));
  EXPECT_TRUE(receivedByB().empty());
  Clock::advance(Seconds(1));
  AWAIT_EQ(numbered(1, 2), bReaches(2));
  EXPECT_EQ(0u, a.dropped());
}

TEST_P(FaultShapingTest, DuplicateDeliversTwice) {
  faults.oneWay(a.address(), b.address()).duplicate(1.0, 7);
  sendFromA(numbered(1, 3));
  AWAIT_READY(bReaches(6));
  EXPECT_EQ((std::vector<std::string>{"1", "1", "2", "2", "3", "3"}),
            receivedByB());
}

TEST_P(FaultShapingTest, ReorderLetsEachWindowGoLastFirst) {
  faults.oneWay(a.address(), b.address()).reorder(4, Seconds(1));
  sendFromA(numbered(1, 9));
  AWAIT_READY(bReaches(8));
  EXPECT_EQ((std::vector<std::string>{"4", "3", "2", "1", "8", "7", "6", "5"}),
            receivedByB());
  // The ninth waits for its window's hold.
  Clock::advance(Seconds(1));
  AWAIT_READY(bReaches(9));
  EXPECT_EQ("9", receivedByB().back());
}

TEST_P(FaultShapingTest, ThrottleSpreadsDeliveryAtTheByteRate) {
  faults.oneWay(a.address(), b.address()).throttle(1000);
  // "msg" and 997 bytes: a second each at 1000 bytes a second.
  std::vector<std::string> bodies;
  for (char c : std::string("wxyz")) {
    bodies.emplace_back(997, c);
  }
  sendFromA(bodies);
  EXPECT_TRUE(receivedByB().empty());
  for (size_t second = 1; second <= bodies.size(); ++second) {
    Clock::advance(Seconds(1));
    AWAIT_READY(bReaches(second));
    EXPECT_EQ(second, receivedByB().size());
  }
  EXPECT_EQ(bodies, receivedByB());
}

TEST_P(FaultShapingTest, FaultsCombineAndClearRestoresTheWay) {
  faults.oneWay(a.address(), b.address())
      .delay(Seconds(1))
      .duplicate(1.0, 1)
      .throttle(1000);
  sendFromA({std::string(997, 'x')});
  Clock::advance(Seconds(2));  // each copy: 1s of sending, then 1s late
  AWAIT_READY(bReaches(1));
  Clock::advance(Seconds(1));
  AWAIT_READY(bReaches(2));
  faults.oneWay(a.address(), b.address()).clear();
  sendFromA({"plain"});
  AWAIT_READY(bReaches(3));
  EXPECT_EQ("plain", receivedByB().back());
}

INSTANTIATE_TEST_SUITE_P(Paths, FaultShapingTest, ::testing::Bool(),
                         faults_test::pathName);
