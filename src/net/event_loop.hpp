// The event loop of one context: an Asio io_context with no thread of its
// own. The context's idle workers run it, one at a time (the poll token
// below), busy-polling while they spin and blocking in epoll when one parks
// (runtime/poller.hpp): a message read by a worker then runs its process on
// that very worker. Every connection of the context, inbound and outbound,
// server and client, lives on this loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <asio.hpp>

#include <process/context.hpp>

#include "net/tls.hpp"
#include "runtime/poller.hpp"

namespace process::net {

// How callbacks that may run on any thread, at any time (a handler's future
// completing, a pipe written), reach the loop: through the gate, which the
// loop closes as it stops. They hold the gate, never the loop, so one that
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

class EventLoop final : public detail::Poller {
 public:
  explicit EventLoop(const Context::Limits& limits);
  ~EventLoop() override;

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // detail::Poller: run by the scheduler's workers.
  void poll() override;
  uint64_t interruptions() const override {
    return interruptions_.load(std::memory_order_acquire);
  }
  WaitResult wait(std::chrono::microseconds timeout, uint64_t seen) override;
  bool watched() const override {
    return blocked_.load(std::memory_order_acquire);
  }
  void interrupt() override;

  asio::io_context& io() { return io_; }
  const Context::Limits& limits() const { return limits_; }
  const std::shared_ptr<LoopGate>& gate() const { return gate_; }
  // Scratch space for reads: one per loop, not per connection, so that an
  // idle connection costs no buffer. Only for the thread running the loop.
  std::vector<char>& readBuffer() { return readBuffer_; }

  // Bytes every stream on this loop read and wrote (any thread): one
  // relaxed add per system call, for the node's metrics.
  std::atomic<uint64_t>& bytesRead() { return bytesRead_; }
  std::atomic<uint64_t>& bytesWritten() { return bytesWritten_; }

  // Runs f on the loop. (Running it at once on a thread outside the loop
  // while holding the poll token left idle workers out of the poller:
  // nobody watched the sockets until the next wake-up.)
  template <typename F>
  void post(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }

  // TLS (tls.hpp), set by the node before any connection: the node's
  // context if TLS is on (nullptr: off), and its settings.
  void setTls(const Context::Tls& settings,
              std::shared_ptr<TlsContext> context) {
    tlsSettings_ = settings;
    tls_ = std::move(context);
  }
  const std::shared_ptr<TlsContext>& tls() const { return tls_; }
  const Context::Tls& tlsSettings() const { return tlsSettings_; }
  // For https from this node (any thread): the node's context if TLS is
  // on, else one for clients only, made on first use.
  Try<std::shared_ptr<TlsContext>> clientTls();

  // The loop is stopping: no new connection should start.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // Takes the poll token for good (the workers are gone), so that the
  // caller may close what runs on the loop; then finish() runs what the
  // closes cancelled.
  void beginStop();
  void finish();

 private:
  const Context::Limits limits_;
  Context::Tls tlsSettings_;
  std::shared_ptr<TlsContext> tls_;
  std::mutex clientTlsMutex_;
  std::shared_ptr<TlsContext> clientTls_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<LoopGate> gate_;
  std::vector<char> readBuffer_;
  std::atomic<bool> stopping_{false};
  // Held by the thread running the loop: Asio handlers here are not
  // written for two threads at once.
  std::atomic<bool> polling_{false};
  // The holder of polling_ is blocked in the loop (not busy-polling).
  std::atomic<bool> blocked_{false};
  std::atomic<uint64_t> interruptions_{0};
  std::atomic<uint64_t> bytesRead_{0};
  std::atomic<uint64_t> bytesWritten_{0};
};

// Logs the first `burst` occurrences of a kind of trouble and then every
// 1,000th, so that a hostile peer cannot flood the log.
bool shouldLog(std::atomic<uint64_t>& counter, uint64_t burst = 100);

// Marks a socket close-on-exec (Asio does not): a child the program starts
// must not hold our connections open, nor our port.
void keepFromChildren(int fd);

}  // namespace process::net
