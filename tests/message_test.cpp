// Named messages: install(), send(), post(); routing by reference and by a
// parsed name, to a process that replaced one of the same name; messages
// that find no process (dropped and counted) or no handler (ignored).
#include <cstddef>
#include <list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

using namespace process;

namespace {

struct Message {
  UPID from;
  std::string name;
  std::string body;
};

// Spawns processes on the default context and, when it goes out of scope
// (also after a failed ASSERT), terminates and waits for them. Declare it
// after the processes it spawns, so that it runs first.
class Spawned {
 public:
  Spawned() = default;
  template <typename... P>
  explicit Spawned(P&... processes) {
    (add(processes), ...);
  }
  ~Spawned() { reap(); }
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  UPID add(ProcessBase& process) {
    UPID pid = spawn(process);
    EXPECT_TRUE(pid) << "spawn failed";
    pids_.push_back(pid);
    return pid;
  }

  void reap() {
    for (const UPID& pid : pids_) {
      terminate(pid);
    }
    for (const UPID& pid : pids_) {
      EXPECT_TRUE(wait(pid, Seconds(15))) << pid << " did not terminate";
    }
    pids_.clear();
  }

 private:
  std::vector<UPID> pids_;
};

// A process that records the messages it is told to handle, can answer
// them, and sends messages on request (send() is protected: a process sends
// from its own events).
class Peer : public Process<Peer> {
 public:
  explicit Peer(const std::string& id = "") : Process<Peer>(id) {}

  // Records messages called `name`, under `label` (by default the name).
  // Install before spawning, or from the process's own events.
  void record(const std::string& name, const std::string& label = "") {
    install(name, [this, label = label.empty() ? name : label](
                      const UPID& from, const std::string& body) {
      received_.push_back({from, label, body});
      notify();
    });
  }

  // Records messages called `name` and answers each with `reply`, carrying
  // the same body, to its sender.
  void echo(const std::string& name, const std::string& reply) {
    install(name,
            [this, name, reply](const UPID& from, const std::string& body) {
              received_.push_back({from, name, body});
              send(from, reply, body);
              notify();
            });
  }

  // Ready with every message received so far once there are `count` of them.
  Future<std::vector<Message>> waitFor(size_t count) {
    waiters_.emplace_back(count, Promise<std::vector<Message>>());
    Future<std::vector<Message>> future = waiters_.back().second.future();
    notify();
    return future;
  }

  std::vector<Message> received() const { return received_; }

  void sendEmpty(const UPID& to, const std::string& name) { send(to, name); }
  void sendData(const UPID& to, const std::string& name,
                const std::string& bytes) {
    send(to, name, bytes.data(), bytes.size());
  }
  void sendString(const UPID& to, const std::string& name, std::string body) {
    send(to, name, std::move(body));
  }

  // Reads received_ after the process terminated (and was waited for).
  const std::vector<Message>& receivedAfterTermination() const {
    return received_;
  }

 private:
  void notify() {
    for (auto waiter = waiters_.begin(); waiter != waiters_.end();) {
      if (received_.size() >= waiter->first) {
        waiter->second.set(received_);
        waiter = waiters_.erase(waiter);
      } else {
        ++waiter;
      }
    }
  }

  std::vector<Message> received_;
  std::list<std::pair<size_t, Promise<std::vector<Message>>>> waiters_;
};

// Installs a member function as its handler.
class MemberHandler : public Process<MemberHandler> {
 public:
  Future<Message> pinged() const { return pinged_.future(); }

 protected:
  void initialize() override { install("ping", &MemberHandler::ping); }

 private:
  void ping(const UPID& from, const std::string& body) {
    pinged_.set(Message{from, "ping", body});
  }

  Promise<Message> pinged_;
};

// A process with no handlers at all.
class Silent : public Process<Silent> {
 public:
  int answer() const { return 42; }
};

uint64_t dropped() {
  return Context::instance().droppedMessages();
}

// A UPID naming no process on the default context.
UPID nobody() {
  return UPID("nobody@" + [] {
    std::ostringstream out;
    out << Context::instance().address();
    return out.str();
  }());
}

TEST(Message, InstallMemberFunction) {
  MemberHandler handler;
  Spawned spawned(handler);

  post(handler.self(), "ping", "hello");

  Future<Message> pinged = handler.pinged();
  AWAIT_READY(pinged);
  EXPECT_EQ("hello", pinged->body);
  EXPECT_FALSE(pinged->from);
}

TEST(Message, InstallLambda) {
  Peer peer;
  peer.record("hello");
  Spawned spawned(peer);

  post(peer.self(), "hello", "world");

  Future<std::vector<Message>> received =
      dispatch(peer, &Peer::waitFor, size_t(1));
  AWAIT_READY(received);
  ASSERT_EQ(1u, received->size());
  EXPECT_EQ("hello", received->at(0).name);
  EXPECT_EQ("world", received->at(0).body);
}

TEST(Message, InstallOnTheProcessAfterSpawn) {
  Peer peer;
  Spawned spawned(peer);

  // Handlers may be installed later, from the process's own events.
  AWAIT_READY(dispatch(peer, [&peer] {
    peer.record("late");
    return Nothing();
  }));
  post(peer.self(), "late", "body");

  Future<std::vector<Message>> received =
      dispatch(peer, &Peer::waitFor, size_t(1));
  AWAIT_READY(received);
  EXPECT_EQ("body", received->at(0).body);
}

TEST(Message, LaterInstallReplacesHandler) {
  Peer peer;
  peer.record("message", "first");
  peer.record("message", "second");
  Spawned spawned(peer);

  post(peer.self(), "message", "x");
  post(peer.self(), "message", "y");

  Future<std::vector<Message>> received =
      dispatch(peer, &Peer::waitFor, size_t(2));
  AWAIT_READY(received);
  ASSERT_EQ(2u, received->size());
  EXPECT_EQ("second", received->at(0).name);
  EXPECT_EQ("second", received->at(1).name);
}

TEST(Message, SendCarriesSenderAndReceiverCanReply) {
  Peer server;
  server.echo("ping", "pong");
  Peer client;
  client.record("pong");
  Spawned spawned(server, client);

  dispatch(client, &Peer::sendString, server.self(), std::string("ping"),
           std::string("payload"));

  Future<std::vector<Message>> pinged =
      dispatch(server, &Peer::waitFor, size_t(1));
  AWAIT_READY(pinged);
  EXPECT_EQ(client.self(), pinged->at(0).from);
  EXPECT_EQ("payload", pinged->at(0).body);

  Future<std::vector<Message>> ponged =
      dispatch(client, &Peer::waitFor, size_t(1));
  AWAIT_READY(ponged);
  EXPECT_EQ("pong", ponged->at(0).name);
  EXPECT_EQ(server.self(), ponged->at(0).from);
  EXPECT_EQ("payload", ponged->at(0).body);
}

TEST(Message, SendDataAndLengthKeepsNulBytes) {
  Peer receiver;
  receiver.record("bytes");
  Peer sender;
  Spawned spawned(receiver, sender);

  const char data[] = {'a', '\0', 'b', '\0', '\0', '\xff', 'c'};
  const std::string bytes(data, sizeof(data));
  ASSERT_EQ(7u, bytes.size());
  dispatch(sender, &Peer::sendData, receiver.self(), std::string("bytes"),
           bytes);

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(1));
  AWAIT_READY(received);
  EXPECT_EQ(bytes, received->at(0).body);
  EXPECT_EQ(7u, received->at(0).body.size());
  EXPECT_EQ(sender.self(), received->at(0).from);
}

TEST(Message, SendStringKeepsNulBytes) {
  Peer receiver;
  receiver.record("bytes");
  Peer sender;
  Spawned spawned(receiver, sender);

  const std::string bytes("\0\0x\0y\0", 6);
  dispatch(sender, &Peer::sendString, receiver.self(), std::string("bytes"),
           bytes);

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(1));
  AWAIT_READY(received);
  EXPECT_EQ(bytes, received->at(0).body);
}

TEST(Message, SendWithoutBody) {
  Peer receiver;
  receiver.record("empty");
  Peer sender;
  Spawned spawned(receiver, sender);

  dispatch(sender, &Peer::sendEmpty, receiver.self(), std::string("empty"));

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(1));
  AWAIT_READY(received);
  EXPECT_EQ("empty", received->at(0).name);
  EXPECT_EQ("", received->at(0).body);
  EXPECT_EQ(sender.self(), received->at(0).from);
}

TEST(Message, PostFromOutsideHasEmptySender) {
  Peer receiver;
  receiver.record("string");
  receiver.record("data");
  receiver.record("default");
  Spawned spawned(receiver);

  post(receiver.self(), "string", "text");
  const char data[] = {'\0', '1', '\0'};
  post(receiver.self(), "data", data, sizeof(data));
  post(receiver.self(), "default");

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(3));
  AWAIT_READY(received);
  ASSERT_EQ(3u, received->size());
  EXPECT_EQ("text", received->at(0).body);
  EXPECT_EQ(std::string(data, sizeof(data)), received->at(1).body);
  EXPECT_EQ("", received->at(2).body);
  for (const Message& message : received.get()) {
    EXPECT_FALSE(message.from) << message.name;
    EXPECT_EQ(UPID(), message.from) << message.name;
  }
}

TEST(Message, PostNamingASender) {
  Peer server;
  server.echo("ping", "pong");
  Peer client;
  client.record("pong");
  Spawned spawned(server, client);

  // The answer goes to the process that post() named as the sender.
  post(client.self(), server.self(), "ping", "on behalf");

  Future<std::vector<Message>> ponged =
      dispatch(client, &Peer::waitFor, size_t(1));
  AWAIT_READY(ponged);
  EXPECT_EQ(server.self(), ponged->at(0).from);
  EXPECT_EQ("on behalf", ponged->at(0).body);
}

TEST(Message, ReplyToEmptySenderIsDroppedAndCounted) {
  Peer server;
  server.echo("ping", "pong");
  Spawned spawned(server);

  const uint64_t before = dropped();
  post(server.self(), "ping", "anyone?");  // The echo goes to UPID().

  Future<std::vector<Message>> pinged =
      dispatch(server, &Peer::waitFor, size_t(1));
  AWAIT_READY(pinged);
  // The handler ran (and sent its answer nowhere) before this dispatch.
  AWAIT_READY(dispatch(server, [] { return Nothing(); }));
  EXPECT_EQ(before + 1, dropped());
}

TEST(Message, DottedNames) {
  Peer receiver;
  receiver.record("mesos.internal.Ping");
  receiver.record("mesos.internal.Pong");
  receiver.record("mesos.internal");
  receiver.record("Ping");
  receiver.record("internal.Ping");
  Spawned spawned(receiver);

  post(receiver.self(), "mesos.internal.Ping", "1");
  post(receiver.self(), "mesos.internal.Pong", "2");
  post(receiver.self(), "Ping", "3");

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(3));
  AWAIT_READY(received);
  // Nothing else arrives once this later dispatch has run.
  AWAIT_READY(dispatch(receiver, [] { return Nothing(); }));
  Future<std::vector<Message>> all =
      dispatch(receiver, [&receiver] { return receiver.received(); });
  AWAIT_READY(all);
  ASSERT_EQ(3u, all->size());
  EXPECT_EQ("mesos.internal.Ping", all->at(0).name);
  EXPECT_EQ("1", all->at(0).body);
  EXPECT_EQ("mesos.internal.Pong", all->at(1).name);
  EXPECT_EQ("2", all->at(1).body);
  EXPECT_EQ("Ping", all->at(2).name);
  EXPECT_EQ("3", all->at(2).body);
}

TEST(Message, UnknownProcessIsDroppedAndCounted) {
  Peer sender;
  Spawned spawned(sender);

  const UPID target = nobody();
  ASSERT_TRUE(target);
  ASSERT_EQ(Context::instance().address(), target.address);

  const uint64_t before = dropped();
  post(target, "ping", "from outside");
  EXPECT_EQ(before + 1, dropped());

  AWAIT_READY(dispatch(sender, [&sender, target] {
    sender.sendString(target, "ping", "from a process");
    return Nothing();
  }));
  EXPECT_EQ(before + 2, dropped());
}

TEST(Message, InvalidUpidIsDroppedAndCounted) {
  Peer sender;
  Spawned spawned(sender);

  const uint64_t before = dropped();
  post(UPID(), "ping", "x");
  AWAIT_READY(dispatch(sender, [&sender] {
    sender.sendString(UPID(), "ping", "x");
    return Nothing();
  }));
  EXPECT_EQ(before + 2, dropped());
}

TEST(Message, TerminatedProcessIsDroppedAndCounted) {
  Peer receiver;
  receiver.record("ping");
  const UPID pid = spawn(receiver);
  ASSERT_TRUE(pid);
  terminate(pid);
  ASSERT_TRUE(wait(pid, Seconds(15)));

  const uint64_t before = dropped();
  post(pid, "ping", "too late");
  post(UPID(stringify(pid)), "ping", "too late, by name");
  EXPECT_EQ(before + 2, dropped());
  EXPECT_TRUE(receiver.receivedAfterTermination().empty());
}

TEST(Message, NoHandlerIsIgnored) {
  Peer receiver;
  receiver.record("known");
  Silent silent;
  Spawned spawned(receiver, silent);

  const uint64_t before = dropped();
  post(receiver.self(), "unknown", "ignored");
  post(receiver.self(), "known", "handled");
  post(silent.self(), "anything", "ignored");

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(1));
  AWAIT_READY(received);
  ASSERT_EQ(1u, received->size());
  EXPECT_EQ("known", received->at(0).name);
  EXPECT_EQ("handled", received->at(0).body);

  // A process without any handler still runs later events.
  AWAIT_EXPECT_EQ(42, dispatch(silent, &Silent::answer));
  // The process was found: an unhandled message is not a dropped one.
  EXPECT_EQ(before, dropped());
}

TEST(Message, OrderFromOneSenderIsKept) {
  constexpr int kCount = 1000;
  Peer receiver;
  receiver.record("n");
  receiver.record("posted");
  Peer sender;
  Spawned spawned(receiver, sender);

  // From a process, spread over several of its events.
  for (int batch = 0; batch < kCount / 10; ++batch) {
    dispatch(sender, [&sender, to = receiver.self(), batch] {
      for (int i = 0; i < 10; ++i) {
        sender.sendString(to, "n", std::to_string(batch * 10 + i));
      }
    });
  }
  // And from one thread outside any process.
  for (int i = 0; i < kCount; ++i) {
    post(receiver.self(), "posted", std::to_string(i));
  }

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(2 * kCount));
  AWAIT_READY(received);
  int nextSent = 0;
  int nextPosted = 0;
  for (const Message& message : received.get()) {
    if (message.name == "n") {
      ASSERT_EQ(std::to_string(nextSent), message.body);
      EXPECT_EQ(sender.self(), message.from);
      ++nextSent;
    } else {
      ASSERT_EQ(std::to_string(nextPosted), message.body);
      ++nextPosted;
    }
  }
  EXPECT_EQ(kCount, nextSent);
  EXPECT_EQ(kCount, nextPosted);
}

TEST(Message, ParsedUpidReachesLiveProcess) {
  Peer receiver("parsed-receiver");
  receiver.record("ping");
  Peer sender;
  Spawned spawned(receiver, sender);

  const UPID parsed(stringify(receiver.self()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(receiver.self(), parsed);
  EXPECT_EQ("parsed-receiver", parsed.id);
  // Made from text: no reference to the process, found by its id.
  EXPECT_FALSE(parsed.reference);

  post(parsed, "ping", "posted");
  AWAIT_READY(dispatch(sender, [&sender, parsed] {
    sender.sendString(parsed, "ping", "sent");
    return Nothing();
  }));

  Future<std::vector<Message>> received =
      dispatch(receiver, &Peer::waitFor, size_t(2));
  AWAIT_READY(received);
  EXPECT_EQ("posted", received->at(0).body);
  EXPECT_EQ("sent", received->at(1).body);
  EXPECT_EQ(sender.self(), received->at(1).from);
}

TEST(Message, ReplacedProcessReceivesMessagesForItsName) {
  Peer first("replaceable");
  first.record("ping");
  const UPID old = spawn(first);
  ASSERT_TRUE(old);
  post(old, "ping", "to the first");
  Future<std::vector<Message>> toFirst =
      dispatch(first, &Peer::waitFor, size_t(1));
  AWAIT_READY(toFirst);
  terminate(old);
  ASSERT_TRUE(wait(old, Seconds(15)));

  Peer second("replaceable");
  second.record("ping");
  Spawned spawned(second);
  ASSERT_EQ(old, second.self());  // Same name, a different process.

  // The old UPID still references the first process's (dead) cell.
  ASSERT_TRUE(old.reference);
  const uint64_t before = dropped();
  post(old, "ping", "by the old reference");
  post(UPID(stringify(old)), "ping", "by name");

  Future<std::vector<Message>> received =
      dispatch(second, &Peer::waitFor, size_t(2));
  AWAIT_READY(received);
  EXPECT_EQ("by the old reference", received->at(0).body);
  EXPECT_EQ("by name", received->at(1).body);
  EXPECT_EQ(before, dropped());
  ASSERT_EQ(1u, first.receivedAfterTermination().size());
}

}  // namespace
