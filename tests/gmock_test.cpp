// <process/gmock.hpp>: FUTURE_/DROP_/EXPECT_NO_FUTURE_ for messages (local
// and across the socket), dispatches, exit notices and HTTP requests. The
// filter they install is removed after each test by the listener that
// Procession::gtest appends (test_listeners/ checks that).
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/defer.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gmock.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "doubles.hpp"
#include "reaper.hpp"

using namespace process;
using doubles::Sender;
using doubles::Target;
using ::testing::_;
using ::testing::Eq;
using ::testing::StartsWith;

namespace {

// A target and a sender on the default context.
class GMock : public ::testing::Test {
 protected:
  void SetUp() override {
    spawn(target);
    spawn(sender);
  }
  void TearDown() override {
    terminate(target);
    terminate(sender);
    wait(target);
    wait(sender);
  }

  // After this, whatever was sent to the target before has been handled.
  void drain() { AWAIT_READY(dispatch(target, [] { return Nothing(); })); }

  Target target;
  Sender sender;
};

Try<std::string> anyBody(const std::string& body) {
  return body;
}

}  // namespace

TEST_F(GMock, FutureMessageGivesTheMessage) {
  Future<Message> ping = FUTURE_MESSAGE(Eq("ping"), sender.self(), _);
  dispatch(sender, &Sender::sendTo, target.self(), "ping", "body");
  AWAIT_READY(ping);
  EXPECT_EQ("ping", ping->name);
  EXPECT_EQ(sender.self(), ping->from);
  EXPECT_EQ(target.self(), ping->to);
  EXPECT_EQ("body", ping->body);
  drain();
  EXPECT_EQ(1, target.pings.load());  // FUTURE_ does not drop
}

TEST_F(GMock, NamesAreMatchersOrStrings) {
  Future<Message> probe = FUTURE_MESSAGE("probe", _, target.self());
  Future<Message> prefixed = FUTURE_MESSAGE(StartsWith("pi"), _, _);
  post(target.self(), "ping");
  post(target.self(), "probe");
  AWAIT_EXPECT_EQ(std::string("ping"), prefixed.then([](const Message& m) {
    return m.name;
  }));
  AWAIT_READY(probe);
  // From outside any process: an empty sender.
  EXPECT_EQ(UPID(), probe->from);
}

TEST_F(GMock, DropMessageDropsOneThenRetires) {
  Future<Message> dropped = DROP_MESSAGE(Eq("ping"), _, target.self());
  post(target.self(), "ping");
  post(target.self(), "ping");
  AWAIT_READY(dropped);
  drain();
  EXPECT_EQ(1, target.pings.load());
}

TEST_F(GMock, DropMessagesDropsEveryOne) {
  DROP_MESSAGES(Eq("ping"), _, _);
  Clock::pause();
  for (int i = 0; i < 10; ++i) {
    post(target.self(), "ping");
  }
  post(target.self(), "probe");
  Clock::settle();
  EXPECT_EQ(0, target.pings.load());
  EXPECT_EQ(1, target.probes.load());
}

TEST_F(GMock, DropMessagesMatchesTheSender) {
  DROP_MESSAGES(Eq("ping"), sender.self(), _);
  post(target.self(), "ping");  // from nobody: not this sender's
  dispatch(sender, &Sender::sendTo, target.self(), "ping", "");
  Future<Message> probe = FUTURE_MESSAGE(Eq("probe"), sender.self(), _);
  dispatch(sender, &Sender::sendTo, target.self(), "probe", "");
  AWAIT_READY(probe);
  drain();
  EXPECT_EQ(1, target.pings.load());
}

TEST_F(GMock, ExpectNoFutureMessagesFailsWhenOneComes) {
  EXPECT_NO_FUTURE_MESSAGES(Eq("ping"), _, target.self());
  post(target.self(), "probe");  // another name: fine
  drain();
  auto arrives = [&] {
    post(target.self(), "ping");
    EXPECT_TRUE(
        dispatch(target, [] { return Nothing(); }).await(TEST_AWAIT_TIMEOUT));
  };
  EXPECT_NONFATAL_FAILURE_ON_ALL_THREADS(arrives(),
                                         "called more times than expected");
  // Forbidding is not dropping.
  EXPECT_EQ(1, target.pings.load());
}

TEST(GMockRemote, MessagesAcrossTheSocket) {
  Context near(Context::Options{.workers = 2});
  Context far(Context::Options{.workers = 2});
  Sender sender;
  Target target;
  near.spawn(sender);
  far.spawn(target);
  Reaper reaper(sender, target);

  Future<Message> ping = FUTURE_MESSAGE(Eq("ping"), sender.self(), _);
  dispatch(sender, &Sender::sendTo, target.self(), "ping", "far away");
  AWAIT_READY(ping);
  EXPECT_EQ(sender.self(), ping->from);
  EXPECT_EQ(target.self(), ping->to);
  EXPECT_EQ("far away", ping->body);

  DROP_MESSAGES(Eq("ping"), _, target.self());
  Future<Message> probe = FUTURE_MESSAGE(Eq("probe"), _, target.self());
  dispatch(sender, &Sender::sendTo, target.self(), "ping", "");
  dispatch(sender, &Sender::sendTo, target.self(), "probe", "");
  // One connection keeps their order: the ping went first.
  AWAIT_READY(probe);
  AWAIT_READY(dispatch(target, [] { return Nothing(); }));
  EXPECT_EQ(1, target.pings.load());
  EXPECT_EQ(1, target.probes.load());
}

TEST_F(GMock, FutureDispatchSeesTheMethod) {
  Future<Nothing> added = FUTURE_DISPATCH(target.self(), &Target::add);
  Future<Nothing> touched = FUTURE_DISPATCH(_, &Target::touch);
  dispatch(target, &Target::touch);
  AWAIT_READY(touched);
  EXPECT_TRUE(added.isPending());
  AWAIT_EXPECT_EQ(2, dispatch(target, &Target::add, 2));
  AWAIT_READY(added);
}

// As in libprocess, a dispatch matches by the method pointer's type: add and
// subtract, both int(int), match each other.
TEST_F(GMock, DispatchesMatchByTheMethodsType) {
  Future<Nothing> added = FUTURE_DISPATCH(target.self(), &Target::add);
  dispatch(target, &Target::subtract, 1);
  AWAIT_READY(added);
}

TEST_F(GMock, DeferredAndDelayedMethodsAreDispatches) {
  Future<Nothing> deferred = FUTURE_DISPATCH(target.self(), &Target::add);
  Promise<int> trigger;
  Future<int> sum = trigger.future().then(defer(target, &Target::add, 5));
  trigger.set(0);
  AWAIT_READY(deferred);
  AWAIT_EXPECT_EQ(5, sum);

  Clock::pause();
  Future<Nothing> delayed = FUTURE_DISPATCH(target.self(), &Target::touch);
  delay(Seconds(10), target, &Target::touch);
  Clock::settle();
  EXPECT_TRUE(delayed.isPending());
  Clock::advance(Seconds(10));
  AWAIT_READY(delayed);
}

TEST_F(GMock, DropDispatchAbandonsItsFuture) {
  Future<Nothing> dropped = DROP_DISPATCH(target.self(), &Target::add);
  Future<int> first = dispatch(target, &Target::add, 1);
  Future<int> second = dispatch(target, &Target::add, 10);
  AWAIT_READY(dropped);
  AWAIT_EXPECT_ABANDONED(first);
  AWAIT_EXPECT_EQ(10, second);  // retired after one
}

TEST_F(GMock, DropDispatchesDropsEveryOne) {
  DROP_DISPATCHES(target.self(), &Target::touch);
  for (int i = 0; i < 5; ++i) {
    dispatch(target, &Target::touch);
  }
  AWAIT_EXPECT_EQ(1, dispatch(target, &Target::add, 1));
  EXPECT_EQ(0, target.touches.load());
}

TEST_F(GMock, ExpectNoFutureDispatchesFailsWhenOneComes) {
  EXPECT_NO_FUTURE_DISPATCHES(_, &Target::touch);
  AWAIT_READY(dispatch(target, [] { return Nothing(); }));
  auto arrives = [&] {
    dispatch(target, &Target::touch);
    EXPECT_TRUE(
        dispatch(target, [] { return Nothing(); }).await(TEST_AWAIT_TIMEOUT));
  };
  EXPECT_NONFATAL_FAILURE_ON_ALL_THREADS(arrives(),
                                         "called more times than expected");
}

TEST_F(GMock, FutureExitedAndDropExited) {
  Target watcher("watcher");
  Target first("first");
  Target second("second");
  spawn(watcher);
  spawn(first);
  spawn(second);
  Reaper reaper(watcher);
  AWAIT_READY(dispatch(watcher, &Target::watch, first.self()));
  AWAIT_READY(dispatch(watcher, &Target::watch, second.self()));

  Future<Nothing> exited = FUTURE_EXITED(first.self(), watcher.self());
  Future<Nothing> dropped = DROP_EXITED(second.self(), _);
  terminate(first);
  wait(first);
  AWAIT_READY(exited);
  terminate(second);
  wait(second);
  AWAIT_READY(dropped);
  AWAIT_READY(dispatch(watcher, [] { return Nothing(); }));
  EXPECT_EQ(1, watcher.exits.load());
}

TEST(GMockRemote, ExitedAcrossTheSocket) {
  Context near(Context::Options{.workers = 2});
  auto far = std::make_unique<Context>(Context::Options{.workers = 2});
  Target watcher("watcher");
  near.spawn(watcher);
  Target target;
  far->spawn(target);
  Reaper reaper(watcher);
  AWAIT_READY(dispatch(watcher, &Target::watch, target.self()));

  Future<Nothing> exited = FUTURE_EXITED(target.self(), watcher.self());
  far.reset();  // the far node goes away
  AWAIT_READY(exited);
  AWAIT_READY(dispatch(watcher, [] { return Nothing(); }));
  EXPECT_EQ(1, watcher.exits.load());
}

TEST_F(GMock, FutureHttpRequestGivesTheRequest) {
  Future<http::Request> request =
      FutureHttpRequest(std::string(), "/target/echo", anyBody);
  Future<http::Response> response =
      http::post(target.self(), "echo", None(), std::string("hello"));
  AWAIT_READY(request);
  EXPECT_EQ("POST", request->method);
  EXPECT_EQ("hello", request->body);
  AWAIT_EXPECT_RESPONSE_BODY_EQ("hello", response);
}

TEST_F(GMock, DroppedHttpRequestsAreAnswered500) {
  Future<http::Request> dropped =
      FutureHttpRequest(std::string(), Eq("/target/echo"), anyBody, true);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::InternalServerError().status,
                                  http::get(target.self(), "echo"));
  AWAIT_READY(dropped);
  // Retired: the next one is served.
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status,
                                  http::get(target.self(), "echo"));

  DropHttpRequests(std::string(), _, anyBody);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::InternalServerError().status,
                                  http::get(target.self(), "echo"));
  EXPECT_EQ(1, target.requests.load());
}

TEST_F(GMock, HttpMatcherNeedsAParsableBody) {
  Future<http::Request> numeric =
      FutureHttpRequest(0, _, [](const std::string& body) -> Try<int> {
        if (body.empty() || body.find_first_not_of("0123456789") !=
                                std::string::npos) {
          return Error("not a number");
        }
        return std::stoi(body);
      });
  AWAIT_READY(http::post(target.self(), "echo", None(), std::string("abc")));
  EXPECT_TRUE(numeric.isPending());
  AWAIT_READY(http::post(target.self(), "echo", None(), std::string("42")));
  AWAIT_READY(numeric);
  EXPECT_EQ("42", numeric->body);
}

TEST_F(GMock, ExpectNoFutureHttpRequestsFailsWhenOneComes) {
  ExpectNoFutureHttpRequests(std::string(), "/target/echo", anyBody);
  auto arrives = [&] {
    EXPECT_TRUE(http::get(target.self(), "echo").await(TEST_AWAIT_TIMEOUT));
  };
  EXPECT_NONFATAL_FAILURE_ON_ALL_THREADS(arrives(),
                                         "called more times than expected");
}

// A future's callback may use the macros again: the filter's mutex is
// recursive, and its callbacks run on the worker that holds it.
TEST_F(GMock, CallbacksMayExpectAgain) {
  Promise<Nothing> second;
  Future<Message> first = FUTURE_MESSAGE(Eq("ping"), _, _);
  first.onReady([&](const Message&) {
    second.associate(FUTURE_DISPATCH(target.self(), &Target::touch));
  });
  post(target.self(), "ping");
  AWAIT_READY(first);
  dispatch(target, &Target::touch);
  AWAIT_READY(second.future());
}
