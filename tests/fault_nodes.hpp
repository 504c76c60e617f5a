// Three nodes for the tests of <process/testing/faults.hpp>: A and B, which
// the tests break the network between, and C, a witness with no rule: a
// marker it sends to B after A's message shows whether A's message would
// have arrived by then. Each node runs one Recorder. The clock is paused.
#pragma once

#include <cstdlib>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>
#include <process/testing/faults.hpp>

namespace faults_test {

using namespace process;

// glog and glibc's time zone under TSan, as in the other network tests.
[[maybe_unused]] inline const bool kTimeZoneFixed =
    ::setenv("TZ", "UTC", 0) == 0;

// Records the "msg" and "marker" bodies it gets, in order, and the exits it
// hears; sends and links on request.
class Recorder : public Process<Recorder> {
 public:
  Recorder() : Process<Recorder>("recorder") {}

  Nothing sendAll(const UPID& to, const std::vector<std::string>& bodies) {
    for (const std::string& body : bodies) {
      send(to, "msg", body);
    }
    return Nothing();
  }
  Nothing sendMarker(const UPID& to) {
    send(to, "marker", "");
    return Nothing();
  }
  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  std::vector<std::string> messages() const { return messages_; }
  std::vector<UPID> exits() const { return exits_; }

  // Ready once `count` messages (markers, exits) in all have come.
  Future<std::vector<std::string>> messagesReach(size_t count) {
    return reach(messages_, messageWaiters_, count);
  }
  Future<std::vector<std::string>> markersReach(size_t count) {
    return reach(markers_, markerWaiters_, count);
  }
  Future<std::vector<UPID>> exitsReach(size_t count) {
    return reach(exits_, exitWaiters_, count);
  }

 protected:
  void initialize() override {
    install("msg", [this](const UPID&, const std::string& body) {
      messages_.push_back(body);
      wake(messages_, messageWaiters_);
    });
    install("marker", [this](const UPID&, const std::string& body) {
      markers_.push_back(body);
      wake(markers_, markerWaiters_);
    });
  }

  void exited(const UPID& pid) override {
    exits_.push_back(pid);
    wake(exits_, exitWaiters_);
  }

 private:
  template <typename T>
  using Waiters = std::list<std::pair<size_t, Promise<std::vector<T>>>>;

  template <typename T>
  static Future<std::vector<T>> reach(const std::vector<T>& got,
                                      Waiters<T>& waiters, size_t count) {
    if (got.size() >= count) {
      return got;
    }
    waiters.emplace_back(count, Promise<std::vector<T>>());
    return waiters.back().second.future();
  }
  template <typename T>
  static void wake(const std::vector<T>& got, Waiters<T>& waiters) {
    for (auto it = waiters.begin(); it != waiters.end();) {
      if (got.size() >= it->first) {
        it->second.set(got);
        it = waiters.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::vector<std::string> messages_;
  std::vector<std::string> markers_;
  std::vector<UPID> exits_;
  Waiters<std::string> messageWaiters_;
  Waiters<std::string> markerWaiters_;
  Waiters<UPID> exitWaiters_;
};

// One node and its recorder.
struct TestNode {
  explicit TestNode(bool inMemory)
      : context(std::make_unique<Context>(options(inMemory))),
        recorder(context->spawn(new Recorder(), true)) {}
  ~TestNode() { context.reset(); }

  static Context::Options options(bool inMemory) {
    Context::Options options;
    options.workers = 2;
    options.inMemoryLocalPeers = inMemory;
    return options;
  }

  Address address() const { return context->address(); }
  uint64_t dropped() const { return context->droppedMessages(); }

  std::unique_ptr<Context> context;
  PID<Recorder> recorder;
};

// The value of a future that should be ready within seconds; a failure
// (and an empty value) if it is not.
template <typename T>
T valueOf(const Future<T>& future) {
  EXPECT_TRUE(future.await(Seconds(15)) && future.isReady());
  return future.isReady() ? future.get() : T();
}

inline std::vector<std::string> numbered(int first, int count) {
  std::vector<std::string> bodies;
  for (int i = first; i < first + count; ++i) {
    bodies.push_back(std::to_string(i));
  }
  return bodies;
}

// Parameter: true for the in-memory path between contexts, false for real
// loopback sockets.
class FaultsTest : public ::testing::TestWithParam<bool> {
 protected:
  FaultsTest() : a(GetParam()), b(GetParam()), c(GetParam()) {}
  void SetUp() override { Clock::pause(); }
  void TearDown() override {
    faults.clear();
    Clock::resume();
  }

  // A's messages to B, sent (and out of A's turn) when this returns.
  void sendFromA(const std::vector<std::string>& bodies) {
    AWAIT_READY(
        dispatch(a.recorder, &Recorder::sendAll, UPID(b.recorder), bodies));
  }
  // Everything B has got from A so far: a marker from C (no rule) reaches B
  // after anything of A's that was under way, then the clock settles.
  std::vector<std::string> receivedByB() {
    ++markers_;
    EXPECT_TRUE(dispatch(c.recorder, &Recorder::sendMarker, UPID(b.recorder))
                    .then([this, b = b.recorder](const Nothing&) {
                      return dispatch(b, &Recorder::markersReach, markers_);
                    })
                    .await(Seconds(15)));
    Clock::settle();
    return valueOf(dispatch(b.recorder, &Recorder::messages));
  }
  Future<std::vector<std::string>> bReaches(size_t count) {
    return dispatch(b.recorder, &Recorder::messagesReach, count);
  }

  TestNode a;
  TestNode b;
  TestNode c;
  process::testing::Faults faults;

 private:
  size_t markers_ = 0;
};

inline std::string pathName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "InMemory" : "Socket";
}

}  // namespace faults_test
