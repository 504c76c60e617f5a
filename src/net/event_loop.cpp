#include "net/event_loop.hpp"

#include <fcntl.h>

#include <thread>

#include "runtime/transport.hpp"

namespace process::net {
namespace {

constexpr size_t kReadBufferBytes = size_t{64} * 1024;

}  // namespace

void keepFromChildren(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) {
    ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

bool shouldLog(std::atomic<uint64_t>& counter, uint64_t burst) {
  const uint64_t count = counter.fetch_add(1, std::memory_order_relaxed) + 1;
  return count <= burst || count % 1000 == 0;
}

EventLoop::EventLoop(const Context::Limits& limits)
    : limits_(limits),
      work_(asio::make_work_guard(io_)),
      gate_(std::make_shared<LoopGate>(io_)),
      readBuffer_(kReadBufferBytes) {}

EventLoop::~EventLoop() {
  gate_->close();
}

Try<std::shared_ptr<TlsContext>> EventLoop::clientTls() {
  if (tls_ != nullptr) {
    return tls_;
  }
  std::lock_guard<std::mutex> guard(clientTlsMutex_);
  if (clientTls_ == nullptr) {
    Try<std::shared_ptr<TlsContext>> made =
        TlsContext::make(tlsSettings_, false);
    if (made.isError()) {
      return made;
    }
    clientTls_ = made.get();
  }
  return clientTls_;
}

void EventLoop::poll() {
  if (detail::exiting.load(std::memory_order_acquire) ||
      polling_.exchange(true, std::memory_order_acquire)) {
    return;
  }
  io_.poll();
  polling_.store(false, std::memory_order_release);
}

detail::Poller::WaitResult EventLoop::wait(std::chrono::microseconds timeout,
                                           uint64_t seen) {
  if (detail::exiting.load(std::memory_order_acquire)) {
    return WaitResult::kClosed;
  }
  if (polling_.exchange(true, std::memory_order_acquire)) {
    return blocked_.load(std::memory_order_acquire) ? WaitResult::kWatched
                                                    : WaitResult::kHeld;
  }
  // An interrupt whose wake-up handler another thread ran is still seen.
  // One after this check posts its handler while this thread holds the
  // loop, so this thread runs it.
  if (interruptions() == seen) {
    blocked_.store(true, std::memory_order_release);
    if (timeout.count() > 0) {
      io_.run_one_for(timeout);
    } else {
      io_.run_one();
    }
    blocked_.store(false, std::memory_order_release);
  }
  polling_.store(false, std::memory_order_release);
  return WaitResult::kWaited;
}

void EventLoop::interrupt() {
  interruptions_.fetch_add(1, std::memory_order_acq_rel);
  asio::post(io_, [] {});
}

void EventLoop::beginStop() {
  stopping_.store(true, std::memory_order_release);
  while (polling_.exchange(true, std::memory_order_acquire)) {
    std::this_thread::yield();
  }
  gate_->close();
}

void EventLoop::finish() {
  work_.reset();
  io_.restart();
  io_.poll();
}

}  // namespace process::net
