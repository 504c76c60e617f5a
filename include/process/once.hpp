// Once: runs an action exactly once however many threads race to it. The
// first caller of once() gets false and does the action, then calls done();
// every other caller blocks in once() until done() and then gets true:
//
//   static Once* initialized = new Once();
//   if (!initialized->once()) {
//     setUp();                // only the first caller gets here
//     initialized->done();    // releases the others
//   }
//
// once() BLOCKS the calling thread: never call it from inside a process
// whose action needs that process (or its worker) to finish. done() before
// any once(), or a second time, does nothing.
#pragma once

#include <condition_variable>
#include <mutex>

namespace process {

class Once {
 public:
  Once() = default;
  ~Once() = default;

  Once(const Once&) = delete;
  Once& operator=(const Once&) = delete;

  // False for the first caller, who must call done(); true for the others,
  // once done() has been called.
  bool once() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!started_) {
      started_ = true;
      return false;
    }
    finishedCondition_.wait(lock, [this] { return finished_; });
    return true;
  }

  // Marks the action done and wakes the callers waiting in once().
  void done() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (!started_ || finished_) {
        return;
      }
      finished_ = true;
    }
    finishedCondition_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable finishedCondition_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace process
