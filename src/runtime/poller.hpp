// The network as the scheduler sees it. There is no network thread: idle
// workers poll the sockets (busy-polling while they spin, blocking in epoll
// when one parks), and a message that arrives runs its process on the very
// worker that read it. A round trip between nodes then costs no thread
// wake-up, the dominant cost on small VMs; busy workers poll now and then,
// so traffic keeps flowing under load.
#pragma once

#include <chrono>

namespace process::detail {

class Poller {
 public:
  enum class WaitResult {
    kWaited,   // this thread waited, and ran what became ready
    kWatched,  // another thread is blocked in wait(): the sockets are watched
    kHeld,     // another thread polls for a moment: nobody watches for long
    kClosed,   // the program is exiting
  };

  virtual ~Poller() = default;
  // Runs what the network has ready, without blocking; nothing if another
  // thread is polling.
  virtual void poll() = 0;
  // Waits for the network (at most `timeout`, zero: no limit) and runs what
  // becomes ready, until interrupt(). Returns at once, saying why, if
  // another thread is polling.
  virtual WaitResult wait(std::chrono::microseconds timeout) = 0;
  // Whether a thread is blocked in wait() now.
  virtual bool watched() const = 0;
  // Ends a wait(), now or, if none is under way, the next one.
  virtual void interrupt() = 0;
};

}  // namespace process::detail
