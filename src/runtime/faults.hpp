// The fault injector behind <process/testing/faults.hpp>: the rules by
// (from, to) node address, the nodes of this OS process, and what the hooks
// call. The hooks sit on the outbound send (transport/network.cpp), the
// inbound delivery (transport/inbound.cpp) and the in-memory path between
// contexts (process_base.cpp, process.cpp); each costs one load of
// rulesInForce while no rule exists. Shared by src/runtime and
// src/transport.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <process/address.hpp>
#include <process/duration.hpp>
#include <process/pid.hpp>

#include "runtime/transport.hpp"

namespace process::detail {
class ContextImpl;
}

namespace process::detail::faults {

class Rule;  // fault_rule.hpp
struct Node;

// Rules in the table, in every context: what the hooks load.
extern std::atomic<uint32_t> rulesInForce;

inline bool active() {
  return rulesInForce.load(std::memory_order_acquire) != 0;
}

// A context joins the injector as it starts and leaves before its workers
// and transport stop; what is pending for it then is forgotten.
void attach(ContextImpl& context, const Duration& peerTimeout);
void detach(ContextImpl& context);

// Which end of a message the hook is at.
enum class Side { kSending, kReceiving };

// The rule a message between the hook's node (`host`) and the node at
// `peer` meets there, if any. A receiving node applies none to a message
// from a node of this OS process: its sender did.
struct Match {
  std::shared_ptr<Rule> rule;
  std::shared_ptr<Node> node;  // the node applying it
  explicit operator bool() const { return rule != nullptr; }
};
Match match(const Host& host, Side side, const Address& peer);

// Hands one message to its rule. `deliver` may be called any number of
// times (none if dropped, twice if duplicated), now or later on the Clock,
// on any thread; `bytes` is what throttle() counts.
void admitMessage(const Match& match, std::function<void()> deliver,
                  size_t bytes);

// The in-memory hooks: true if the injector took the message, link or exit
// notice (from a process of `context` to `to`, on another context of this
// OS process); false if no rule holds it and the caller goes on.
bool sendInMemory(ContextImpl& context, const UPID& from, const UPID& to,
                  const std::string& name, std::string& body);
bool linkInMemory(ContextImpl& context, const UPID& linker, const UPID& linkee);
bool exitInMemory(ContextImpl& context, const UPID& linker, const UPID& linkee);

// What the public API does to the rule from `from` to `to`
// (src/runtime/testing_faults.cpp).
void cut(const Address& from, const Address& to);
void heal(const Address& from, const Address& to);
// Sets a fault that needs no more than setting (delay, drop, …).
void configure(const Address& from, const Address& to,
               const std::function<void(Rule&)>& edit);
void clear(const Address& from, const Address& to);

}  // namespace process::detail::faults
