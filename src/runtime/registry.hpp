// Registry: a context's processes by id, for messages that arrive with a
// name rather than a reference (parsed UPIDs, the network). Sharded, so that
// lookups for different processes rarely meet on one lock; each shard is an
// open-addressing table of (hash, pointer) pairs, about 32 bytes per
// process. The hash beside the pointer lets a probe pass over the others
// without reading them: with the process's id behind the pointer, every
// probe was a cache miss, a fifth of what a spawn cost.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string_view>
#include <vector>

#include <process/detail/process_cell.hpp>
#include <process/pid.hpp>

namespace process {
class ProcessBase;
}

namespace process::detail {

// Memory for a shard's table. Past 2 MiB it is asked for in huge pages:
// with a million processes the tables are tens of MiB touched at random,
// and on a VM the page walk of each TLB miss cost more than the probe.
template <typename T>
struct TableAllocator {
  using value_type = T;
  TableAllocator() = default;
  template <typename U>
  explicit TableAllocator(const TableAllocator<U>& /*other*/) {}
  T* allocate(size_t n);
  void deallocate(T* p, size_t n) noexcept;
  friend bool operator==(const TableAllocator&, const TableAllocator&) {
    return true;
  }
};

void* allocateTable(size_t bytes);
void freeTable(void* table) noexcept;

template <typename T>
T* TableAllocator<T>::allocate(size_t n) {
  return static_cast<T*>(allocateTable(n * sizeof(T)));
}

template <typename T>
void TableAllocator<T>::deallocate(T* p, size_t /*n*/) noexcept {
  freeTable(p);
}

class Registry {
 public:
  // False if a process with that id is already registered.
  bool insert(ProcessBase* process);
  void remove(ProcessBase* process);
  // The cell of the process with `id`, or an empty reference.
  CellRef lookup(std::string_view id) const;
  std::vector<UPID> snapshot() const;
  size_t size() const;
  // Processes inserted and removed since the registry was made.
  size_t inserted() const;
  size_t removed() const;
  // Calls f for each registered process, under its shard's lock (so the
  // process cannot leave the registry, hence be freed, meanwhile): f must
  // be short and must not spawn or terminate.
  template <typename F>
  void forEach(F&& f) const {
    for (const Shard& shard : shards_) {
      std::lock_guard<std::mutex> guard(shard.mutex);
      for (const Slot& slot : shard.slots) {
        if (slot.process != nullptr) {
          f(*slot.process);
        }
      }
    }
  }

 private:
  struct Slot {
    size_t hash = 0;
    ProcessBase* process = nullptr;  // null: free
  };
  struct Shard {
    mutable std::mutex mutex;
    std::vector<Slot, TableAllocator<Slot>> slots;
    size_t count = 0;
    size_t inserted = 0;  // counted under the lock the insert takes anyway
    size_t removed = 0;

    // The slot of `id`, or else the free slot that ends its probe run.
    size_t probe(std::string_view id, size_t hash) const;
    void resize(size_t capacity);
    void place(const Slot& slot);
  };
  static constexpr size_t kShards = 16;

  Shard& shardFor(size_t hash) const {
    return const_cast<Shard&>(shards_[hash % kShards]);
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace process::detail
