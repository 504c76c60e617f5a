// GET /__network__ (ours): a node's outbound peers and inbound connections
// with their messages and bytes, from counters the connections keep.
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "system_helpers.hpp"

using namespace process;
using system_test::get;
using system_test::json;

namespace {

constexpr int kMessages = 10;

class Receiver : public Process<Receiver> {
 public:
  Receiver() : ProcessBase("receiver") {}
  std::atomic<int> received{0};

 protected:
  void initialize() override {
    install("ping", [this](const UPID&, const std::string&) { ++received; });
  }
};

class Sender : public Process<Sender> {
 public:
  explicit Sender(UPID to) : ProcessBase("sender"), to_(std::move(to)) {}

 protected:
  void initialize() override {
    for (int i = 0; i < kMessages; ++i) {
      send(to_, "ping", "body");
    }
  }

 private:
  const UPID to_;
};

std::string text(const Address& address) {
  std::ostringstream out;
  out << address;
  return out.str();
}

// Asks `node` until `done` holds for its answer (bounded); the answer.
template <typename F>
nlohmann::json networkOnceThat(const Context& node, F&& done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  nlohmann::json network;
  do {
    Future<http::Response> response = get(node, "__network__");
    EXPECT_TRUE(response.await(Seconds(15)));
    if (response.isReady() && response->code == http::Status::OK) {
      network = json(response.get());
      if (done(network)) {
        return network;
      }
    }
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < deadline);
  ADD_FAILURE() << "never: " << network;
  return network;
}

TEST(NetworkEndpoint, ShowsPeersAndInboundConnections) {
  Context a;
  Context b;
  Receiver receiver;
  b.spawn(receiver);
  Sender sender(receiver.self());
  a.spawn(sender);

  // The peer answers each message 202; A counts them as it reads.
  const nlohmann::json fromA = networkOnceThat(a, [&](const nlohmann::json& n) {
    return n["peers"].size() == 1 &&
           n["peers"][0]["messages_acknowledged"] == kMessages;
  });
  EXPECT_EQ(text(a.address()), fromA["address"]);
  const nlohmann::json& peer = fromA["peers"][0];
  EXPECT_EQ(text(b.address()), peer["address"]);
  EXPECT_EQ("connected", peer["state"]);
  EXPECT_EQ(kMessages, peer["messages_sent"]);
  EXPECT_EQ(0, peer["messages_dropped"]);
  EXPECT_GT(peer["bytes_out"].get<uint64_t>(), kMessages * 10u);
  EXPECT_GT(peer["bytes_in"].get<uint64_t>(), 0u);  // the 202s
  EXPECT_EQ(0, peer["bytes_queued"]);
  EXPECT_EQ(0, peer["links"]);

  // On B: A's connection, carrying the messages, and this test's request.
  const nlohmann::json fromB = networkOnceThat(b, [&](const nlohmann::json& n) {
    for (const nlohmann::json& connection : n["inbound"]) {
      if (connection["messages"] == kMessages) {
        return true;
      }
    }
    return false;
  });
  bool sawRequest = false;
  for (const nlohmann::json& connection : fromB["inbound"]) {
    EXPECT_TRUE(connection["remote"].is_string());
    EXPECT_FALSE(connection["paused"].get<bool>());
    if (connection["messages"] == kMessages) {
      EXPECT_EQ(kMessages, connection["requests"]);
      EXPECT_GT(connection["bytes_in"].get<uint64_t>(), kMessages * 10u);
      EXPECT_GT(connection["bytes_out"].get<uint64_t>(), 0u);
    } else if (connection["requests"].get<uint64_t>() >= 1) {
      sawRequest = true;  // the GET being answered
    }
  }
  EXPECT_TRUE(sawRequest) << fromB;
  EXPECT_EQ(kMessages, receiver.received.load());
  EXPECT_TRUE(fromB["peers"].empty()) << fromB;

  terminate(sender);
  wait(sender);
  terminate(receiver);
  wait(receiver);
}

}  // namespace
