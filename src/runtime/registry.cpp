#include "runtime/registry.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <functional>
#include <new>

#include <process/process.hpp>

namespace process::detail {
namespace {

size_t hashOf(std::string_view id) {
  return std::hash<std::string_view>()(id);
}

// Within a shard, use the bits the shard choice did not.
size_t home(size_t hash, size_t capacity) {
  return (hash / 16) & (capacity - 1);
}

constexpr size_t kHugePage = size_t{2} * 1024 * 1024;

}  // namespace

void* allocateTable(size_t bytes) {
  void* table = nullptr;
  if (bytes >= kHugePage) {
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    table = std::aligned_alloc(kHugePage, rounded);
    if (table != nullptr) {
      // Advice only: without transparent huge pages it changes nothing.
      ::madvise(table, rounded, MADV_HUGEPAGE);
    }
  } else {
    table = std::malloc(bytes);
  }
  if (table == nullptr) {
    throw std::bad_alloc();
  }
  return table;
}

void freeTable(void* table) noexcept {
  std::free(table);
}

size_t Registry::Shard::probe(std::string_view id, size_t hash) const {
  const size_t mask = slots.size() - 1;
  for (size_t i = home(hash, slots.size());; i = (i + 1) & mask) {
    const Slot& slot = slots[i];
    if (slot.process == nullptr ||
        (slot.hash == hash && slot.process->self().id == id)) {
      return i;
    }
  }
}

void Registry::Shard::place(const Slot& slot) {
  const size_t mask = slots.size() - 1;
  size_t i = home(slot.hash, slots.size());
  while (slots[i].process != nullptr) {
    i = (i + 1) & mask;
  }
  slots[i] = slot;
}

void Registry::Shard::resize(size_t capacity) {
  std::vector<Slot, TableAllocator<Slot>> old(capacity);
  old.swap(slots);
  for (const Slot& slot : old) {
    if (slot.process != nullptr) {
      place(slot);
    }
  }
}

bool Registry::insert(ProcessBase* process) {
  const std::string& id = process->self().id;
  const size_t hash = hashOf(id);
  Shard& shard = shardFor(hash);
  std::lock_guard<std::mutex> guard(shard.mutex);
  // Keep the load under 70%: probes stay short.
  if ((shard.count + 1) * 10 > shard.slots.size() * 7) {
    shard.resize(shard.slots.empty() ? 16 : shard.slots.size() * 2);
  }
  Slot& slot = shard.slots[shard.probe(id, hash)];
  if (slot.process != nullptr) {
    return false;
  }
  slot = Slot{.hash = hash, .process = process};
  ++shard.count;
  ++shard.inserted;
  return true;
}

void Registry::remove(ProcessBase* process) {
  const std::string& id = process->self().id;
  const size_t hash = hashOf(id);
  Shard& shard = shardFor(hash);
  std::lock_guard<std::mutex> guard(shard.mutex);
  if (shard.slots.empty()) {
    return;
  }
  size_t hole = shard.probe(id, hash);
  if (shard.slots[hole].process != process) {
    return;
  }
  // Backward-shift deletion: move later members of the probe run into the
  // hole when their home position allows, so lookups need no tombstones.
  const size_t mask = shard.slots.size() - 1;
  shard.slots[hole] = Slot{};
  for (size_t i = (hole + 1) & mask; shard.slots[i].process != nullptr;
       i = (i + 1) & mask) {
    const size_t want = home(shard.slots[i].hash, shard.slots.size());
    // Movable if `want` is not in the cyclic range (hole, i].
    const bool inRange =
        hole <= i ? (want > hole && want <= i) : (want > hole || want <= i);
    if (!inRange) {
      shard.slots[hole] = shard.slots[i];
      shard.slots[i] = Slot{};
      hole = i;
    }
  }
  --shard.count;
  ++shard.removed;
  // Give memory back after a crowd has gone (at an eighth full, halve).
  if (shard.slots.size() > 16 && shard.count * 8 < shard.slots.size()) {
    shard.resize(shard.slots.size() / 2);
  }
}

CellRef Registry::lookup(std::string_view id) const {
  const size_t hash = hashOf(id);
  Shard& shard = shardFor(hash);
  std::lock_guard<std::mutex> guard(shard.mutex);
  if (shard.slots.empty()) {
    return CellRef();
  }
  const Slot& slot = shard.slots[shard.probe(id, hash)];
  return slot.process != nullptr ? slot.process->self().reference : CellRef();
}

std::vector<UPID> Registry::snapshot() const {
  std::vector<UPID> pids;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    for (const Slot& slot : shard.slots) {
      if (slot.process != nullptr) {
        pids.push_back(slot.process->self());
      }
    }
  }
  return pids;
}

namespace {

// One count summed over the shards, each read under its lock.
template <typename Shards, typename Count>
size_t sumOver(const Shards& shards, Count count) {
  size_t total = 0;
  for (const auto& shard : shards) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    total += shard.*count;
  }
  return total;
}

}  // namespace

size_t Registry::inserted() const {
  return sumOver(shards_, &Shard::inserted);
}

size_t Registry::removed() const {
  return sumOver(shards_, &Shard::removed);
}

size_t Registry::size() const {
  return sumOver(shards_, &Shard::count);
}

}  // namespace process::detail
