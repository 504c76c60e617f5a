// Registry: a context's processes by id, for messages that arrive with a
// name rather than a reference (parsed UPIDs, the network). Sharded, so that
// lookups for different processes rarely meet on one lock; each shard is an
// open-addressing table of pointers, about 16 bytes per process.
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

class Registry {
 public:
  // False if a process with that id is already registered.
  bool insert(ProcessBase* process);
  void remove(ProcessBase* process);
  // The cell of the process with `id`, or an empty reference.
  CellRef lookup(std::string_view id) const;
  std::vector<UPID> snapshot() const;
  size_t size() const;

 private:
  struct Shard {
    mutable std::mutex mutex;
    std::vector<ProcessBase*> slots;  // null: free
    size_t count = 0;

    size_t find(std::string_view id, size_t hash) const;  // slot or npos
    void resize(size_t capacity);
    void place(ProcessBase* process, size_t hash);
  };
  static constexpr size_t kShards = 16;

  Shard& shardFor(size_t hash) const {
    return const_cast<Shard&>(shards_[hash % kShards]);
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace process::detail
