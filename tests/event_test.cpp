// Events (process/event.hpp): every message and exit notice reaches a
// process through ProcessBase::consume(), which an override sees first, as
// Mesos's master uses it; Event::is() and as() tell the kinds apart.
#include <process/event.hpp>

#include <string>
#include <utility>

#include <gtest/gtest.h>

#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/id.hpp>
#include <process/message.hpp>
#include <process/process.hpp>
#include <process/queue.hpp>

#include "reaper.hpp"

using namespace process;

namespace {

// Counts every message and exit before the usual handling, and swallows
// messages called "secret".
class Watcher : public Process<Watcher> {
 public:
  Watcher() : ProcessBase(ID::generate("watcher")) {}

  Queue<std::string> handled;  // by the installed handler
  Queue<std::string> seen;     // by consume(), "name from to body"
  Queue<UPID> exits;           // by exited()
  Queue<UPID> exitEvents;      // by consume(ExitedEvent&&)

  Nothing watch(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  // What libprocess's benchmark does: an event made here, consumed at once.
  Nothing consumeDirectly(const std::string& body) {
    consume(MessageEvent(self(), self(), "hello", body.data(), body.size()));
    return Nothing();
  }

 protected:
  void initialize() override {
    install("hello", [this](const UPID&, const std::string& body) {
      handled.put(body);
    });
  }

  void consume(MessageEvent&& event) override {
    const Message& message = event.message;
    seen.put(message.name + " " + stringify(message.from) + " " +
             stringify(message.to) + " " + message.body);
    if (message.name != "secret") {
      Process<Watcher>::consume(std::move(event));
    }
  }

  void consume(ExitedEvent&& event) override {
    exitEvents.put(event.pid);
    Process<Watcher>::consume(std::move(event));
  }

  void exited(const UPID& pid) override { exits.put(pid); }
};

class Sender : public Process<Sender> {
 public:
  Nothing say(const UPID& to, const std::string& name,
              const std::string& body) {
    send(to, name, body);
    return Nothing();
  }
};

class Bystander : public Process<Bystander> {};

}  // namespace

TEST(EventTest, AnOverrideSeesEveryMessageFirstAndTheBaseHandlesIt) {
  Watcher watcher;
  Sender sender;
  spawn(watcher);
  spawn(sender);
  Reaper reaper(watcher, sender);

  dispatch(sender, &Sender::say, watcher.self(), "hello", "world");
  AWAIT_EXPECT_EQ("hello " + stringify(sender.self()) + " " +
                      stringify(watcher.self()) + " world",
                  watcher.seen.get());
  AWAIT_EXPECT_EQ("world", watcher.handled.get());
}

TEST(EventTest, AnOverrideMaySwallowAMessage) {
  Watcher watcher;
  Sender sender;
  spawn(watcher);
  spawn(sender);
  Reaper reaper(watcher, sender);

  dispatch(sender, &Sender::say, watcher.self(), "secret", "x");
  dispatch(sender, &Sender::say, watcher.self(), "hello", "after");
  AWAIT_READY(watcher.seen.get());
  AWAIT_READY(watcher.seen.get());
  // The secret never reached a handler: the first handled is the later one.
  AWAIT_EXPECT_EQ("after", watcher.handled.get());
}

TEST(EventTest, MessagesPostedFromOutsideComeAsEventsToo) {
  Watcher watcher;
  spawn(watcher);
  Reaper reaper(watcher);

  post(watcher.self(), "hello", "posted");
  AWAIT_EXPECT_EQ("hello @0.0.0.0:0 " + stringify(watcher.self()) + " posted",
                  watcher.seen.get());
  AWAIT_EXPECT_EQ("posted", watcher.handled.get());
}

TEST(EventTest, AnEventMadeByTheProcessIsConsumedAtOnce) {
  Watcher watcher;
  spawn(watcher);
  Reaper reaper(watcher);

  AWAIT_READY(
      dispatch(watcher, &Watcher::consumeDirectly, std::string("direct")));
  AWAIT_EXPECT_EQ("direct", watcher.handled.get());
}

TEST(EventTest, ExitNoticesComeThroughConsumeThenExited) {
  Watcher watcher;
  auto* bystander = new Bystander();
  spawn(watcher);
  const UPID gone = spawn(bystander, true);
  Reaper reaper(watcher);

  AWAIT_READY(dispatch(watcher, &Watcher::watch, gone));
  terminate(gone);
  AWAIT_EXPECT_EQ(gone, watcher.exitEvents.get());
  AWAIT_EXPECT_EQ(gone, watcher.exits.get());
}

TEST(EventTest, IsAndAsTellTheKinds) {
  const UPID from("from", net::IP(0x7f000001), 1);
  const UPID to("to", net::IP(0x7f000001), 2);
  MessageEvent message(from, to, "name", "body", 4);
  ExitedEvent exited(from);
  const Event& first = message;
  const Event& second = exited;

  EXPECT_TRUE(first.is<MessageEvent>());
  EXPECT_FALSE(first.is<ExitedEvent>());
  EXPECT_TRUE(second.is<ExitedEvent>());
  EXPECT_EQ("name", first.as<MessageEvent>().message.name);
  EXPECT_EQ("body", first.as<MessageEvent>().message.body);
  EXPECT_EQ(to, first.as<MessageEvent>().message.to);
  EXPECT_EQ(from, second.as<ExitedEvent>().pid);
}

TEST(EventDeathTest, AsTheWrongKindAborts) {
  ExitedEvent exited(UPID("x", net::IP(0x7f000001), 1));
  const Event& event = exited;
  EXPECT_DEATH((void)event.as<MessageEvent>(), "the event is not a");
}

TEST(EventTest, AConsumerSeesTheKindItIsGiven) {
  struct Counter : EventConsumer {
    void consume(MessageEvent&& event) override { name = event.message.name; }
    void consume(ExitedEvent&& event) override { exited = event.pid; }
    std::string name;
    UPID exited;
  } counter;
  const UPID pid("p", net::IP(0x7f000001), 3);
  MessageEvent message(pid, pid, "ping", "", 0);
  std::move(message).consume(&counter);
  ExitedEvent exit(pid);
  std::move(exit).consume(&counter);
  EXPECT_EQ("ping", counter.name);
  EXPECT_EQ(pid, counter.exited);
}

namespace {

// Overrides consume() publicly, where Process<T> can see it.
class PublicConsumer : public Process<PublicConsumer> {
 public:
  void consume(MessageEvent&& event) override {
    to.put(event.message.to);
    Process<PublicConsumer>::consume(std::move(event));
  }
  Queue<UPID> to;
};

// Does not override consume(); a class derived from it does.
class Plain : public Process<Plain> {};

class DerivedConsumer : public Plain {
 public:
  Queue<UPID> to;

 protected:
  void consume(MessageEvent&& event) override {
    to.put(event.message.to);
    Plain::consume(std::move(event));
  }
};

}  // namespace

// Every override sees `to` as the receiver: whether T declares it publicly,
// or a class derived from T does.
TEST(EventTest, EveryOverrideSeesTo) {
  PublicConsumer open;
  DerivedConsumer derived;
  spawn(open);
  spawn(derived);
  Reaper reaper(open, derived);

  post(open.self(), "anything", "");
  post(derived.self(), "anything", "");
  AWAIT_EXPECT_EQ(UPID(open.self()), open.to.get());
  AWAIT_EXPECT_EQ(UPID(derived.self()), derived.to.get());
}
