// process::testing::Faults: the public face of the fault injector
// (runtime/faults.hpp).
#include <process/testing/faults.hpp>

#include <algorithm>

#include <glog/logging.h>

#include "runtime/fault_rule.hpp"
#include "runtime/faults.hpp"

namespace process::testing {

namespace faults = detail::faults;

NetworkFault& NetworkFault::cut() {
  for (const auto& [from, to] : directions_) {
    faults::cut(from, to);
  }
  return *this;
}

NetworkFault& NetworkFault::heal() {
  for (const auto& [from, to] : directions_) {
    faults::heal(from, to);
  }
  return *this;
}

NetworkFault& NetworkFault::clear() {
  for (const auto& [from, to] : directions_) {
    faults::clear(from, to);
  }
  return *this;
}

namespace {

void configureAll(const std::vector<std::pair<Address, Address>>& directions,
                  const std::function<void(faults::Rule&)>& edit) {
  for (const auto& [from, to] : directions) {
    faults::configure(from, to, edit);
  }
}

double checkedFraction(double fraction, const char* what) {
  CHECK(fraction >= 0 && fraction <= 1)
      << "NetworkFault::" << what << "(" << fraction
      << "): a fraction is between 0 and 1";
  return fraction;
}

}  // namespace

NetworkFault& NetworkFault::delay(const Duration& duration) {
  CHECK(duration >= Duration::zero())
      << "NetworkFault::delay(" << duration << "): a delay is not negative";
  configureAll(directions_, [&](faults::Rule& rule) { rule.delay = duration; });
  return *this;
}

NetworkFault& NetworkFault::drop(double fraction, uint64_t seed) {
  checkedFraction(fraction, "drop");
  configureAll(directions_,
               [&](faults::Rule& rule) { rule.drop.set(fraction, seed); });
  return *this;
}

NetworkFault& NetworkFault::duplicate(double fraction, uint64_t seed) {
  checkedFraction(fraction, "duplicate");
  configureAll(directions_,
               [&](faults::Rule& rule) { rule.duplicate.set(fraction, seed); });
  return *this;
}

NetworkFault& NetworkFault::reorder(size_t window, const Duration& hold) {
  configureAll(directions_, [&](faults::Rule& rule) {
    rule.reorderWindow = window;
    rule.reorderHold = hold;
  });
  return *this;
}

NetworkFault& NetworkFault::throttle(uint64_t bytesPerSecond) {
  configureAll(directions_, [&](faults::Rule& rule) {
    rule.bytesPerSecond = bytesPerSecond;
  });
  return *this;
}

Faults::~Faults() {
  clear();
}

NetworkFault Faults::touch(std::vector<NetworkFault::Direction> directions) {
  for (const auto& direction : directions) {
    if (std::find(touched_.begin(), touched_.end(), direction) ==
        touched_.end()) {
      touched_.push_back(direction);
    }
  }
  return NetworkFault(std::move(directions));
}

NetworkFault Faults::oneWay(const Address& from, const Address& to) {
  return touch({{from, to}});
}

NetworkFault Faults::between(const Address& a, const Address& b) {
  return touch({{a, b}, {b, a}});
}

void Faults::clear() {
  for (const auto& [from, to] : touched_) {
    faults::clear(from, to);
  }
  touched_.clear();
}

}  // namespace process::testing
