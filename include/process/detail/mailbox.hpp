// Mailbox: a process's queue of events. Many threads push, the one worker
// running the process pops. Pushing is one atomic exchange (wait-free);
// popping takes no lock. (The intrusive multi-producer queue described by
// Dmitry Vyukov, written for this project.)
//
// It also counts pushes and pops, so that depth() can be read from any
// thread (the metric procession/event_queue_depth_max). Neither count is a
// read-modify-write: a locked add on the line every sender exchanges on
// cost a third of the fan-in rate (docs/benchmarks.md). The pop count has
// one writer, the consumer. The push count is a load and a store beside
// `head_`, whose line the pusher's exchange has just taken, so two
// senders pushing at the same instant may count one: depth() is then low,
// and the consumer puts it right whenever it finds the mailbox empty.
#pragma once

#include <atomic>
#include <cstdint>

#include <process/detail/event.hpp>

namespace process::detail {

class Mailbox {
 public:
  Mailbox() : head_(&stub_), tail_(&stub_) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Any thread.
  void push(Event* event) {
    pushNode(event);
    pushed_.store(pushed_.load(std::memory_order_relaxed) + 1,
                  std::memory_order_relaxed);
  }

  // Any thread: events pushed and not yet popped, approximately (see
  // above; the two counts are also read one after the other).
  uint64_t depth() const {
    const uint64_t popped = popped_.load(std::memory_order_relaxed);
    const uint64_t pushed = pushed_.load(std::memory_order_relaxed);
    return pushed > popped ? pushed - popped : 0;
  }

  // The consumer only. Null when empty, or when a push is half done (the
  // mailbox is then not empty(): try again).
  Event* pop() {
    MailboxNode* tail = tail_;
    MailboxNode* next = tail->next.load(std::memory_order_acquire);
    if (tail == &stub_) {
      if (next == nullptr) {
        // Empty: whatever pushes went uncounted, the depth is 0 now.
        popped_.store(pushed_.load(std::memory_order_relaxed),
                      std::memory_order_relaxed);
        return nullptr;
      }
      tail_ = tail = next;
      next = next->next.load(std::memory_order_acquire);
    }
    if (next != nullptr) {
      tail_ = next;
      return popped(tail);
    }
    if (tail != head_.load(std::memory_order_acquire)) {
      return nullptr;  // a producer is between its two steps
    }
    pushNode(&stub_);
    next = tail->next.load(std::memory_order_acquire);
    if (next != nullptr) {
      tail_ = next;
      return popped(tail);
    }
    return nullptr;
  }

  // Any thread: whether anything was pushed since the consumer last saw the
  // mailbox empty (only meaningful right after empty() was true).
  bool pushedSinceEmpty() const {
    return head_.load(std::memory_order_seq_cst) != &stub_;
  }

  // The consumer only: calls f(event) for each event still queued, oldest
  // first, taking none (what /__processes__ shows). A push half done ends
  // the walk early: what follows it is not seen.
  template <typename F>
  void forEachQueued(F&& f) {
    for (MailboxNode* node = tail_; node != nullptr;
         node = node->next.load(std::memory_order_acquire)) {
      if (node != &stub_) {
        f(*static_cast<Event*>(node));
      }
    }
  }

  // The consumer only. False also while a push is half done.
  bool empty() const {
    return tail_ == &stub_ && head_.load(std::memory_order_seq_cst) == &stub_;
  }

 private:
  Event* popped(MailboxNode* node) {
    popped_.store(popped_.load(std::memory_order_relaxed) + 1,
                  std::memory_order_relaxed);
    return static_cast<Event*>(node);
  }

  void pushNode(MailboxNode* node) {
    node->next.store(nullptr, std::memory_order_relaxed);
    MailboxNode* previous = head_.exchange(node, std::memory_order_seq_cst);
    previous->next.store(node, std::memory_order_release);
  }

  std::atomic<MailboxNode*> head_;  // where producers push
  std::atomic<uint64_t> pushed_{0};
  MailboxNode* tail_;  // where the consumer pops
  std::atomic<uint64_t> popped_{0};
  MailboxNode stub_;
};

}  // namespace process::detail
