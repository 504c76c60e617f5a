// Where work runs when the caller names no process: executor processes for
// defer(f), and a pool of threads for async(f), which may block.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <glog/logging.h>

#include <process/async.hpp>
#include <process/context.hpp>
#include <process/deferred.hpp>
#include <process/id.hpp>
#include <process/process.hpp>

namespace process::detail {
namespace {

class ExecutorProcess : public ProcessBase {
 public:
  ExecutorProcess() : ProcessBase(ID::generate("__executor__")) {}
};

// Threads for blocking work: started on demand up to a limit, so that a
// burst of blocking calls does not queue behind each other more than needed.
class BlockingPool {
 public:
  static BlockingPool& instance() {
    static auto* pool = new BlockingPool();
    return *pool;
  }

  void run(lambda::CallableOnce<void()> work) {
    bool start = false;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      queue_.push_back(std::move(work));
      // Every queued job gets a thread of its own while the limit allows:
      // blocking work must not wait behind other blocking work.
      if (queue_.size() > static_cast<size_t>(idle_) &&
          threads_ < kMaxThreads) {
        ++threads_;
        start = true;
      }
    }
    wakeup_.notify_one();
    if (start) {
      std::thread([this] { loop(); }).detach();
    }
  }

 private:
  static constexpr int kMaxThreads = 16;

  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      ++idle_;
      wakeup_.wait(lock, [&] { return !queue_.empty(); });
      --idle_;
      lambda::CallableOnce<void()> work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      std::move(work)();
      work = nullptr;
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::deque<lambda::CallableOnce<void()>> queue_;
  int threads_ = 0;
  int idle_ = 0;
};

}  // namespace

UPID executorPid() {
  static std::vector<UPID>* executors = [] {
    auto* pids = new std::vector<UPID>();
    // At least two, so that defer(f) from an executor can run elsewhere.
    const int count = std::max(2, Context::instance().workers());
    for (int i = 0; i < count; ++i) {
      pids->push_back(spawn(new ExecutorProcess(), true));
    }
    return pids;
  }();
  static std::atomic<size_t> next{0};
  const UPID current = currentSelf();
  for (;;) {
    const UPID& pid =
        (*executors)[next.fetch_add(1, std::memory_order_relaxed) %
                     executors->size()];
    if (pid != current) {  // never back onto the calling executor
      return pid;
    }
  }
}

void runBlocking(lambda::CallableOnce<void()> work) {
  BlockingPool::instance().run(std::move(work));
}

}  // namespace process::detail
