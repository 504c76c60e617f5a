#include "transport/network.hpp"

#include "transport/receipts.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <glog/logging.h>

#include <process/clock.hpp>

#include "transport/faults.hpp"
#include "transport/inbound.hpp"
#include "transport/peer.hpp"
#include "transport/receipts.hpp"

namespace process {
namespace transport {

std::atomic<uint64_t> acceptLogs{0};

namespace {

constexpr Duration kFirstBackoff = Milliseconds(10);
constexpr Duration kLongestBackoff = Seconds(2);

}  // namespace

Network::Network(detail::Host& host, const Context::Options& options)
    : host_(host),
      loop_(options.limits),
      httpLimits_(http::internal::httpLimitsOf(options.limits)),
      acceptor_(loop_.io()),
      acceptRetry_(loop_.io()),
      peerTimeout_(options.peerTimeout) {
  if (options.tls.enabled) {
    Try<std::shared_ptr<net::TlsContext>> tls =
        net::TlsContext::make(options.tls, true);
    if (tls.isError()) {
      throw std::invalid_argument("Context: " + tls.error());
    }
    loop_.setTls(options.tls, tls.get());
  } else {
    loop_.setTls(options.tls, nullptr);
  }
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
    net::keepFromChildren(acceptor_.native_handle());
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
          if (net::shouldLog(acceptLogs)) {
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
        admit(std::move(socket));
        accept();
      });
}

void Network::closed(const std::shared_ptr<InboundConnection>& connection) {
  if (inbound_.erase(connection) > 0) {
    inboundOpen_.fetch_sub(1, std::memory_order_relaxed);
    forget(*connection);
  }
  paused_.erase(connection);
}

void Network::broken(Peer* peer) {
  std::lock_guard<std::mutex> guard(peersMutex_);
  auto found = peers_.find(peer->address());
  if (found != peers_.end() && found->second.get() == peer) {
    peers_.erase(found);
  }
}

void Network::connectFailed(const Address& address) {
  std::lock_guard<std::mutex> guard(peersMutex_);
  auto [found, fresh] = backoff_.try_emplace(address);
  Backoff& backoff = found->second;
  backoff.delay =
      fresh ? kFirstBackoff : std::min(backoff.delay * 2, kLongestBackoff);
  backoff.retryAt = Clock::now() + backoff.delay;
}

void Network::connectSucceeded(const Address& address) {
  std::lock_guard<std::mutex> guard(peersMutex_);
  backoff_.erase(address);
}

std::shared_ptr<Peer> Network::peer(const Address& address) {
  std::shared_ptr<Peer> peer;
  std::optional<Time> retryAt;
  {
    std::lock_guard<std::mutex> guard(peersMutex_);
    auto& slot = peers_[address];
    if (slot != nullptr) {
      return slot;
    }
    slot = std::make_shared<Peer>(*this, address);
    peer = slot;
    auto backoff = backoff_.find(address);
    if (backoff != backoff_.end() && backoff->second.retryAt > Clock::now()) {
      retryAt = backoff->second.retryAt;
      peer->retryLater();
    }
  }
  if (stopping()) {
    // No loop will run it: the connection fails at once.
    loop_.post([peer] { peer->fail("the node is stopping"); });
  } else if (retryAt) {
    // Within the backoff after a failed connect: the next attempt waits for
    // its end, on process::Clock (a test with a paused clock advances past
    // it); messages queue on the peer meanwhile.
    Clock::timer(*retryAt,
                 [gate = loop_.gate(), weak = std::weak_ptr<Peer>(peer)] {
                   gate->post([weak] {
                     if (auto peer = weak.lock()) {
                       peer->connect();
                     }
                   });
                 });
  } else {
    loop_.post([peer] { peer->connect(); });
  }
  return peer;
}

void Network::send(const UPID& from, const UPID& to, const std::string& name,
                   std::string&& body) {
  if (detail::faults::active() && injectOnSend(*this, from, to, name, body))
      [[unlikely]] {
    return;
  }
  peer(to.address)->enqueue(from, to, name, body);
}

void Network::enqueue(const UPID& from, const UPID& to, const std::string& name,
                      const std::string& body) {
  peer(to.address)->enqueue(from, to, name, body);
}

void Network::failPeer(const Address& address, const std::string& reason) {
  std::shared_ptr<Peer> silent;
  {
    std::lock_guard<std::mutex> guard(peersMutex_);
    auto found = peers_.find(address);
    if (found == peers_.end()) {
      return;
    }
    silent = found->second;
  }
  loop_.post([silent, reason] { silent->fail(reason); });
}

void Network::link(const UPID& linker, const UPID& linkee) {
  std::shared_ptr<Peer> target = peer(linkee.address);
  loop_.post([target, linker, linkee] { target->addLink(linker, linkee); });
}

thread_local bool turnPending = false;

void Network::endTurn() {
  if (!turnPending) {
    return;
  }
  turnPending = false;
  flushAnswers();
  MessageReceipts::flushTurn();
  flushBufferedSends();
}

void Network::stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  // The workers are gone: the loop is ours.
  loop_.beginStop();
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
  loop_.finish();
  std::lock_guard<std::mutex> guard(peersMutex_);
  peers_.clear();
}

detail::TransportFigures Network::figures() const {
  detail::TransportFigures figures;
  {
    std::lock_guard<std::mutex> guard(peersMutex_);
    figures.outboundConnections = peers_.size();
  }
  figures.inboundConnections = inboundOpen_.load(std::memory_order_relaxed);
  auto& loop = const_cast<net::EventLoop&>(loop_);
  figures.bytesIn = loop.bytesRead().load(std::memory_order_relaxed);
  figures.bytesOut = loop.bytesWritten().load(std::memory_order_relaxed);
  for (size_t i = 0; i < figures.httpResponses.size(); ++i) {
    figures.httpResponses[i] = httpAnswers_[i].load(std::memory_order_relaxed);
  }
  return figures;
}

}  // namespace transport

namespace detail {

std::unique_ptr<Transport> makeTransport(Host& host,
                                         const Context::Options& options) {
  return std::make_unique<transport::Network>(host, options);
}

}  // namespace detail
}  // namespace process
