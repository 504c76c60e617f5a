// A Transport and a Poller with no sockets, for the runtime's own tests:
// what the runtime hands the network is recorded, and the test plays the
// network's part through the Host it was given.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/transport.hpp"

namespace process::testing {

class FakePoller final : public detail::Poller {
 public:
  void poll() override;
  uint64_t interruptions() const override;
  WaitResult wait(std::chrono::microseconds timeout, uint64_t seen) override;
  bool watched() const override;
  void interrupt() override;

  // Waits (bounded) until some worker has blocked in wait() `count` times.
  bool awaitWaits(int count, std::chrono::milliseconds limit);
  int interrupts() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool blocked_ = false;
  int waits_ = 0;
  // As the event loop's: an interrupt ends the wait under way, and any
  // whose caller saw fewer.
  uint64_t interrupts_ = 0;
};

struct SentMessage {
  UPID from;
  UPID to;
  std::string name;
  std::string body;
};

class FakeTransport final : public detail::Transport {
 public:
  FakeTransport(detail::Host& host, Address bound)
      : host_(host), bound_(bound) {}

  Address bound() const override { return bound_; }
  detail::Poller& poller() override { return poller_; }
  net::EventLoop* loop() override { return nullptr; }
  void send(const UPID& from, const UPID& to, const std::string& name,
            std::string&& body) override;
  void link(const UPID& linker, const UPID& linkee) override;
  void endTurn() override;
  void stop() override;
  void resumeReading() override {}

  detail::Host& host() { return host_; }
  FakePoller& fakePoller() { return poller_; }

  // Snapshots, under the lock.
  std::vector<SentMessage> sent() const;
  std::vector<std::pair<UPID, UPID>> links() const;
  // For each endTurn() that followed sends: how many sends the turn made.
  std::vector<int> sendsPerTurn() const;
  bool stopped() const;

  // The fake made for the context bound at `address` (tests find theirs).
  static FakeTransport* at(const Address& address);

 private:
  detail::Host& host_;
  const Address bound_;
  FakePoller poller_;
  mutable std::mutex mutex_;
  std::vector<SentMessage> sent_;
  std::vector<std::pair<UPID, UPID>> links_;
  std::vector<int> sendsPerTurn_;
  bool stopped_ = false;
};

}  // namespace process::testing
