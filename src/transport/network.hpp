// The node behind a context, as the runtime's Transport: the listening
// socket and the connections peers open to it (inbound.hpp), one outbound
// connection per peer node (peer.hpp), all on the context's event loop
// (net/event_loop.hpp). Internal to src/transport.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <asio.hpp>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/time.hpp>

#include "http/decoder.hpp"
#include "net/event_loop.hpp"
#include "runtime/transport.hpp"
#include "transport/figures.hpp"

namespace process::transport {

class InboundConnection;
class Peer;

class Network final : public detail::Transport {
 public:
  Network(detail::Host& host, const Context::Options& options);
  ~Network() override;

  // detail::Transport.
  Address bound() const override { return bound_; }
  detail::Poller& poller() override { return loop_; }
  net::EventLoop* loop() override { return &loop_; }
  void send(const UPID& from, const UPID& to, const std::string& name,
            std::string&& body) override;
  void link(const UPID& linker, const UPID& linkee) override;
  void endTurn() override;
  void stop() override;
  void failPeer(const Address& address, const std::string& reason) override;

  // A message past the fault injector (transport/faults.hpp): to its peer.
  void enqueue(const UPID& from, const UPID& to, const std::string& name,
               const std::string& body);

  // For the connections, on the thread running the loop.
  asio::io_context& io() { return loop_.io(); }
  detail::Host& host() { return host_; }
  const Context::Limits& limits() const { return loop_.limits(); }
  const http::internal::HttpLimits& httpLimits() const { return httpLimits_; }
  std::vector<char>& readBuffer() { return loop_.readBuffer(); }
  const std::shared_ptr<net::LoopGate>& gate() const { return loop_.gate(); }
  void closed(const std::shared_ptr<InboundConnection>& connection);
  // A connection stopped reading for a full process queue, until
  // resumeReading().
  void paused(const std::shared_ptr<InboundConnection>& connection);
  void resumeReading() override;
  // Answers our peers have read (202s and refusals), for tests.
  uint64_t answered() const {
    return answered_.load(std::memory_order_relaxed);
  }
  void countAnswered(uint64_t answers) {
    answered_.fetch_add(answers, std::memory_order_relaxed);
  }
  // A request for a route was answered with `status` (any thread).
  void countHttpAnswer(uint16_t status) {
    if (status >= 100 && status < 600) {
      httpAnswers_[status / 100 - 1].fetch_add(1, std::memory_order_relaxed);
    }
  }
  detail::TransportFigures figures() const override;
  void broken(Peer* peer);
  bool stopping() const { return loop_.stopping(); }
  Duration peerTimeout() const { return peerTimeout_; }
  // Any thread. After a failed connect no new one to that node is made for
  // a while, doubling from 10 ms up to 2 s (what is sent meanwhile waits
  // for the next attempt; a link made meanwhile hears exited() at once, as
  // for a refused connect), so that a node refusing connections is not
  // hammered; a connect that succeeds ends the wait.
  void connectFailed(const Address& address);
  void connectSucceeded(const Address& address);
  // Any thread: the figures of every connection, gathered on the loop
  // (figures.cpp). Abandoned if the node stops first.
  Future<NetworkFigures> figures();

 private:
  struct Backoff {
    Time retryAt;
    Duration delay;
  };

  std::shared_ptr<Peer> peer(const Address& address);
  void accept();
  // admission.cpp: a new connection within maxConnections and
  // maxConnectionsPerAddress, making room if it must; and its end.
  void admit(asio::ip::tcp::socket socket);
  bool makeRoom();
  void forget(const InboundConnection& connection);

  detail::Host& host_;
  net::EventLoop loop_;
  const http::internal::HttpLimits httpLimits_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer acceptRetry_;
  Address bound_;
  const Duration peerTimeout_;
  bool stopped_ = false;

  mutable std::mutex peersMutex_;
  std::unordered_map<Address, std::shared_ptr<Peer>> peers_;
  std::unordered_map<Address, Backoff> backoff_;
  // Loop only.
  std::unordered_set<std::shared_ptr<InboundConnection>> inbound_;
  std::unordered_map<uint32_t, size_t> perAddress_;  // by client IP
  std::unordered_set<std::shared_ptr<InboundConnection>> paused_;
  std::atomic<bool> resumePosted_{false};
  std::atomic<uint64_t> answered_{0};
  std::atomic<uint64_t> inboundOpen_{0};  // inbound_.size(), for any thread
  std::array<std::atomic<uint64_t>, 5> httpAnswers_{};
};

// Rate-limits the log lines of accepting (network.cpp, admission.cpp).
extern std::atomic<uint64_t> acceptLogs;

// Whether this thread's process turn left anything for endTurn() to write
// (messages buffered for peers, answers completed): one load per turn when
// it did not.
extern thread_local bool turnPending;

}  // namespace process::transport
