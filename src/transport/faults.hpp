// The transport's hooks into the fault injector (runtime/faults.hpp): a
// message to another node as Network::send takes it, and one from another
// node as an inbound connection has read it. Each is called only when
// detail::faults::active(), the hooks' one load.
#pragma once

#include <string>

#include <process/pid.hpp>

#include "runtime/faults.hpp"
#include "transport/message_codec.hpp"

namespace process::transport {

class Network;

// True if a rule took the message (to be delivered later, twice, held or
// dropped); false if none applies and the caller sends it.
bool injectOnSend(Network& network, const UPID& from, const UPID& to,
                  const std::string& name, const std::string& body);

// True if a rule took the arrived message; false if the caller delivers it.
bool injectOnArrival(Network& network, MessageHeader& message,
                     std::string& body);

}  // namespace process::transport
