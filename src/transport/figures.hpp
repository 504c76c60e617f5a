// What /__network__ shows of a node's connections: figures kept by the
// outbound peers and the inbound connections as they go (relaxed counters,
// counted once per system call or per message), gathered on the loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <process/address.hpp>

namespace process::transport {

// One outbound connection (a node our processes send to).
struct PeerFigures {
  Address address;
  std::string state;          // "connecting", "connected" or "backing off"
  uint64_t messagesSent = 0;  // taken by the connection
  uint64_t messagesAcknowledged = 0;  // answered by the peer (202 or not)
  uint64_t messagesDropped = 0;       // refused: too much queued for it
  uint64_t bytesOut = 0;
  uint64_t bytesIn = 0;
  uint64_t bytesQueued = 0;  // encoded, not yet taken by the socket
  uint64_t links = 0;        // its processes ours are linked to
};

// One connection a peer or client opened to us.
struct InboundFigures {
  std::string remote;     // "ip:port"
  uint64_t requests = 0;  // decoded: messages and route requests
  uint64_t messages = 0;  // of which libprocess messages
  uint64_t bytesIn = 0;
  uint64_t bytesOut = 0;
  bool paused = false;  // not reading: a process's queue is full
};

struct NetworkFigures {
  Address bound;
  std::vector<PeerFigures> peers;
  std::vector<InboundFigures> inbound;
};

}  // namespace process::transport
