// ProcessCell: the small shared record that outlives a process, so that a
// UPID can reach its process without a lookup and safely find it gone.
//
// A sender publishes the cell in its thread's hazard slot, then reads
// `process`; a terminating process clears `process`, then waits until no
// hazard slot holds its cell (src/runtime/hazard.hpp). Either the sender
// sees the process gone, or the process sees the sender and waits for it: no
// event is ever pushed into a process that has been freed, and senders to
// one process share no counter.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace process {

class ProcessBase;

namespace detail {

struct ProcessCell {
  std::atomic<ProcessBase*> process{nullptr};
  std::atomic<uint32_t> references{1};
  // Set once the process has completely terminated (finalize ran, events
  // dropped, linkers told); wait() watches it.
  std::atomic<bool> done{false};
  // Someone blocks in wait() for this process: its termination must wake
  // them (and only then pays for it).
  std::atomic<bool> waited{false};
  // Bytes of messages from other nodes queued for the process and not yet
  // taken, and whether a connection stopped reading until they drain
  // (Context::Limits::maxQueuedBytesPerProcess).
  std::atomic<size_t> arrivedBytes{0};
  std::atomic<bool> readersPaused{false};
};

// A counted reference to a ProcessCell.
class CellRef {
 public:
  CellRef() = default;
  // Adopts a cell with its initial reference.
  static CellRef adopt(ProcessCell* cell) {
    CellRef ref;
    ref.cell_ = cell;
    return ref;
  }
  CellRef(const CellRef& other) : cell_(other.cell_) { retain(); }
  CellRef(CellRef&& other) noexcept
      : cell_(std::exchange(other.cell_, nullptr)) {}
  CellRef& operator=(const CellRef& other) {
    if (cell_ != other.cell_) {
      CellRef copy(other);
      std::swap(cell_, copy.cell_);
    }
    return *this;
  }
  CellRef& operator=(CellRef&& other) noexcept {
    std::swap(cell_, other.cell_);
    return *this;
  }
  ~CellRef() { release(); }

  ProcessCell* get() const { return cell_; }
  ProcessCell* operator->() const { return cell_; }
  explicit operator bool() const { return cell_ != nullptr; }

 private:
  void retain() {
    if (cell_ != nullptr) {
      cell_->references.fetch_add(1, std::memory_order_relaxed);
    }
  }
  void release() {
    if (cell_ != nullptr &&
        cell_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // The analyzer cannot follow the count: only the last reference
      // gets here.
      delete cell_;  // NOLINT(clang-analyzer-cplusplus.NewDelete)
    }
  }

  ProcessCell* cell_ = nullptr;
};

}  // namespace detail
}  // namespace process
