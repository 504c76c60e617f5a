// Delivery that is not the hot path: messages and requests the network
// hands over (the Host side of ContextImpl), exit notices, post() from
// outside any process, and counting and logging what is dropped.
#include <atomic>
#include <string>

#include <glog/logging.h>

#include <process/process.hpp>

#include "runtime/events.hpp"
#include "runtime/runtime.hpp"

namespace process {
namespace detail {

void logDroppedMessage(const std::string& name, const UPID& to,
                       const char* why) {
  static std::atomic<uint64_t> drops{0};
  const uint64_t count = drops.fetch_add(1, std::memory_order_relaxed) + 1;
  if (count <= 100 || count % 10000 == 0) {
    LOG(WARNING) << "Dropped message '" << name << "' to " << to << ": " << why
                 << " (" << count << " dropped so far)";
  }
}

bool ContextImpl::deliverMessage(const std::string& toId, UPID from,
                                 std::string name, std::string body,
                                 bool* queueFull, Receipt receipt) {
  CellRef cell = registry.lookup(toId);
  if (cell) {
    // What the message costs queued: its text and its event.
    const size_t bytes =
        name.size() + body.size() + from.id.size() + sizeof(QueuedMessage);
    // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
    auto* event =
        new QueuedMessage(std::move(from), std::move(name), std::move(body));
    event->arrivedBytes = bytes;
    event->receipt = std::move(receipt);
    // Counted before it is queued: a worker may take it at once.
    const size_t queued =
        cell->arrivedBytes.fetch_add(bytes, std::memory_order_seq_cst) + bytes;
    if (withProcess(cell.get(), [event](ProcessBase* process) {
          Runtime::enqueue(process, event);
        })) {
      if (queueFull != nullptr && queued > maxQueuedBytesPerProcess) {
        // Paired with tookArrived(): either it sees the flag, or this sees
        // the queue already half drained.
        cell->readersPaused.store(true, std::memory_order_seq_cst);
        *queueFull = cell->arrivedBytes.load(std::memory_order_seq_cst) >
                     maxQueuedBytesPerProcess / 2;
      }
      return true;
    }
    cell->arrivedBytes.fetch_sub(bytes, std::memory_order_seq_cst);
    name = std::move(event->event.message.name);
    event->receipt = {};  // the caller answers a message never queued
    delete event;
  }
  drops.count(DropReason::kNoSuchProcess);
  logDroppedMessage(name, UPID(toId, address), "no such process");
  return false;
}

Future<http::Response> ContextImpl::deliverRequest(const std::string& toId,
                                                   std::string routePath,
                                                   http::Request request) {
  // As libprocess: before the process is looked for.
  Option<http::Response> refused = guards->applyFirewall(bound, request);
  if (refused.isSome()) {
    return refused.get();
  }
  CellRef cell = registry.lookup(toId);
  if (!cell) {
    return http::NotFound();
  }
  // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
  auto* event = new QueuedRequest(std::move(routePath), std::move(request));
  Future<http::Response> response = event->future();
  if (!withProcess(cell.get(), [event](ProcessBase* process) {
        Runtime::enqueue(process, event);
      })) {
    delete event;
    return http::NotFound();
  }
  return response;
}

void Runtime::tookArrived(ProcessBase& process, size_t bytes) {
  ProcessCell* cell = process.pid_.reference.get();
  ContextImpl* context = process.context_;
  if (cell == nullptr || context == nullptr) {
    return;
  }
  const size_t left =
      cell->arrivedBytes.fetch_sub(bytes, std::memory_order_seq_cst) - bytes;
  if (left <= context->maxQueuedBytesPerProcess / 2 &&
      cell->readersPaused.load(std::memory_order_seq_cst) &&
      cell->readersPaused.exchange(false, std::memory_order_seq_cst)) {
    context->transport->resumeReading();
  }
}

void ContextImpl::deliverExited(const UPID& linker, const UPID& linkee) {
  detail::deliverExited(linker, linkee);
}

void deliverExited(const UPID& linker, const UPID& linkee) {
  // Only to the very process that linked: one that took its name since
  // made no link (libprocess forgets a linker's links when it goes).
  if (ProcessCell* cell = linker.reference.get()) {
    // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
    auto* event = new QueuedExit(linkee);
    if (!withProcess(cell, [event](ProcessBase* process) {
          Runtime::enqueue(process, event);
        })) {
      delete event;
    }
    return;
  }
  deliver(linker, new QueuedExit(linkee));
}

void dropMessage(const ProcessBase* counter, DropReason reason,
                 const UPID& from, const UPID& to, const std::string& name,
                 const std::string& why) {
  ContextImpl* context = counter != nullptr ? counter->context_ : nullptr;
  if (context == nullptr) {
    context = contextAt(from.address);
  }
  if (context == nullptr) {
    context = &implOf(Context::instance());
  }
  context->drops.count(reason);
  static std::atomic<uint64_t> drops{0};
  const uint64_t count = drops.fetch_add(1, std::memory_order_relaxed) + 1;
  if (count <= 100 || count % 10000 == 0) {
    LOG(WARNING) << "Dropped message '" << name << "' from " << from << " to "
                 << to << ": " << why << " (" << count
                 << " such dropped so far)";
  }
}

}  // namespace detail

void post(const UPID& to, const std::string& name, std::string body) {
  post(UPID(), to, name, std::move(body));
}

void post(const UPID& to, const std::string& name, const char* data,
          size_t length) {
  post(UPID(), to, name, std::string(data, length));
}

void post(const UPID& from, const UPID& to, const std::string& name,
          std::string body) {
  if (!to) {
    // Counted by the sender's context, else the default one's.
    detail::ContextImpl* context = detail::contextAt(from.address);
    if (context == nullptr) {
      context = &detail::implOf(Context::instance());
    }
    context->drops.count(DropReason::kInvalidUpid);
    detail::logDroppedMessage(name, to, "an invalid or empty UPID");
    return;
  }
  // From outside any process: a process of this OS process is reached in
  // memory; another node through the context `from` belongs to, if it is
  // ours, else the default context.
  if (detail::contextAt(to.address) == nullptr) {
    detail::ContextImpl* context = detail::contextAt(from.address);
    if (context == nullptr) {
      context = &detail::implOf(Context::instance());
    }
    context->transport->send(from, to, name, std::move(body));
    return;
  }
  detail::deliver(to, new detail::QueuedMessage(from, name, std::move(body)));
}

}  // namespace process

namespace process {

const char* toString(DropReason reason) {
  switch (reason) {
    case DropReason::kInvalidUpid:
      return "invalid UPID";
    case DropReason::kNoSuchProcess:
      return "no such process";
    case DropReason::kProcessTerminated:
      return "process terminated";
    case DropReason::kUnparseable:
      return "unparseable";
    case DropReason::kPeerUnreachable:
      return "peer unreachable";
    case DropReason::kPeerLost:
      return "peer lost";
    case DropReason::kOutboundFull:
      return "outbound queue full";
    case DropReason::kStopping:
      return "node stopping";
    case DropReason::kInjected:
      return "injected";
  }
  return "unknown";
}

}  // namespace process
