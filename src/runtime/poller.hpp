// The network as the scheduler sees it. There is no network thread: idle
// workers poll the sockets (busy-polling while they spin, blocking in epoll
// when one parks), and a message that arrives runs its process on the very
// worker that read it. A round trip between nodes then costs no thread
// wake-up, the dominant cost on small VMs; busy workers poll now and then,
// so traffic keeps flowing under load.
#pragma once

#include <chrono>
#include <cstdint>

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
  // How many times interrupt() has been called.
  virtual uint64_t interruptions() const = 0;
  // Waits for the network (at most `timeout`, zero: no limit) and runs what
  // becomes ready, until interrupt(). `seen` is interruptions() as the
  // caller read it when it decided to wait: if there have been more since,
  // it returns at once. An interrupt is meant for one worker, but the
  // thread then blocked in the loop is woken by it, and may be another;
  // without the count, the one it was meant for could then block with the
  // wake-up spent. Returns at once, saying why, if another thread is
  // polling.
  virtual WaitResult wait(std::chrono::microseconds timeout, uint64_t seen) = 0;
  // Whether a thread is blocked in wait() now.
  virtual bool watched() const = 0;
  // Ends the wait() under way, and any whose caller saw fewer
  // interruptions.
  virtual void interrupt() = 0;
};

}  // namespace process::detail
