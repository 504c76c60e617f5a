// Reconnecting to a node that refuses connections: after a failed connect,
// no new one is made for a while on process::Clock (10 ms, doubling to
// 2 s); what is sent meanwhile waits for the next attempt, and a link made
// meanwhile hears exited() at once, as for a refused connect.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/drop_reason.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "wire_socket.hpp"

using namespace process;

namespace {

class Sender : public Process<Sender> {
 public:
  Nothing tell(const UPID& to, const std::string& body) {
    send(to, "hello", body);
    return Nothing();
  }

  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  Future<Nothing> exitsReach(size_t count) {
    if (exits_ >= count) {
      return Nothing();
    }
    waiters_.emplace_back(count, Promise<Nothing>());
    return waiters_.back().second.future();
  }

 protected:
  void exited(const UPID& /*pid*/) override {
    ++exits_;
    for (auto& [count, promise] : waiters_) {
      if (exits_ >= count) {
        promise.set(Nothing());
      }
    }
  }

 private:
  size_t exits_ = 0;
  std::vector<std::pair<size_t, Promise<Nothing>>> waiters_;
};

struct PausedClock {
  PausedClock() { Clock::pause(); }
  ~PausedClock() { Clock::resume(); }
  PausedClock(const PausedClock&) = delete;
  PausedClock& operator=(const PausedClock&) = delete;
};

Context::Options nodeOptions() {
  Context::Options options;
  options.workers = 2;
  return options;
}

// Ready once `context` has counted `count` messages unreachable.
::testing::AssertionResult unreachableReach(const Context& context,
                                            uint64_t count) {
  const Promise<Nothing> never;
  for (int i = 0; i < 15000; ++i) {
    if (context.droppedMessages(DropReason::kPeerUnreachable) >= count) {
      return ::testing::AssertionSuccess();
    }
    // A bounded real-time wait (the clock is paused): a millisecond.
    never.future().await(Milliseconds(1));
  }
  return ::testing::AssertionFailure()
         << context.droppedMessages(DropReason::kPeerUnreachable)
         << " counted unreachable, not " << count;
}

TEST(NetworkReconnect, ARefusingNodeIsNotRetriedUntilTheBackoffPasses) {
  const PausedClock paused;
  wire::Listener refusing(false);  // bound, not listening: refuses
  const UPID target("target", refusing.address());
  Context here(nodeOptions());
  const PID<Sender> sender = here.spawn(new Sender(), true);

  AWAIT_READY(dispatch(sender, &Sender::tell, target, std::string("first")));
  ASSERT_TRUE(unreachableReach(here, 1));

  // It listens now, but within the backoff nobody tries: the messages
  // wait, and no connection comes while the clock stands still.
  refusing.listen();
  constexpr int kWaiting = 20;
  for (int i = 0; i < kWaiting; ++i) {
    AWAIT_READY(
        dispatch(sender, &Sender::tell, target, "soon " + std::to_string(i)));
  }
  EXPECT_FALSE(refusing.accept(wire::Milliseconds_(50)).valid())
      << "a connect was made within the backoff";

  // Once the clock passes it, the peer connects and they arrive in order.
  Clock::advance(Milliseconds(10));
  wire::Socket connection = refusing.accept();
  ASSERT_TRUE(connection.valid()) << "no connect after the backoff";
  // Their bodies, in order, in what the connection brings.
  std::string received;
  const std::string last = "\r\nsoon " + std::to_string(kWaiting - 1) + "\r\n";
  while (received.find(last) == std::string::npos) {
    std::optional<std::string> byte = connection.read(1);
    ASSERT_TRUE(byte.has_value()) << "got only '" << received << "'";
    received += *byte;
  }
  size_t at = 0;
  for (int i = 0; i < kWaiting; ++i) {
    const std::string body = "\r\nsoon " + std::to_string(i) + "\r\n";
    at = received.find(body, at);
    ASSERT_NE(std::string::npos, at) << body << " missing or out of order";
  }
  EXPECT_EQ(1u, here.droppedMessages(DropReason::kPeerUnreachable));
}

TEST(NetworkReconnect, ALinkWithinTheBackoffHearsExitedAtOnce) {
  const PausedClock paused;
  wire::Listener refusing(false);
  const UPID target("target", refusing.address());
  Context here(nodeOptions());
  const PID<Sender> sender = here.spawn(new Sender(), true);

  AWAIT_READY(dispatch(sender, &Sender::linkTo, target));
  AWAIT_READY(dispatch(sender, &Sender::exitsReach, size_t{1}));
  // The clock stands still: a link that waited for the backoff to pass
  // would never hear.
  AWAIT_READY(dispatch(sender, &Sender::linkTo, target));
  AWAIT_READY(dispatch(sender, &Sender::exitsReach, size_t{2}));
}

}  // namespace
