// Gate: a one-shot latch for tests, to hold a process's worker until the
// test lets it go (no sleeping).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

class Gate {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      open_ = true;
    }
    condition_.notify_all();
  }
  // True if the gate opened within `timeout`.
  bool wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return condition_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable condition_;
  bool open_ = false;
};
