#include "runtime/hazard.hpp"

#include <thread>

namespace process::detail {
namespace {

std::atomic<HazardSlot*> slots{nullptr};

HazardSlot* acquireSlot() {
  for (HazardSlot* slot = slots.load(std::memory_order_acquire);
       slot != nullptr; slot = slot->next) {
    bool expected = false;
    if (!slot->taken.load(std::memory_order_relaxed) &&
        slot->taken.compare_exchange_strong(expected, true)) {
      return slot;
    }
  }
  auto* slot = new HazardSlot();
  slot->taken.store(true, std::memory_order_relaxed);
  HazardSlot* head = slots.load(std::memory_order_relaxed);
  do {
    slot->next = head;
  } while (!slots.compare_exchange_weak(head, slot, std::memory_order_release,
                                        std::memory_order_relaxed));
  return slot;
}

// Gives the slot back when its thread exits.
struct SlotOwner {
  HazardSlot* slot = acquireSlot();
  ~SlotOwner() {
    slot->cell.store(nullptr, std::memory_order_release);
    slot->taken.store(false, std::memory_order_release);
  }
};

}  // namespace

HazardSlot& hazardSlot() {
  thread_local SlotOwner owner;
  return *owner.slot;
}

void waitForSenders(ProcessCell* cell) {
  for (HazardSlot* slot = slots.load(std::memory_order_acquire);
       slot != nullptr; slot = slot->next) {
    while (slot->cell.load(std::memory_order_seq_cst) == cell) {
      std::this_thread::yield();
    }
  }
}

}  // namespace process::detail
