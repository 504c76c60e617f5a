#include "transport/receipts.hpp"

#include <process/process.hpp>

#include "transport/inbound.hpp"
#include "transport/network.hpp"

namespace process::transport {
namespace {

// The receipts a worker's current turn settled first, posted together when
// the turn ends: a turn of many messages from one connection costs one post.
thread_local std::vector<std::shared_ptr<MessageReceipts>> dueThisTurn;

}  // namespace

void MessageReceipts::settle(uint64_t ticket, bool ran) noexcept {
  bool first = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    settled_.emplace_back(ticket, ran);
    first = !drainDue_;
    drainDue_ = true;
  }
  if (!first) {
    return;
  }
  if (currentProcess() != nullptr) {
    turnPending = true;
    dueThisTurn.push_back(shared_from_this());
    return;
  }
  post();  // dropped outside any turn: a context terminating its processes
}

void MessageReceipts::flushTurn() {
  std::vector<std::shared_ptr<MessageReceipts>> due;
  due.swap(dueThisTurn);
  for (const std::shared_ptr<MessageReceipts>& receipts : due) {
    receipts->post();
  }
}

void MessageReceipts::post() {
  gate_->post([self = shared_from_this()] { self->drain(); });
}

void MessageReceipts::drain() {
  std::vector<std::pair<uint64_t, bool>> settled;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    settled.swap(settled_);
    drainDue_ = false;
  }
  std::shared_ptr<InboundConnection> connection = connection_.lock();
  if (connection == nullptr) {
    return;  // closed: its sender counts these as lost
  }
  for (const auto& [ticket, ran] : settled) {
    connection->acknowledge(ticket, ran);
  }
  connection->write();
}

}  // namespace process::transport
