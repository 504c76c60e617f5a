// /__network__: the node's connections (ours; libprocess has no such
// endpoint): the outbound peers and the inbound connections with their
// messages and bytes, as transport/figures.hpp gathers them.
#include <nlohmann/json.hpp>

#include <process/help.hpp>
#include <process/http.hpp>
#include <process/process.hpp>
#include <process/stringify.hpp>

#include "runtime/runtime.hpp"
#include "runtime/system_processes.hpp"
#include "system/makers.hpp"
#include "transport/network.hpp"

namespace process::system {
namespace {

nlohmann::json figuresJson(const transport::NetworkFigures& figures) {
  nlohmann::json peers = nlohmann::json::array();
  for (const transport::PeerFigures& peer : figures.peers) {
    peers.push_back({{"address", stringify(peer.address)},
                     {"state", peer.state},
                     {"messages_sent", peer.messagesSent},
                     {"messages_acknowledged", peer.messagesAcknowledged},
                     {"messages_dropped", peer.messagesDropped},
                     {"bytes_out", peer.bytesOut},
                     {"bytes_in", peer.bytesIn},
                     {"bytes_queued", peer.bytesQueued},
                     {"links", peer.links}});
  }
  nlohmann::json inbound = nlohmann::json::array();
  for (const transport::InboundFigures& connection : figures.inbound) {
    inbound.push_back({{"remote", connection.remote},
                       {"requests", connection.requests},
                       {"messages", connection.messages},
                       {"bytes_in", connection.bytesIn},
                       {"bytes_out", connection.bytesOut},
                       {"paused", connection.paused}});
  }
  return {{"address", stringify(figures.bound)},
          {"peers", std::move(peers)},
          {"inbound", std::move(inbound)}};
}

std::string networkHelp() {
  return HELP(
      TLDR("Shows the node's connections: peers and inbound connections."),
      DESCRIPTION(
          "A JSON object: `address` (where the node listens), `peers` (one",
          "object per node our processes send to: `address`, `state`,",
          "`messages_sent`, `messages_acknowledged`, `messages_dropped`,",
          "`bytes_out`, `bytes_in`, `bytes_queued`, `links`) and `inbound`",
          "(one object per connection opened to us: `remote`, `requests`,",
          "`messages`, `bytes_in`, `bytes_out`, `paused`).", "",
          "Query parameters:", "",
          ">        jsonp=VALUE          A JSONP callback to wrap the answer "
          "in"),
      AUTHENTICATION(false));
}

class NetworkProcess final : public Process<NetworkProcess> {
 public:
  explicit NetworkProcess(transport::Network* network)
      : ProcessBase("__network__"), network_(network) {}

 protected:
  void initialize() override {
    detail::routeSystem(
        *this, "/", detail::SystemAccess::kReadOnly, networkHelp(),
        [this](const http::Request& request) { return connections(request); });
  }

 private:
  Future<http::Response> connections(const http::Request& request) {
    if (network_ == nullptr) {
      return http::ServiceUnavailable("This node has no network.\n");
    }
    const Option<std::string> jsonp = request.url.query.get("jsonp");
    return network_->figures().then(
        [jsonp](const transport::NetworkFigures& figures) {
          return http::Response(http::OK(figuresJson(figures), jsonp));
        });
  }

  transport::Network* const network_;
};

}  // namespace

ProcessBase* makeNetworkProcess(detail::ContextImpl& context) {
  return new NetworkProcess(
      dynamic_cast<transport::Network*>(context.transport.get()));
}

}  // namespace process::system
