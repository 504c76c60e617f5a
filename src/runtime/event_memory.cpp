// Memory for events. Every message and dispatch is an allocation made on the
// sender's thread and freed on the receiver's. With the C library's
// allocator that free goes back to the sender's arena, under its lock, while
// the sender allocates from it: two threads contending for every message.
// Here each thread keeps the blocks it frees, by size class, and reuses them
// for what it sends; a thread with too many hands a batch to a shared pool,
// and a thread with none takes a batch from it, so blocks flow from
// receivers back to senders 256 at a time. Bounded: past the caps, blocks go
// back to the C library.
#include <array>
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

#include <process/detail/event.hpp>

namespace process::detail {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kPooled = false;  // Let the sanitizers see every block.
#else
constexpr bool kPooled = true;
#endif

constexpr size_t kGranule = 16;
constexpr size_t kClasses = 16;  // blocks up to 256 bytes
constexpr size_t kBatch = 256;
constexpr size_t kThreadCap = 4 * kBatch;    // blocks per class per thread
constexpr size_t kSharedCap = 256 * kBatch;  // blocks per class, shared

struct Block {
  Block* next;
};

struct List {
  Block* head = nullptr;
  size_t count = 0;

  void push(Block* block) {
    block->next = head;
    head = block;
    ++count;
  }
  Block* pop() {
    Block* block = head;
    head = block->next;
    --count;
    return block;
  }
  // Moves up to n blocks from the front into a new list.
  List take(size_t n) {
    List taken;
    while (taken.count < n && head != nullptr) {
      taken.push(pop());
    }
    return taken;
  }
};

class SharedPool {
 public:
  static SharedPool& instance() {
    static auto* pool = new SharedPool();
    return *pool;
  }

  bool take(size_t sizeClass, List& into) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto& batches = batches_[sizeClass];
    if (batches.empty()) {
      return false;
    }
    into = batches.back();
    batches.pop_back();
    return true;
  }

  // False when full: the caller frees the blocks itself.
  bool give(size_t sizeClass, const List& batch) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto& batches = batches_[sizeClass];
    if (batches.size() * kBatch >= kSharedCap) {
      return false;
    }
    batches.push_back(batch);
    return true;
  }

 private:
  std::mutex mutex_;
  std::array<std::vector<List>, kClasses> batches_;
};

void freeAll(List list) {
  while (list.head != nullptr) {
    ::operator delete(list.pop());
  }
}

class ThreadCache {
 public:
  ~ThreadCache() {
    for (size_t c = 0; c < kClasses; ++c) {
      while (lists_[c].count > 0) {
        List batch = lists_[c].take(kBatch);
        if (!SharedPool::instance().give(c, batch)) {
          freeAll(batch);
        }
      }
    }
  }

  void* allocate(size_t sizeClass) {
    List& list = lists_[sizeClass];
    if (list.count == 0 && !SharedPool::instance().take(sizeClass, list)) {
      return ::operator new((sizeClass + 1) * kGranule);
    }
    return list.pop();
  }

  void release(void* memory, size_t sizeClass) {
    List& list = lists_[sizeClass];
    list.push(static_cast<Block*>(memory));
    if (list.count > kThreadCap) {
      List batch = list.take(kBatch);
      if (!SharedPool::instance().give(sizeClass, batch)) {
        freeAll(batch);
      }
    }
  }

 private:
  std::array<List, kClasses> lists_;
};

ThreadCache& cache() {
  thread_local ThreadCache threadCache;
  return threadCache;
}

size_t classOf(size_t size) {
  return (size + kGranule - 1) / kGranule - 1;
}

}  // namespace

void* Event::operator new(size_t size) {
  if (!kPooled || size > kClasses * kGranule) {
    return ::operator new(size);
  }
  return cache().allocate(classOf(size));
}

void Event::operator delete(void* memory, size_t size) {
  if (!kPooled || size > kClasses * kGranule) {
    ::operator delete(memory);
    return;
  }
  cache().release(memory, classOf(size));
}

}  // namespace process::detail
