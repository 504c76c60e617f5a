#include "network/network.hpp"

#include <fcntl.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include <glog/logging.h>

#include "network/inbound.hpp"
#include "network/outbound.hpp"
#include "runtime/runtime.hpp"

namespace process {
namespace network {
namespace {

constexpr size_t kReadBufferBytes = size_t{64} * 1024;

std::atomic<uint64_t> acceptLogs{0};

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

Network::Network(detail::ContextImpl& context, const Context::Options& options)
    : context_(context),
      limits_(options.limits),
      httpLimits_{.maxHeaderBytes = options.limits.maxHeaderBytes,
                  .maxBodyBytes = options.limits.maxBodyBytes},
      work_(asio::make_work_guard(io_)),
      acceptor_(io_),
      acceptRetry_(io_),
      gate_(std::make_shared<LoopGate>(io_)),
      readBuffer_(kReadBufferBytes) {
  Try<net::IP> ip = net::IP::parse(options.ip);
  if (ip.isError()) {
    throw std::invalid_argument("Context: cannot listen on '" + options.ip +
                                "': " + ip.error());
  }
  const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4(ip->value()),
                                         options.port);
  asio::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    keepFromChildren(acceptor_.native_handle());
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    // A caller's problem (a port in use, an address not ours), not ours:
    // Context::create() turns it into an Error.
    throw std::system_error(ec, "Context: cannot listen on " + options.ip +
                                    ":" + std::to_string(options.port));
  }
  bound_ = Address(ip.get(), acceptor_.local_endpoint().port());
  accept();
}

Network::~Network() {
  stop();
}

void Network::poll() {
  if (detail::exiting.load(std::memory_order_acquire) ||
      polling_.exchange(true, std::memory_order_acquire)) {
    return;
  }
  io_.poll();
  polling_.store(false, std::memory_order_release);
}

detail::Poller::WaitResult Network::wait(std::chrono::microseconds timeout) {
  if (detail::exiting.load(std::memory_order_acquire)) {
    return WaitResult::kClosed;
  }
  if (polling_.exchange(true, std::memory_order_acquire)) {
    return blocked_.load(std::memory_order_acquire) ? WaitResult::kWatched
                                                    : WaitResult::kHeld;
  }
  // An interrupt whose wake-up handler another poll() ran is still seen.
  if (!interrupted_.exchange(false, std::memory_order_acq_rel)) {
    blocked_.store(true, std::memory_order_release);
    if (timeout.count() > 0) {
      io_.run_one_for(timeout);
    } else {
      io_.run_one();
    }
    blocked_.store(false, std::memory_order_release);
    interrupted_.store(false, std::memory_order_relaxed);
  }
  polling_.store(false, std::memory_order_release);
  return WaitResult::kWaited;
}

void Network::interrupt() {
  interrupted_.store(true, std::memory_order_release);
  asio::post(io_, [] {});
}

void Network::accept() {
  acceptor_.async_accept(
      [this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
        if (stopping()) {
          return;
        }
        if (ec) {
          if (ec == asio::error::operation_aborted) {
            return;
          }
          // Out of descriptors, most likely: try again shortly rather than
          // spin on an error that will not go away at once.
          if (shouldLog(acceptLogs)) {
            LOG(WARNING) << "Accepting on " << bound_
                         << " failed: " << ec.message();
          }
          acceptRetry_.expires_after(std::chrono::milliseconds(50));
          acceptRetry_.async_wait([this](const asio::error_code& error) {
            if (!error && !stopping()) {
              accept();
            }
          });
          return;
        }
        if (inbound_.size() >= limits_.maxConnections) {
          if (shouldLog(acceptLogs)) {
            LOG(WARNING) << "Refusing a connection on " << bound_ << ": "
                         << inbound_.size() << " are open, the limit";
          }
          asio::error_code ignored;
          socket.close(ignored);
        } else {
          auto connection =
              std::make_shared<InboundConnection>(*this, std::move(socket));
          inbound_.insert(connection);
          connection->start();
        }
        accept();
      });
}

void Network::closed(const std::shared_ptr<InboundConnection>& connection) {
  inbound_.erase(connection);
}

void Network::broken(Peer* peer) {
  std::lock_guard<std::mutex> guard(peersMutex_);
  auto found = peers_.find(peer->address());
  if (found != peers_.end() && found->second.get() == peer) {
    peers_.erase(found);
  }
}

std::shared_ptr<Peer> Network::peer(const Address& address) {
  std::shared_ptr<Peer> peer;
  {
    std::lock_guard<std::mutex> guard(peersMutex_);
    auto& slot = peers_[address];
    if (slot != nullptr) {
      return slot;
    }
    slot = std::make_shared<Peer>(*this, address);
    peer = slot;
  }
  if (stopping()) {
    // No loop will run it: the connection fails at once.
    asio::post(io_, [peer] { peer->fail("the node is stopping"); });
  } else {
    asio::post(io_, [peer] { peer->connect(); });
  }
  return peer;
}

void Network::send(const UPID& from, const UPID& to, const std::string& name,
                   std::string&& body) {
  peer(to.address)->enqueue(from, to, name, body);
}

void Network::link(const UPID& linker, const UPID& linkee) {
  std::shared_ptr<Peer> target = peer(linkee.address);
  asio::post(io_,
             [target, linker, linkee] { target->addLink(linker, linkee); });
}

void Network::stop() {
  if (stopping_.exchange(true)) {
    return;
  }
  // The workers are gone: the loop is ours.
  while (polling_.exchange(true, std::memory_order_acquire)) {
    std::this_thread::yield();
  }
  gate_->close();
  asio::error_code ignored;
  acceptor_.close(ignored);
  acceptRetry_.cancel();
  auto connections = inbound_;
  for (const auto& connection : connections) {
    connection->close("the node is stopping");
  }
  std::vector<std::shared_ptr<Peer>> peers;
  {
    std::lock_guard<std::mutex> guard(peersMutex_);
    for (const auto& [address, peer] : peers_) {
      peers.push_back(peer);
    }
  }
  for (const auto& peer : peers) {
    peer->fail("the node is stopping");
  }
  // Run what the closes cancelled, so that their handlers let go of the
  // connections while the loop still exists.
  work_.reset();
  io_.restart();
  io_.poll();
  std::lock_guard<std::mutex> guard(peersMutex_);
  peers_.clear();
}

}  // namespace network

namespace detail {

std::unique_ptr<Transport> makeTransport(ContextImpl& context,
                                         const Context::Options& options) {
  return std::make_unique<network::Network>(context, options);
}

}  // namespace detail
}  // namespace process
