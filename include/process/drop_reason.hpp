// DropReason: why a node gave up on a message. Each context counts what it
// dropped by reason (Context::droppedMessages(reason)); the total is
// Context::droppedMessages(). Between Procession nodes every message a
// process sends is, in the end, either acknowledged by the receiving node
// or counted by one of these on the sending node (docs/guide.md,
// "Accounting for messages").
//
//   if (context.droppedMessages(DropReason::kPeerLost) > 0) {
//     LOG(WARNING) << "a peer went away with messages unacknowledged";
//   }
#pragma once

#include <cstddef>
#include <ostream>

namespace process {

enum class DropReason {
  // Sent to an empty or malformed UPID.
  kInvalidUpid,
  // No process of that id on its node (counted where the node found out:
  // the sending context for a local process, the receiving one for a
  // remote one).
  kNoSuchProcess,
  // Queued for a process that terminated before running it.
  kProcessTerminated,
  // A typed message whose body does not parse as its type, or one sent
  // without its required fields (process/protobuf.hpp).
  kUnparseable,
  // The connection to the receiving node never came up (refused, timed
  // out): counted for every message sent on it.
  kPeerUnreachable,
  // The connection broke (closed, reset, timed out) before the receiving
  // node acknowledged the message; it may or may not have arrived.
  kPeerLost,
  // More than Context::Limits::maxOutboundBytes waited for that node.
  kOutboundFull,
  // Our own node stopped with the message still queued or unacknowledged.
  kStopping,
  // Dropped on purpose by a fault injector (tests).
  kInjected,
};

inline constexpr size_t kDropReasons =
    static_cast<size_t>(DropReason::kInjected) + 1;

// "peer lost", for log lines and test failures.
const char* toString(DropReason reason);

inline std::ostream& operator<<(std::ostream& stream, DropReason reason) {
  return stream << toString(reason);
}

}  // namespace process
