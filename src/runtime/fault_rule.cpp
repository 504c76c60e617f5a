#include "runtime/fault_rule.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace process::detail::faults {

Rule::Outcome Rule::admit(Pending pending, const Time& now) {
  Outcome outcome;
  if (isCut) {
    held.push_back(std::move(pending));
    return outcome;
  }
  if (pending.control || pending.admitted) {
    outcome.arrivals.push_back({std::move(pending), now});
    return outcome;
  }
  if (drop.on() && drop.draw()) {
    outcome.dropped.push_back(std::move(pending));
    return outcome;
  }
  const bool twice = duplicate.on() && duplicate.draw();
  if (reorderWindow <= 1) {
    if (twice) {
      schedule(pending, now, outcome);
    }
    schedule(std::move(pending), now, outcome);
    return outcome;
  }
  if (window_.empty()) {
    ++windowEpoch;
    outcome.windowStarted = true;
  }
  if (twice) {
    window_.push_back(pending);
  }
  window_.push_back(std::move(pending));
  if (window_.size() >= reorderWindow) {
    // Last first: every message of the window moves, none by more than it.
    ++windowEpoch;
    std::vector<Pending> full;
    full.swap(window_);
    for (auto it = full.rbegin(); it != full.rend(); ++it) {
      schedule(std::move(*it), now, outcome);
    }
  }
  return outcome;
}

Rule::Outcome Rule::flushWindow(uint64_t epoch, const Time& now) {
  Outcome outcome;
  if (epoch != windowEpoch || window_.empty()) {
    return outcome;
  }
  ++windowEpoch;
  std::vector<Pending> partial;
  partial.swap(window_);
  for (Pending& pending : partial) {
    if (isCut) {
      pending.admitted = true;
      held.push_back(std::move(pending));
    } else {
      schedule(std::move(pending), now, outcome);
    }
  }
  return outcome;
}

void Rule::schedule(Pending pending, const Time& now, Outcome& outcome) {
  pending.admitted = true;
  Time due = now;
  if (bytesPerSecond > 0) {
    // Each message is sent once the one before it has been, at the rate.
    const Time start = std::max(now, throttleFree_);
    const double seconds = static_cast<double>(pending.bytes) /
                           static_cast<double>(bytesPerSecond);
    throttleFree_ = start + Nanoseconds(std::llround(seconds * 1e9));
    due = throttleFree_;
  }
  outcome.arrivals.push_back({std::move(pending), due + delay});
}

bool Rule::cut() {
  if (isCut) {
    return false;
  }
  isCut = true;
  ++cutEpoch;
  return true;
}

std::deque<Pending> Rule::heal() {
  std::deque<Pending> released;
  if (isCut) {
    isCut = false;
    ++cutEpoch;
    silence.cancel();
    released.swap(held);
  }
  return released;
}

std::deque<Pending> Rule::clear() {
  std::deque<Pending> released = heal();
  ++windowEpoch;
  for (Pending& pending : window_) {
    released.push_back(std::move(pending));
  }
  window_.clear();
  delay = Duration::zero();
  drop.set(0, 0);
  duplicate.set(0, 0);
  reorderWindow = 0;
  bytesPerSecond = 0;
  return released;
}

bool Rule::idle() const {
  return !isCut && held.empty() && window_.empty() &&
         delay == Duration::zero() && !drop.on() && !duplicate.on() &&
         reorderWindow <= 1 && bytesPerSecond == 0;
}

}  // namespace process::detail::faults
