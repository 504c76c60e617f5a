// A fast remote sender and a slow receiving process: past
// Limits::maxQueuedBytesPerProcess the receiving node stops reading the
// connection that feeds the process, so TCP holds the sender back, and
// reads on once the queue drains. What the receiver holds stays bounded,
// and every message arrives, in order, none dropped.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "gate.hpp"

using namespace process;

namespace {

constexpr size_t kLimit = size_t{2} * 1024 * 1024;
constexpr size_t kBody = size_t{64} * 1024;
constexpr int kMessages = 800;  // 50 MiB, far past what sockets buffer

// Bytes of arrived messages queued for `pid` and not yet taken.
size_t queuedFor(const UPID& pid) {
  return pid.reference.get()->arrivedBytes.load(std::memory_order_relaxed);
}

class SlowReceiver : public Process<SlowReceiver> {
 public:
  explicit SlowReceiver(Gate& gate)
      : Process<SlowReceiver>("slow"), gate_(gate) {}

  // Ready once every message has arrived: whether they came in order.
  Future<bool> done() { return done_.future(); }
  size_t mostQueued() const { return mostQueued_; }

 protected:
  void initialize() override {
    install("data", [this](const UPID&, const std::string& body) {
      if (received_ == 0) {
        gate_.wait();  // the sender runs far ahead meanwhile
      }
      mostQueued_ = std::max(mostQueued_, queuedFor(self()));
      inOrder_ = inOrder_ &&
                 body.substr(0, body.find(' ')) == std::to_string(received_);
      if (++received_ == kMessages) {
        done_.set(inOrder_);
      }
    });
  }

 private:
  Gate& gate_;
  int received_ = 0;
  bool inOrder_ = true;
  size_t mostQueued_ = 0;
  Promise<bool> done_;
};

class FastSender : public Process<FastSender> {
 public:
  Nothing flood(const UPID& to) {
    for (int i = 0; i < kMessages; ++i) {
      std::string body = std::to_string(i) + " ";
      body.resize(kBody, 'x');
      send(to, "data", std::move(body));
    }
    return Nothing();
  }
};

TEST(NetworkBackpressure, AFullProcessQueueHoldsTheSenderBack) {
  Gate gate;
  SlowReceiver receiver(gate);
  FastSender sender;
  Context::Options receiving;
  receiving.workers = 2;
  receiving.limits.maxQueuedBytesPerProcess = kLimit;
  Context receiverNode(receiving);
  Context senderNode(Context::Options{.workers = 2});
  receiverNode.spawn(receiver);
  senderNode.spawn(sender);

  AWAIT_READY(
      dispatch(sender.self(), &FastSender::flood, UPID(receiver.self())));
  // The queue fills to the limit while the process is held: reading stops
  // once a message takes it past, and the held message (the first) may
  // have been taken off it after that, so it ends within a message of it.
  const size_t nearlyFull = kLimit - kBody - size_t{1024};
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (queuedFor(receiver.self()) < nearlyFull &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE(queuedFor(receiver.self()), nearlyFull);
  const size_t whileHeld = queuedFor(receiver.self());
  gate.open();

  Future<bool> done = receiver.done();
  AWAIT_ASSERT_READY_FOR(done, Seconds(60));
  EXPECT_TRUE(done.get()) << "out of order";
  // ...and no further: reading stopped (one read and a message of slack).
  const size_t bound = kLimit + 4 * kBody + size_t{256} * 1024;
  EXPECT_LE(whileHeld, bound);
  Future<size_t> most = dispatch(receiver.self(), &SlowReceiver::mostQueued);
  AWAIT_READY(most);
  EXPECT_LE(most.get(), bound) << "of " << kMessages * kBody << " sent";
  EXPECT_EQ(0u, queuedFor(receiver.self()));
  EXPECT_EQ(0u, receiverNode.droppedMessages());
  EXPECT_EQ(0u, senderNode.droppedMessages());
}

}  // namespace
