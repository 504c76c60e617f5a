// One direction's rule of the fault injector (faults.hpp): its faults and
// what they hold. Decides what becomes of each message and when it
// arrives; runs nothing and takes no lock itself (its owner holds `mutex`).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include <process/address.hpp>
#include <process/duration.hpp>
#include <process/time.hpp>
#include <process/timer.hpp>

namespace process::detail::faults {

struct Node;

// A message (or, in memory, a link or an exit notice) on its way.
struct Pending {
  std::function<void()> deliver;
  // What happens instead if a cut outlasts the peer timeout: a message is
  // counted dropped, a link or exit notice becomes exited() for the linker.
  std::function<void()> lost;
  std::shared_ptr<Node> node;  // the node applying the rule
  size_t bytes = 0;
  bool control = false;   // a link or exit notice: only a cut holds it
  bool admitted = false;  // has been through the faults already
};

// A seeded draw: the same seed gives the same outcomes in every run (the
// engine is specified by the standard; the distribution is ours).
class Chance {
 public:
  void set(double fraction, uint64_t seed) {
    fraction_ = fraction;
    engine_.seed(seed);
  }
  bool on() const { return fraction_ > 0; }
  bool draw() {
    constexpr double kUnit = 1.0 / static_cast<double>(uint64_t{1} << 53);
    return static_cast<double>(engine_() >> 11) * kUnit < fraction_;
  }

 private:
  double fraction_ = 0;
  std::mt19937_64 engine_;
};

class Rule {
 public:
  Rule(const Address& from, const Address& to) : from(from), to(to) {}

  // What admit() decided: messages with the time each arrives, and those
  // dropped (their node counts them).
  struct Scheduled {
    Pending pending;
    Time due;
  };
  struct Outcome {
    std::vector<Scheduled> arrivals;
    std::vector<Pending> dropped;
    bool windowStarted = false;  // a reorder window opened: time its hold
  };

  Outcome admit(Pending pending, const Time& now);
  // The partial window (if still window `epoch`) goes as it is.
  Outcome flushWindow(uint64_t epoch, const Time& now);

  // Whether a cut began (and its silence must be timed).
  bool cut();
  // What the cut held, in order; empty if there was no cut.
  std::deque<Pending> heal();
  // Every fault off: what the cut and the window held, in order.
  std::deque<Pending> clear();
  // No fault is set and nothing is held: the rule can leave the table.
  bool idle() const;

  std::mutex mutex;
  const Address from;
  const Address to;

  bool isCut = false;
  uint64_t cutEpoch = 0;  // which cut a silence timer belongs to
  Timer silence;

  Duration delay = Duration::zero();
  Chance drop;
  Chance duplicate;
  size_t reorderWindow = 0;
  Duration reorderHold = Seconds(1);
  uint64_t windowEpoch = 0;
  uint64_t bytesPerSecond = 0;

  std::deque<Pending> held;  // while cut

 private:
  void schedule(Pending pending, const Time& now, Outcome& outcome);

  std::vector<Pending> window_;
  Time throttleFree_;  // when the throttled way has sent what it was given
};

}  // namespace process::detail::faults
