// Which connections a node keeps: at most maxConnections accepted at once
// and maxConnectionsPerAddress from one IP, so that one client cannot lock
// every other peer out; at the global limit the connection idle longest
// that never carried a request (a socket opened and left silent) is closed
// to make room. A connection that has carried requests (a peer's link, an
// HTTP client's keep-alive) is never cut for room. Also the connections
// that stopped reading for a full process queue, and their resumption.
#include <glog/logging.h>

#include "transport/inbound.hpp"
#include "transport/network.hpp"

namespace process::transport {

void Network::admit(asio::ip::tcp::socket socket) {
  asio::error_code ec;
  const asio::ip::tcp::endpoint remote = socket.remote_endpoint(ec);
  const uint32_t ip =
      !ec && remote.address().is_v4() ? remote.address().to_v4().to_uint() : 0;
  const char* refusal = nullptr;
  if (perAddress_[ip] >= limits().maxConnectionsPerAddress) {
    refusal = "from that address, its limit";
  } else if (inbound_.size() >= limits().maxConnections && !makeRoom()) {
    refusal = "in all, the limit, and each has carried requests";
  }
  if (refusal != nullptr) {
    if (net::shouldLog(acceptLogs)) {
      LOG(WARNING) << "Refusing a connection on " << bound_ << " from "
                   << (ec ? std::string("?") : remote.address().to_string())
                   << ": " << (ip != 0 ? perAddress_[ip] : inbound_.size())
                   << " are open " << refusal;
    }
    if (perAddress_[ip] == 0) {
      perAddress_.erase(ip);
    }
    asio::error_code ignored;
    socket.close(ignored);
    return;
  }
  auto connection =
      std::make_shared<InboundConnection>(*this, std::move(socket), ip);
  ++perAddress_[ip];
  inbound_.insert(connection);
  inboundOpen_.fetch_add(1, std::memory_order_relaxed);
  connection->start();
}

bool Network::makeRoom() {
  std::shared_ptr<InboundConnection> idlest;
  for (const auto& connection : inbound_) {
    if (!connection->carriedRequest() &&
        (idlest == nullptr || connection->idleSince() < idlest->idleSince())) {
      idlest = connection;
    }
  }
  if (idlest == nullptr) {
    return false;
  }
  if (net::shouldLog(acceptLogs)) {
    LOG(WARNING) << "Closing an idle connection on " << bound_
                 << " that never sent a request, to make room for a new one ("
                 << inbound_.size() << " are open, the limit)";
  }
  idlest->close("closed to make room: idle, and it never sent a request");
  return true;
}

void Network::forget(const InboundConnection& connection) {
  auto count = perAddress_.find(connection.clientIp());
  if (count != perAddress_.end() && --count->second == 0) {
    perAddress_.erase(count);
  }
}

void Network::paused(const std::shared_ptr<InboundConnection>& connection) {
  paused_.insert(connection);
}

void Network::resumeReading() {
  if (resumePosted_.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  loop_.post([this] {
    resumePosted_.store(false, std::memory_order_release);
    auto connections = std::move(paused_);
    paused_.clear();
    for (const auto& connection : connections) {
      connection->resumeReading();
    }
  });
}

}  // namespace process::transport
