// The acknowledgements of the messages one inbound connection handed to
// processes. A message is answered 202 once its process has taken it (the
// runtime settles its Receipt), 410 if it was dropped unrun, so a sender's
// "acknowledged" means "ran there" (docs/wire.md). Settled on workers, the
// answers go to the connection's loop in one post per process turn.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "net/event_loop.hpp"
#include "runtime/transport.hpp"

namespace process::transport {

class InboundConnection;

class MessageReceipts final
    : public detail::Receipts,
      public std::enable_shared_from_this<MessageReceipts> {
 public:
  MessageReceipts(std::shared_ptr<net::LoopGate> gate,
                  std::weak_ptr<InboundConnection> connection)
      : gate_(std::move(gate)), connection_(std::move(connection)) {}

  // Any thread.
  void settle(uint64_t ticket, bool ran) noexcept override;

  // The end of a process's turn on this thread: what its turn settled goes
  // to the loops (from Network::endTurn, with the routes' answers).
  static void flushTurn();

 private:
  void post();
  // On the loop: answers everything settled so far.
  void drain();

  const std::shared_ptr<net::LoopGate> gate_;
  const std::weak_ptr<InboundConnection> connection_;
  std::mutex mutex_;
  std::vector<std::pair<uint64_t, bool>> settled_;  // ticket, ran
  // A drain is on its way (posted, or due at the end of a turn): settling
  // more only appends.
  bool drainDue_ = false;
};

}  // namespace process::transport
