// Hazard slots: how a sender keeps a process from being freed under it
// without touching a counter that every sender to that process shares.
//
// Each thread owns one slot (on its own cache line) where it publishes the
// cell it is about to deliver to. A terminating process clears its cell's
// pointer and then waits until no slot holds the cell. Slots are never
// freed; a thread's slot is reused by a later thread once it exits.
#pragma once

#include <atomic>

#include <process/detail/process_cell.hpp>

namespace process::detail {

struct alignas(64) HazardSlot {
  std::atomic<ProcessCell*> cell{nullptr};
  std::atomic<bool> taken{false};
  HazardSlot* next = nullptr;  // immutable once published
};

// This thread's slot.
HazardSlot& hazardSlot();

// Waits until no thread is inside withProcess() for `cell`.
void waitForSenders(ProcessCell* cell);

}  // namespace process::detail
