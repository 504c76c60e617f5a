// GET /__processes__: every process of the node in libprocess's shape (an
// array of {"id", "events": [{"type", …}]}) with ours beside it ("queued",
// "events_run", "state", "links", "linkers", "routes"). A process inside a long
// event is described once the event returns, with the events queued behind it;
// one that does not answer within ?timeout= shows as "unresponsive".
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

#include "runtime/inspection.hpp"
#include "system_helpers.hpp"

using namespace process;
using system_test::entryOf;
using system_test::get;
using system_test::json;

namespace {

// Waits (bounded) until `done` holds; false if it never did.
template <typename F>
bool eventually(F&& done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

class Target : public Process<Target> {
 public:
  Target() : ProcessBase("target") {}

  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  // Holds the process (and its worker) until an inspection is asked of
  // it, or until `release` is set.
  void holdUntilInspected(std::atomic<bool>* inside,
                          const std::atomic<bool>* release) {
    inside->store(true);
    eventually(
        [&] { return detail::inspectionPending(*this) || release->load(); });
  }
  void holdUntilReleased(std::atomic<bool>* inside,
                         const std::atomic<bool>* release) {
    inside->store(true);
    eventually([&] { return release->load(); });
  }

 protected:
  void initialize() override {
    route("/state", None(), [](const http::Request&) {
      return Future<http::Response>(http::OK("state"));
    });
    install("ping", [](const UPID&, const std::string&) {});
  }
};

class Other : public Process<Other> {
 public:
  Other() : ProcessBase("other") {}
};

class Watcher : public Process<Watcher> {
 public:
  Watcher() : ProcessBase("watcher") {}
  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }
};

Context::Options twoWorkers() {
  Context::Options options;
  options.workers = 2;
  return options;
}

TEST(ProcessesEndpoint, ListsEveryProcessWithTheSystemOnes) {
  Context node(twoWorkers());
  Target target;
  node.spawn(target);

  Future<http::Response> response = get(node, "__processes__");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ("application/json", response->headers.get("Content-Type"));
  const nlohmann::json processes = json(response.get());
  ASSERT_TRUE(processes.is_array());
  for (const char* id : {"target", "__processes__", "__network__", "help",
                         "logging", "system"}) {
    const nlohmann::json entry = entryOf(processes, id);
    ASSERT_TRUE(entry.is_object()) << id << " missing in " << processes;
    EXPECT_TRUE(entry["events"].is_array()) << entry;
    EXPECT_TRUE(entry["queued"].is_number()) << entry;
    EXPECT_TRUE(entry["events_run"].is_number()) << entry;
    EXPECT_TRUE(entry["links"].is_array()) << entry;
    EXPECT_TRUE(entry["linkers"].is_array()) << entry;
    EXPECT_TRUE(entry["routes"].is_array()) << entry;
    EXPECT_TRUE(entry["state"].is_string()) << entry;
  }
  const nlohmann::json entry = entryOf(processes, "target");
  EXPECT_EQ(nlohmann::json::array({"/state"}), entry["routes"]);
  EXPECT_EQ(0, entry["queued"]);
  EXPECT_EQ(nlohmann::json::array({"/toggle"}),
            entryOf(processes, "logging")["routes"]);

  terminate(target);
  wait(target);
}

// "events_run" counts what the process took off its queue, inspections
// included, as each batch ends: an inspection answered within a batch does
// not count that batch. So after five dispatches it shows, soon, five more
// events plus the inspections before it, and never more.
TEST(ProcessesEndpoint, CountsTheEventsAProcessHasRun) {
  Context node(twoWorkers());
  Target target;
  const PID<Target> pid = node.spawn(target);
  const auto eventsRun = [&node] {
    Future<http::Response> response = get(node, "__processes__");
    response.await(Seconds(15));
    EXPECT_TRUE(response.isReady());
    const nlohmann::json entry = entryOf(json(response.get()), "target");
    EXPECT_TRUE(entry["events_run"].is_number()) << entry;
    return entry["events_run"].get<uint64_t>();
  };
  const uint64_t before = eventsRun();
  Future<Nothing> last;
  for (int i = 0; i < 5; ++i) {
    last = dispatch(pid, [] { return Nothing(); });
  }
  AWAIT_READY(last);
  uint64_t inspections = 1;
  uint64_t after = eventsRun();
  while (after < before + 5 && inspections < 1000) {
    ++inspections;
    after = eventsRun();
  }
  EXPECT_GE(after, before + 5);
  EXPECT_LE(after, before + 5 + inspections);
  terminate(target);
  wait(target);
}

// A process held inside one event, with a message, a dispatch, an exit
// notice and a terminate queued behind it: once the event returns, the
// inspection is answered ahead of them, and shows each in order.
TEST(ProcessesEndpoint, ShowsTheEventsQueuedForAProcess) {
  Context node(twoWorkers());
  Other other;
  node.spawn(other);
  Target target;
  const PID<Target> pid = node.spawn(target);
  AWAIT_READY(dispatch(pid, &Target::linkTo, other.self()));
  // The link is an event for other, queued in the slot of target's worker,
  // and linkTo's future is set before target's turn ends: a hold dispatched
  // now may run in that very turn, with other stuck behind it in the slot
  // (docs/architecture.md, the scheduler) and wait(other) below held up for
  // the whole hold. So other has run the link before the hold begins.
  AWAIT_READY(dispatch(other, [] { return Nothing(); }));

  std::atomic<bool> inside{false};
  std::atomic<bool> release{false};
  dispatch(pid, &Target::holdUntilInspected, &inside, &release);
  ASSERT_TRUE(eventually([&] { return inside.load(); }));

  post(other.self(), pid, "ping", "hello");
  dispatch(pid, [] {});
  terminate(other);
  wait(other);  // its exit notice is in target's mailbox now
  terminate(pid, false);

  Future<http::Response> response = get(node, "__processes__");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  release.store(true);
  const nlohmann::json entry = entryOf(json(response.get()), "target");
  ASSERT_TRUE(entry.is_object()) << response->body;
  EXPECT_EQ(4, entry["queued"]) << entry;
  ASSERT_EQ(4u, entry["events"].size()) << entry;
  const nlohmann::json& events = entry["events"];
  EXPECT_EQ("MESSAGE", events[0]["type"]);
  EXPECT_EQ("ping", events[0]["name"]);
  EXPECT_EQ("hello", events[0]["body"]);
  EXPECT_EQ(std::string(other.self()), events[0]["from"]);
  EXPECT_EQ(std::string(pid), events[0]["to"]);
  EXPECT_EQ("DISPATCH", events[1]["type"]);
  EXPECT_EQ("EXITED", events[2]["type"]);
  EXPECT_EQ("TERMINATE", events[3]["type"]);
  EXPECT_EQ("scheduled", entry["state"]);
  // The exit notice is queued, not yet heard: the link still stands.
  EXPECT_EQ(nlohmann::json::array({std::string(other.self())}), entry["links"]);
  wait(target);
}

TEST(ProcessesEndpoint, ShowsWhoLinkedToAProcess) {
  Context node(twoWorkers());
  Target target;
  const PID<Target> pid = node.spawn(target);
  const PID<Watcher> watching = node.spawn(new Watcher(), true);
  AWAIT_READY(dispatch(watching, &Watcher::linkTo, UPID(pid)));
  // The link reaches target as an event of its own: ask until it shows.
  nlohmann::json entry;
  ASSERT_TRUE(eventually([&] {
    Future<http::Response> response = get(node, "__processes__");
    if (!response.await(Seconds(15)) || !response.isReady()) {
      return false;
    }
    entry = entryOf(json(response.get()), "target");
    return entry.is_object() && entry["linkers"].size() == 1;
  }));
  EXPECT_EQ(std::string(watching), entry["linkers"][0]);
  terminate(watching);
  wait(watching);
  terminate(target);
  wait(target);
}

// A process that stays inside one event past ?timeout= is listed as
// unresponsive, and the others are answered all the same.
TEST(ProcessesEndpoint, AProcessThatDoesNotAnswerInTimeIsUnresponsive) {
  Context node(twoWorkers());
  Target target;
  const PID<Target> pid = node.spawn(target);
  std::atomic<bool> inside{false};
  std::atomic<bool> release{false};
  dispatch(pid, &Target::holdUntilReleased, &inside, &release);
  ASSERT_TRUE(eventually([&] { return inside.load(); }));

  Future<http::Response> response =
      get(node, "__processes__", "", "timeout=50ms");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  release.store(true);
  const nlohmann::json processes = json(response.get());
  const nlohmann::json entry = entryOf(processes, "target");
  EXPECT_EQ("unresponsive", entry["state"]) << entry;
  EXPECT_TRUE(entry["queued"].is_null()) << entry;
  EXPECT_TRUE(entry["events_run"].is_null()) << entry;
  EXPECT_EQ(0u, entry["events"].size());
  EXPECT_TRUE(entryOf(processes, "help").is_object());
  terminate(target);
  wait(target);
}

TEST(ProcessesEndpoint, ABadTimeoutIsABadRequest) {
  Context node(twoWorkers());
  Future<http::Response> response =
      get(node, "__processes__", "", "timeout=soon");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::BadRequest().status, response);
  EXPECT_NE(std::string::npos, response->body.find("Invalid timeout 'soon'"))
      << response->body;
}

TEST(ProcessesEndpoint, WrapsTheAnswerForJsonp) {
  Context node(twoWorkers());
  Future<http::Response> response =
      get(node, "__processes__", "", "jsonp=show");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ("text/javascript", response->headers.get("Content-Type"));
  EXPECT_EQ(0u, response->body.rfind("show([", 0)) << response->body;
}

}  // namespace
