#include "transport/faults.hpp"

#include <utility>

#include "transport/network.hpp"

namespace process::transport {

namespace faults = detail::faults;

bool injectOnSend(Network& network, const UPID& from, const UPID& to,
                  const std::string& name, const std::string& body) {
  const faults::Match match =
      faults::match(network.host(), faults::Side::kSending, to.address);
  if (!match) {
    return false;
  }
  // Later deliveries run while the node is alive (the injector sees to it),
  // so the network outlives them.
  faults::admitMessage(
      match,
      [&network, from, to, name, body] {
        network.enqueue(from, to, name, body);
      },
      name.size() + body.size());
  return true;
}

bool injectOnArrival(Network& network, MessageHeader& message,
                     std::string& body) {
  const faults::Match match = faults::match(
      network.host(), faults::Side::kReceiving, message.from.address);
  if (!match) {
    return false;
  }
  const size_t bytes = message.name.size() + body.size();
  detail::Host* host = &network.host();
  faults::admitMessage(
      match,
      [host, to = std::move(message.to), from = std::move(message.from),
       name = std::move(message.name),
       body = std::move(body)] { host->deliverMessage(to, from, name, body); },
      bytes);
  return true;
}

}  // namespace process::transport
