#include "runtime/registry.hpp"

#include <functional>

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

}  // namespace

size_t Registry::Shard::find(std::string_view id, size_t hash) const {
  if (slots.empty()) {
    return std::string_view::npos;
  }
  const size_t mask = slots.size() - 1;
  for (size_t i = home(hash, slots.size());; i = (i + 1) & mask) {
    ProcessBase* candidate = slots[i];
    if (candidate == nullptr) {
      return std::string_view::npos;
    }
    if (candidate->self().id == id) {
      return i;
    }
  }
}

void Registry::Shard::place(ProcessBase* process, size_t hash) {
  const size_t mask = slots.size() - 1;
  size_t i = home(hash, slots.size());
  while (slots[i] != nullptr) {
    i = (i + 1) & mask;
  }
  slots[i] = process;
}

void Registry::Shard::resize(size_t capacity) {
  std::vector<ProcessBase*> old(capacity, nullptr);
  old.swap(slots);
  for (ProcessBase* process : old) {
    if (process != nullptr) {
      place(process, hashOf(process->self().id));
    }
  }
}

bool Registry::insert(ProcessBase* process) {
  const std::string& id = process->self().id;
  const size_t hash = hashOf(id);
  Shard& shard = shardFor(hash);
  std::lock_guard<std::mutex> guard(shard.mutex);
  if (shard.find(id, hash) != std::string_view::npos) {
    return false;
  }
  // Keep the load under 70%: probes stay short.
  if ((shard.count + 1) * 10 > shard.slots.size() * 7) {
    shard.resize(shard.slots.empty() ? 16 : shard.slots.size() * 2);
  }
  shard.place(process, hash);
  ++shard.count;
  return true;
}

void Registry::remove(ProcessBase* process) {
  const std::string& id = process->self().id;
  const size_t hash = hashOf(id);
  Shard& shard = shardFor(hash);
  std::lock_guard<std::mutex> guard(shard.mutex);
  size_t hole = shard.find(id, hash);
  if (hole == std::string_view::npos || shard.slots[hole] != process) {
    return;
  }
  // Backward-shift deletion: move later members of the probe run into the
  // hole when their home position allows, so lookups need no tombstones.
  const size_t mask = shard.slots.size() - 1;
  shard.slots[hole] = nullptr;
  for (size_t i = (hole + 1) & mask; shard.slots[i] != nullptr;
       i = (i + 1) & mask) {
    const size_t want =
        home(hashOf(shard.slots[i]->self().id), shard.slots.size());
    // Movable if `want` is not in the cyclic range (hole, i].
    const bool inRange =
        hole <= i ? (want > hole && want <= i) : (want > hole || want <= i);
    if (!inRange) {
      shard.slots[hole] = shard.slots[i];
      shard.slots[i] = nullptr;
      hole = i;
    }
  }
  --shard.count;
  // Give memory back after a crowd has gone (at an eighth full, halve).
  if (shard.slots.size() > 16 && shard.count * 8 < shard.slots.size()) {
    shard.resize(shard.slots.size() / 2);
  }
}

CellRef Registry::lookup(std::string_view id) const {
  const size_t hash = hashOf(id);
  Shard& shard = shardFor(hash);
  std::lock_guard<std::mutex> guard(shard.mutex);
  const size_t slot = shard.find(id, hash);
  if (slot == std::string_view::npos) {
    return CellRef();
  }
  return shard.slots[slot]->self().reference;
}

std::vector<UPID> Registry::snapshot() const {
  std::vector<UPID> pids;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    for (ProcessBase* process : shard.slots) {
      if (process != nullptr) {
        pids.push_back(process->self());
      }
    }
  }
  return pids;
}

size_t Registry::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    total += shard.count;
  }
  return total;
}

}  // namespace process::detail
