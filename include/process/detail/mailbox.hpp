// Mailbox: a process's queue of events. Many threads push, the one worker
// running the process pops. Pushing is one atomic exchange (wait-free);
// popping takes no lock. (The intrusive multi-producer queue described by
// Dmitry Vyukov, written for this project.)
#pragma once

#include <atomic>

#include <process/detail/event.hpp>

namespace process::detail {

class Mailbox {
 public:
  Mailbox() : head_(&stub_), tail_(&stub_) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Any thread.
  void push(Event* event) { pushNode(event); }

  // The consumer only. Null when empty, or when a push is half done (the
  // mailbox is then not empty(): try again).
  Event* pop() {
    MailboxNode* tail = tail_;
    MailboxNode* next = tail->next.load(std::memory_order_acquire);
    if (tail == &stub_) {
      if (next == nullptr) {
        return nullptr;
      }
      tail_ = tail = next;
      next = next->next.load(std::memory_order_acquire);
    }
    if (next != nullptr) {
      tail_ = next;
      return static_cast<Event*>(tail);
    }
    if (tail != head_.load(std::memory_order_acquire)) {
      return nullptr;  // a producer is between its two steps
    }
    pushNode(&stub_);
    next = tail->next.load(std::memory_order_acquire);
    if (next != nullptr) {
      tail_ = next;
      return static_cast<Event*>(tail);
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
  void pushNode(MailboxNode* node) {
    node->next.store(nullptr, std::memory_order_relaxed);
    MailboxNode* previous = head_.exchange(node, std::memory_order_seq_cst);
    previous->next.store(node, std::memory_order_release);
  }

  std::atomic<MailboxNode*> head_;  // where producers push
  MailboxNode* tail_;               // where the consumer pops
  MailboxNode stub_;
};

}  // namespace process::detail
