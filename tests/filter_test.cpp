// process::filter (filter.hpp): one filter for the OS process sees every
// message (local and remote), dispatch, HTTP request and exit notice as its
// process takes it off the mailbox, and what it drops never runs.
#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <typeinfo>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/event.hpp>
#include <process/filter.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "doubles.hpp"
#include "reaper.hpp"

using namespace process;
using doubles::Sender;
using doubles::Target;

namespace {

// Records what it is shown; drops what `drops` says; announces the first
// event it sees of a message name or of an exit.
class RecordingFilter : public Filter {
 public:
  bool filter(const UPID& process, const MessageEvent& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    messages.push_back(event.message);
    receivers.push_back(process);
    if (event.message.name == "probe") {
      probeSeen.set(Nothing());
    }
    return dropMessage == event.message.name;
  }
  bool filter(const UPID& /*process*/, const DispatchEvent& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (event.functionType.isSome()) {
      dispatched.push_back(event.functionType.get());
    } else {
      ++lambdas;
    }
    return dropDispatchOf != nullptr && event.functionType.isSome() &&
           *event.functionType.get() == *dropDispatchOf;
  }
  bool filter(const UPID& process, const HttpEvent& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    paths.push_back(event.request->url.path);
    receivers.push_back(process);
    return dropRequests;
  }
  bool filter(const UPID& process, const ExitedEvent& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    exited.push_back(event.pid);
    receivers.push_back(process);
    exitSeen.set(Nothing());
    return dropExits;
  }

  template <typename F>
  auto read(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    return f();
  }

  std::string dropMessage;
  const std::type_info* dropDispatchOf = nullptr;
  bool dropRequests = false;
  bool dropExits = false;

  std::vector<Message> messages;
  std::vector<UPID> receivers;
  std::vector<const std::type_info*> dispatched;
  int lambdas = 0;
  std::vector<std::string> paths;
  std::vector<UPID> exited;
  Promise<Nothing> probeSeen;
  Promise<Nothing> exitSeen;

 private:
  std::mutex mutex_;
};

// Installs a filter for one test and removes it, also after a failed ASSERT.
class Installed {
 public:
  explicit Installed(Filter* filter) { process::filter(filter); }
  ~Installed() { process::filter(nullptr); }
  Installed(const Installed&) = delete;
  Installed& operator=(const Installed&) = delete;
};

}  // namespace

TEST(Filter, SeesEachKindOfEventWithItsFields) {
  Target target;
  Sender sender;
  Target watcher("watcher");
  Target doomed("doomed");
  spawn(target);
  spawn(sender);
  spawn(watcher);
  spawn(doomed);
  Reaper reaper(target, sender, watcher);

  RecordingFilter recording;
  Installed installed(&recording);

  dispatch(sender, &Sender::sendTo, target.self(), "ping", "body");
  AWAIT_EXPECT_EQ(3, dispatch(target, &Target::add, 3));
  AWAIT_READY(dispatch(target, [] { return 1; }));
  AWAIT_EXPECT_RESPONSE_BODY_EQ("hi", http::post(target.self(), "echo",
                                                 None(), std::string("hi")));
  AWAIT_READY(dispatch(watcher, &Target::watch, doomed.self()));
  terminate(doomed);
  wait(doomed);
  AWAIT_READY(recording.exitSeen.future());
  Clock::pause();
  Clock::settle();

  recording.read([&] {
    ASSERT_EQ(1u, recording.messages.size());
    const Message& ping = recording.messages[0];
    EXPECT_EQ("ping", ping.name);
    EXPECT_EQ(sender.self(), ping.from);
    EXPECT_EQ(target.self(), ping.to);  // filled in before the filter
    EXPECT_EQ("body", ping.body);
    EXPECT_EQ(target.self(), recording.receivers[0]);

    // Method dispatches carry the type of the method pointer.
    std::vector<const std::type_info*> methods = recording.dispatched;
    EXPECT_NE(methods.end(),
              std::find_if(methods.begin(), methods.end(), [](auto* type) {
                return *type == typeid(&Target::add);
              }));
    EXPECT_NE(methods.end(),
              std::find_if(methods.begin(), methods.end(), [](auto* type) {
                return *type == typeid(&Sender::sendTo);
              }));
    EXPECT_GE(recording.lambdas, 1);

    ASSERT_EQ(1u, recording.paths.size());
    EXPECT_EQ("/target/echo", recording.paths[0]);
    ASSERT_EQ(1u, recording.exited.size());
    EXPECT_EQ(doomed.self(), recording.exited[0]);
  });
  EXPECT_EQ(1, target.pings.load());
  EXPECT_EQ(1, watcher.exits.load());
}

TEST(Filter, DroppedEventsNeverRun) {
  Target target;
  Target watcher("watcher");
  Target doomed("doomed");
  spawn(target);
  spawn(watcher);
  spawn(doomed);
  Reaper reaper(target, watcher);

  RecordingFilter recording;
  recording.dropMessage = "ping";
  recording.dropDispatchOf = &typeid(&Target::add);
  recording.dropRequests = true;
  recording.dropExits = true;
  Installed installed(&recording);
  Clock::pause();

  post(target.self(), "ping");
  // As libprocess's: a dropped dispatch's promise is gone, its future
  // abandoned. Another method of another type still runs.
  Future<int> added = dispatch(target, &Target::add, 1);
  dispatch(target, &Target::touch);
  // A dropped request is answered 500.
  Future<http::Response> response = http::get(target.self(), "echo");
  AWAIT_READY(dispatch(watcher, &Target::watch, doomed.self()));
  terminate(doomed);
  wait(doomed);
  AWAIT_READY(recording.exitSeen.future());
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::InternalServerError().status,
                                  response);
  AWAIT_EXPECT_ABANDONED(added);
  Clock::settle();

  EXPECT_EQ(0, target.pings.load());
  EXPECT_EQ(0, target.adds.load());
  EXPECT_EQ(1, target.touches.load());
  EXPECT_EQ(0, target.requests.load());
  EXPECT_EQ(0, watcher.exits.load());
}

// Two nodes in one OS process whose messages cross the socket.
TEST(Filter, SeesRemoteMessagesAndExits) {
  Context near(Context::Options{.workers = 2});
  auto far = std::make_unique<Context>(Context::Options{.workers = 2});
  Sender sender;
  Target watcher("watcher");
  near.spawn(sender);
  near.spawn(watcher);
  Target target;
  far->spawn(target);
  Reaper reaper(sender, watcher);

  RecordingFilter recording;
  recording.dropMessage = "ping";
  recording.dropExits = true;
  Installed installed(&recording);

  dispatch(sender, &Sender::sendTo, target.self(), "ping", "");
  dispatch(sender, &Sender::sendTo, target.self(), "probe", "");
  // One connection keeps their order: the ping was shown (and dropped)
  // before the probe was.
  AWAIT_READY(recording.probeSeen.future());
  AWAIT_READY(dispatch(target, [] { return Nothing(); }));
  EXPECT_EQ(0, target.pings.load());
  EXPECT_EQ(1, target.probes.load());
  recording.read([&] {
    ASSERT_EQ(2u, recording.messages.size());
    EXPECT_EQ(sender.self(), recording.messages[0].from);
    EXPECT_EQ(target.self(), recording.messages[0].to);
  });

  // The far node goes away: the watcher's exit notice is shown, and dropped.
  const UPID gone = target.self();
  AWAIT_READY(dispatch(watcher, &Target::watch, gone));
  far.reset();
  AWAIT_READY(recording.exitSeen.future());
  AWAIT_READY(dispatch(watcher, [] { return Nothing(); }));
  EXPECT_EQ(0, watcher.exits.load());
  recording.read([&] {
    ASSERT_EQ(1u, recording.exited.size());
    EXPECT_EQ(gone, recording.exited[0]);
    EXPECT_EQ(watcher.self(), recording.receivers.back());
  });
}

TEST(Filter, RemovedFilterSeesNothing) {
  Target target;
  spawn(target);
  Reaper reaper(target);

  RecordingFilter recording;
  recording.dropMessage = "ping";
  process::filter(&recording);
  process::filter(nullptr);

  post(target.self(), "ping");
  AWAIT_READY(dispatch(target, [] { return Nothing(); }));
  EXPECT_EQ(1, target.pings.load());
  recording.read([&] { EXPECT_TRUE(recording.messages.empty()); });
}

// Installing, removing and deleting filters while workers filter: removal
// waits for whoever is inside the filter, so deleting it then is safe (the
// sanitizer builds check it).
TEST(Filter, InstalledAndRemovedWhileEventsRun) {
  Target target;
  Sender sender;
  spawn(target);
  spawn(sender);
  Reaper reaper(target, sender);

  class Counting : public Filter {
   public:
    explicit Counting(std::atomic<int>* seen) : seen_(seen) {}
    bool filter(const UPID& /*process*/, const MessageEvent& /*e*/) override {
      seen_->fetch_add(1, std::memory_order_relaxed);
      return false;
    }

   private:
    std::atomic<int>* seen_;
  };

  constexpr int kMessages = 20000;
  std::atomic<int> seen{0};
  for (int i = 0; i < kMessages; ++i) {
    dispatch(sender, &Sender::sendTo, target.self(), "ping", "");
  }
  for (int round = 0; round < 200; ++round) {
    auto counting = std::make_unique<Counting>(&seen);
    process::filter(counting.get());
    process::filter(nullptr);
  }
  dispatch(sender, &Sender::sendTo, target.self(), "probe", "");
  Clock::pause();
  Clock::settle();
  EXPECT_EQ(1, target.probes.load());
  // Nothing was dropped, whichever filter saw what.
  EXPECT_EQ(kMessages, target.pings.load());
  EXPECT_LE(seen.load(), kMessages);
}
