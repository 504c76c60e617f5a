// The figures /__network__ shows (figures.hpp), read on the loop thread,
// where the peers' answer counts and the inbound connections live.
#include "transport/figures.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

#include "transport/inbound.hpp"
#include "transport/network.hpp"
#include "transport/peer.hpp"

namespace process::transport {

PeerFigures Peer::figures() const {
  PeerFigures figures;
  figures.address = address_;
  figures.state = connected_.load(std::memory_order_relaxed) ? "connected"
                  : retryLater_                              ? "backing off"
                                                             : "connecting";
  figures.messagesSent = handed_.load(std::memory_order_relaxed);
  figures.messagesAcknowledged = answered_;
  figures.messagesDropped = dropped_.load(std::memory_order_relaxed);
  figures.bytesOut = stream_->bytesWritten();
  figures.bytesIn = stream_->bytesRead();
  figures.bytesQueued = stream_->unwrittenBytes();
  for (const auto& [linkee, linkers] : links_) {
    figures.links += linkers.size();
  }
  return figures;
}

InboundFigures InboundConnection::figures() const {
  return InboundFigures{.remote = peer_,
                        .requests = session_.requestsDecoded(),
                        .messages = messages_,
                        .bytesIn = stream_->bytesRead(),
                        .bytesOut = stream_->bytesWritten(),
                        .paused = queueFull_};
}

Future<NetworkFigures> Network::figures() {
  auto promise = std::make_shared<Promise<NetworkFigures>>();
  Future<NetworkFigures> future = promise->future();
  // A handler the stopping loop never runs abandons the future.
  gate()->post([this, promise] {
    NetworkFigures figures;
    figures.bound = bound_;
    std::vector<std::shared_ptr<Peer>> peers;
    {
      std::lock_guard<std::mutex> guard(peersMutex_);
      for (const auto& [address, peer] : peers_) {
        peers.push_back(peer);
      }
    }
    for (const auto& peer : peers) {
      figures.peers.push_back(peer->figures());
    }
    for (const auto& connection : inbound_) {
      figures.inbound.push_back(connection->figures());
    }
    std::sort(figures.peers.begin(), figures.peers.end(),
              [](const PeerFigures& a, const PeerFigures& b) {
                return a.address < b.address;
              });
    std::sort(figures.inbound.begin(), figures.inbound.end(),
              [](const InboundFigures& a, const InboundFigures& b) {
                return a.remote < b.remote;
              });
    promise->set(std::move(figures));
  });
  return future;
}

}  // namespace process::transport
