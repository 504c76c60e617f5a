// The node behind a context: an Asio event loop that accepts and serves
// inbound connections (messages now, HTTP routes later) and keeps one
// outbound connection per peer node. The context's idle workers run the
// loop (runtime/poller.hpp), one at a time. Internal to src/network.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <asio.hpp>

#include <process/context.hpp>

#include "network/http_decoder.hpp"
#include "runtime/transport.hpp"

namespace process::network {

class InboundConnection;
class Peer;

// How callbacks that may run on any thread, at any time (a handler's future
// completing, a pipe written), reach the loop: through the gate, which the
// node closes as it stops. They hold the gate, never the node, so one that
// fires after the context is gone does nothing.
class LoopGate {
 public:
  explicit LoopGate(asio::io_context& io) : io_(&io) {}

  template <typename F>
  void post(F&& f) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (io_ != nullptr) {
      asio::post(*io_, std::forward<F>(f));
    }
  }

  void close() {
    std::lock_guard<std::mutex> guard(mutex_);
    io_ = nullptr;
  }

 private:
  std::mutex mutex_;
  asio::io_context* io_;
};

class Network final : public detail::Transport {
 public:
  Network(detail::ContextImpl& context, const Context::Options& options);
  ~Network() override;

  Address bound() const override { return bound_; }
  void send(const UPID& from, const UPID& to, const std::string& name,
            std::string&& body) override;
  void link(const UPID& linker, const UPID& linkee) override;
  void stop() override;
  void poll() override;
  WaitResult wait(std::chrono::microseconds timeout) override;
  bool watched() const override {
    return blocked_.load(std::memory_order_acquire);
  }
  void interrupt() override;

  // For the connections, on the thread running the loop.
  asio::io_context& io() { return io_; }
  detail::ContextImpl& context() { return context_; }
  const Context::Limits& limits() const { return limits_; }
  const HttpLimits& httpLimits() const { return httpLimits_; }
  // Scratch space for reads: one per loop, not per connection, so that an
  // idle connection costs no buffer.
  std::vector<char>& readBuffer() { return readBuffer_; }
  // Runs f on the loop. (Running it at once on a thread outside the loop
  // while holding the loop's token left idle workers out of the poller:
  // nobody watched the sockets until the next wake-up.)
  template <typename F>
  void runOnLoop(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }
  const std::shared_ptr<LoopGate>& gate() const { return gate_; }
  void closed(const std::shared_ptr<InboundConnection>& connection);
  void broken(Peer* peer);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<Peer> peer(const Address& address);
  void accept();

  detail::ContextImpl& context_;
  const Context::Limits limits_;
  const HttpLimits httpLimits_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer acceptRetry_;
  std::shared_ptr<LoopGate> gate_;
  Address bound_;
  std::vector<char> readBuffer_;
  std::atomic<bool> stopping_{false};
  // Held by the thread running the loop: Asio handlers here are not
  // written for two threads at once.
  std::atomic<bool> polling_{false};
  // The holder of polling_ is blocked in the loop (not busy-polling).
  std::atomic<bool> blocked_{false};
  std::atomic<bool> interrupted_{false};

  std::mutex peersMutex_;
  std::unordered_map<Address, std::shared_ptr<Peer>> peers_;
  // Loop only.
  std::unordered_set<std::shared_ptr<InboundConnection>> inbound_;
};

// Logs the first `burst` occurrences of a kind of trouble and then every
// 1,000th, so that a hostile peer cannot flood the log.
bool shouldLog(std::atomic<uint64_t>& counter, uint64_t burst = 100);

// Marks a socket close-on-exec (Asio does not): a child the program starts
// must not hold our connections open, nor our port.
void keepFromChildren(int fd);

}  // namespace process::network
