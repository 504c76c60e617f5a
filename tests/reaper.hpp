// Reaper: terminates and waits for processes when it goes out of scope, also
// after a failed ASSERT. Declare it after the processes it is given.
#pragma once

#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <process/pid.hpp>
#include <process/process.hpp>

class Reaper {
 public:
  Reaper() = default;
  explicit Reaper(const process::UPID& pid) { add(pid); }
  template <typename... P>
  requires(sizeof...(P) > 0 && (std::is_base_of_v<process::ProcessBase, P> &&
                                ...)) explicit Reaper(const P&... processes) {
    (add(processes.self()), ...);
  }
  ~Reaper() {
    for (const process::UPID& pid : pids_) {
      process::terminate(pid);
    }
    for (const process::UPID& pid : pids_) {
      EXPECT_TRUE(process::wait(pid, process::Seconds(15)))
          << pid << " did not terminate";
    }
  }
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  void add(const process::UPID& pid) { pids_.push_back(pid); }

 private:
  std::vector<process::UPID> pids_;
};
