// The seam between the runtime and the network (src/runtime/transport.hpp),
// from both sides, with the runtime linked alone against a fake Transport
// and Poller: what goes to another node reaches the Transport, a turn's
// sends end with one endTurn(), and what the network hands the runtime
// through the Host (a message, a request, an exit, a drop) arrives.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/id.hpp>
#include <process/process.hpp>

#include "fake_transport.hpp"

namespace process {
namespace {

using testing::FakeTransport;

constexpr auto kLimit = std::chrono::seconds(15);

// A process that records what it is told, and sends where it is asked.
class Recorder : public Process<Recorder> {
 public:
  Recorder() : ProcessBase(ID::generate("recorder")) {}

  Future<std::string> message() { return message_.future(); }
  Future<UPID> exit() { return exit_.future(); }

  void linkTo(const UPID& to) { link(to); }

  void sendTo(const UPID& to, int count) {
    for (int i = 0; i < count; ++i) {
      send(to, "note", std::to_string(i));
    }
  }

 protected:
  void initialize() override {
    install("note", [this](const UPID& from, const std::string& body) {
      message_.set(from.id + ":" + body);
    });
    route("/hello", None(), [](const http::Request& request) {
      return http::OK("hello " + request.url.path);
    });
  }
  void exited(const UPID& pid) override { exit_.set(pid); }

 private:
  Promise<std::string> message_;
  Promise<UPID> exit_;
};

struct Node {
  Node() : context(Context::Options{.workers = 2}) {
    fake = FakeTransport::at(context.address());
  }
  Context context;
  FakeTransport* fake = nullptr;
};

UPID elsewhere(const std::string& id) {
  return UPID(id, Address(net::IP(0x0a000001), 5050));  // 10.0.0.1:5050
}

TEST(RuntimeSeam, EachContextGetsItsOwnTransport) {
  Node a;
  Node b;
  ASSERT_NE(nullptr, a.fake);
  ASSERT_NE(nullptr, b.fake);
  EXPECT_NE(a.fake, b.fake);
  EXPECT_EQ(a.fake->bound(), a.context.address());
}

TEST(RuntimeSeam, LocalMessagesNeverReachTheTransport) {
  Node node;
  auto* receiver = new Recorder();
  auto* sender = new Recorder();
  const PID<Recorder> to = node.context.spawn(receiver, true);
  const PID<Recorder> from = node.context.spawn(sender, true);
  dispatch(from, &Recorder::sendTo, UPID(to), 1);
  Future<std::string> got = receiver->message();
  ASSERT_TRUE(got.await(Seconds(15)));
  EXPECT_EQ(from.id + ":0", got.get());
  EXPECT_TRUE(node.fake->sent().empty());
}

TEST(RuntimeSeam, ATurnsRemoteSendsEndWithOneEndTurn) {
  Node node;
  const PID<Recorder> sender = node.context.spawn(new Recorder(), true);
  const UPID target = elsewhere("far");
  dispatch(sender, &Recorder::sendTo, target, 3);
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (node.fake->sendsPerTurn().empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  const std::vector<testing::SentMessage> sent = node.fake->sent();
  ASSERT_EQ(3u, sent.size());
  EXPECT_EQ(UPID(sender), sent[0].from);
  EXPECT_EQ(target, sent[0].to);
  EXPECT_EQ("note", sent[0].name);
  EXPECT_EQ("2", sent[2].body);
  // The three sends of one turn, then one call at its end.
  EXPECT_EQ(std::vector<int>{3}, node.fake->sendsPerTurn());
}

TEST(RuntimeSeam, RemoteLinksGoToTheTransportAndExitsComeBackThroughTheHost) {
  Node node;
  auto* linker = new Recorder();
  const PID<Recorder> pid = node.context.spawn(linker, true);
  const UPID linkee = elsewhere("gone");
  dispatch(pid, &Recorder::linkTo, linkee);
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (node.fake->links().empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(1u, node.fake->links().size());
  EXPECT_EQ(UPID(pid), node.fake->links()[0].first);
  EXPECT_EQ(linkee, node.fake->links()[0].second);
  // The network plays its part: the connection broke.
  node.fake->host().deliverExited(pid, linkee);
  Future<UPID> exit = linker->exit();
  ASSERT_TRUE(exit.await(Seconds(15)));
  EXPECT_EQ(linkee, exit.get());
}

TEST(RuntimeSeam, TheHostDeliversAMessageOrCountsItDropped) {
  Node node;
  auto* receiver = new Recorder();
  const PID<Recorder> pid = node.context.spawn(receiver, true);
  detail::Host& host = node.fake->host();
  EXPECT_TRUE(host.deliverMessage(pid.id, elsewhere("sender"), "note", "x"));
  Future<std::string> got = receiver->message();
  ASSERT_TRUE(got.await(Seconds(15)));
  EXPECT_EQ("sender:x", got.get());
  const uint64_t before = node.context.droppedMessages();
  EXPECT_FALSE(host.deliverMessage("nobody", elsewhere("sender"), "note", ""));
  EXPECT_EQ(before + 1, node.context.droppedMessages());
  host.countDropped(DropReason::kPeerLost, 5);
  EXPECT_EQ(before + 6, node.context.droppedMessages());
}

TEST(RuntimeSeam, TheHostDeliversARequestToItsRoute) {
  Node node;
  const PID<Recorder> pid = node.context.spawn(new Recorder(), true);
  http::Request request;
  request.method = "GET";
  request.url.path = "/" + pid.id + "/hello";
  Future<http::Response> response =
      node.fake->host().deliverRequest(pid.id, "/hello", request);
  ASSERT_TRUE(response.await(Seconds(15)));
  EXPECT_EQ(200, response->code);
  EXPECT_EQ("hello /" + pid.id + "/hello", response->body);
  Future<http::Response> missing =
      node.fake->host().deliverRequest("nobody", "/hello", request);
  ASSERT_TRUE(missing.await(Seconds(15)));
  EXPECT_EQ(404, missing->code);
}

TEST(RuntimeSeam, IdleWorkersWaitInThePollerAndStopInterruptsThem) {
  auto node = std::make_unique<Node>();
  // An idle context parks a worker in the poller's wait, which has no
  // limit: only an interrupt ends it.
  EXPECT_TRUE(node->fake->fakePoller().awaitWaits(1, std::chrono::seconds(15)));
  // Stopping joins the workers (then stops and destroys the transport): it
  // ends only if stop() interrupted the worker in the poller.
  std::future<void> stopped =
      std::async(std::launch::async, [&node] { node.reset(); });
  EXPECT_EQ(std::future_status::ready,
            stopped.wait_for(std::chrono::seconds(15)));
}

}  // namespace
}  // namespace process
