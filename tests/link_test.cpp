// Links: link(pid) makes the linker's exited(pid) run once the linkee
// terminates, at once if it already has; within one context and across
// contexts.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "reaper.hpp"

using namespace process;

namespace {

// Records every exited() it hears; the first one also completes a promise.
class Linker : public Process<Linker> {
 public:
  explicit Linker(const std::string& id = "") : Process<Linker>(id) {}

  // Links to `pid` from the process (link() is protected, as in libprocess).
  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }

  // Sends a message from the process.
  Nothing sendTo(const UPID& pid) {
    send(pid, "test.hello", "body");
    return Nothing();
  }

  // The exits heard so far. Call it on the process: every exit that was
  // already queued for it has run by then.
  std::vector<UPID> exits() const { return exits_; }

  // The first exit heard.
  Future<UPID> exited() const { return exited_.future(); }

  // Whether every exited() ran on this process.
  bool ranOnItself() const { return ranOnItself_; }

 protected:
  void exited(const UPID& pid) override {
    ranOnItself_ = ranOnItself_ && currentProcess() == this;
    exits_.push_back(pid);
    exited_.set(pid);
  }

 private:
  std::vector<UPID> exits_;
  Promise<UPID> exited_;
  bool ranOnItself_ = true;
};

// Links to `target` as soon as it starts, the way a follower links to its
// leader.
class Follower : public Linker {
 public:
  explicit Follower(UPID target) : target_(std::move(target)) {}

 protected:
  void initialize() override { link(target_); }

 private:
  UPID target_;
};

class Linkee : public Process<Linkee> {
 public:
  explicit Linkee(const std::string& id = "") : Process<Linkee>(id) {}
};

// The exits `linker` has heard; every exited event queued for it before this
// call has run by the time the future is ready.
Future<std::vector<UPID>> exitsOf(Linker& linker) {
  return dispatch(linker.self(), [&linker] { return linker.exits(); });
}

Context::Options localOptions() {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  return options;
}

// Contexts that reach each other in memory: a link hears of the process's
// own exit, as within one context (over the wire only a broken connection
// is heard of; network_link_test covers that).
Context::Options inMemoryOptions() {
  Context::Options options = localOptions();
  options.inMemoryLocalPeers = true;
  return options;
}

TEST(Link, ExitedRunsOnceWhenLinkeeTerminates) {
  Linkee linkee;
  Linker linker;
  ASSERT_TRUE(spawn(linkee));
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linkee, linker);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, linkee.self()));
  EXPECT_TRUE(linker.exited().isPending());

  terminate(linkee);
  ASSERT_TRUE(wait(linkee, Seconds(15)));

  AWAIT_EXPECT_EQ(linkee.self(), linker.exited());
  // Every exit for the linker was queued before wait() returned.
  Future<std::vector<UPID>> exits = exitsOf(linker);
  AWAIT_READY(exits);
  ASSERT_EQ(1u, exits->size());
  EXPECT_EQ(linkee.self(), exits->at(0));
  AWAIT_EXPECT_TRUE(dispatch(linker, &Linker::ranOnItself));
}

TEST(Link, LinkerIsNotToldWhileLinkeeLives) {
  Linkee linkee;
  Linker linker;
  ASSERT_TRUE(spawn(linkee));
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linkee, linker);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, linkee.self()));
  // The link has reached the linkee once an event queued behind it ran.
  AWAIT_READY(dispatch(linkee, [] { return Nothing(); }));
  Future<std::vector<UPID>> exits = exitsOf(linker);
  AWAIT_READY(exits);
  EXPECT_TRUE(exits->empty());
}

TEST(Link, LinkingToATerminatedProcessRunsExitedAtOnce) {
  Linkee linkee;
  const UPID gone = spawn(linkee);
  ASSERT_TRUE(gone);
  terminate(gone);
  ASSERT_TRUE(wait(gone, Seconds(15)));

  Linker linker;
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linker);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, gone));
  AWAIT_EXPECT_EQ(gone, linker.exited());
  Future<std::vector<UPID>> exits = exitsOf(linker);
  AWAIT_READY(exits);
  EXPECT_EQ(1u, exits->size());
}

TEST(Link, LinkingToAParsedNameOfNoProcessRunsExitedAtOnce) {
  Linker linker;
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linker);

  std::ostringstream text;
  text << "never-spawned@" << Context::instance().address();
  const UPID nobody(text.str());
  ASSERT_TRUE(nobody);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, nobody));
  AWAIT_EXPECT_EQ(nobody, linker.exited());
}

TEST(Link, LinkingTwiceGivesOneExited) {
  Linkee linkee;
  Linker linker;
  ASSERT_TRUE(spawn(linkee));
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linkee, linker);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, linkee.self()));
  AWAIT_READY(dispatch(linker, &Linker::linkTo, linkee.self()));
  // Also by a parsed name, which finds the same process.
  AWAIT_READY(
      dispatch(linker, &Linker::linkTo, UPID(stringify(linkee.self()))));
  // Let the links reach the linkee before it goes.
  AWAIT_READY(dispatch(linkee, [] { return Nothing(); }));

  terminate(linkee);
  ASSERT_TRUE(wait(linkee, Seconds(15)));

  AWAIT_READY(linker.exited());
  Future<std::vector<UPID>> exits = exitsOf(linker);
  AWAIT_READY(exits);
  EXPECT_EQ(1u, exits->size());
}

TEST(Link, SeveralLinkersAllHear) {
  constexpr int kLinkers = 5;
  Linkee linkee;
  std::vector<std::unique_ptr<Linker>> linkers;
  for (int i = 0; i < kLinkers; ++i) {
    linkers.push_back(std::make_unique<Linker>());
  }
  ASSERT_TRUE(spawn(linkee));
  for (auto& linker : linkers) {
    ASSERT_TRUE(spawn(*linker));
  }
  Reaper reaper(linkee);
  for (auto& linker : linkers) {
    reaper.add(linker->self());
  }

  for (auto& linker : linkers) {
    AWAIT_READY(dispatch(linker->self(), [&linker, pid = linkee.self()] {
      return linker->linkTo(pid);
    }));
  }
  terminate(linkee);
  ASSERT_TRUE(wait(linkee, Seconds(15)));

  for (auto& linker : linkers) {
    AWAIT_EXPECT_EQ(linkee.self(), linker->exited());
    Future<std::vector<UPID>> exits = exitsOf(*linker);
    AWAIT_READY(exits);
    EXPECT_EQ(1u, exits->size());
  }
}

TEST(Link, FollowerLinkingInInitialize) {
  Linkee leader;
  ASSERT_TRUE(spawn(leader));
  Follower follower(leader.self());
  ASSERT_TRUE(spawn(follower));
  Reaper reaper(leader, follower);

  // initialize() ran (and linked) before this event.
  AWAIT_READY(dispatch(follower, [] { return Nothing(); }));
  AWAIT_READY(dispatch(leader, [] { return Nothing(); }));
  terminate(leader);
  ASSERT_TRUE(wait(leader, Seconds(15)));
  AWAIT_EXPECT_EQ(leader.self(), follower.exited());
}

TEST(Link, LinkerGoneFirstHearsNothingAndNothingBreaks) {
  Linkee linkee;
  Linker linker;
  ASSERT_TRUE(spawn(linkee));
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linkee);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, linkee.self()));
  AWAIT_READY(dispatch(linkee, [] { return Nothing(); }));
  terminate(linker);
  ASSERT_TRUE(wait(linker, Seconds(15)));

  // The exit notice finds no linker: dropped quietly.
  terminate(linkee);
  ASSERT_TRUE(wait(linkee, Seconds(15)));
  EXPECT_TRUE(linker.exited().isPending());
}

TEST(Link, LinkersInAnotherContextHear) {
  Context other(inMemoryOptions());
  ASSERT_NE(Context::instance().address(), other.address());

  Linkee linkee;
  Linker local;
  Linker remote;
  Linker remoteByName;
  ASSERT_TRUE(spawn(linkee));
  ASSERT_TRUE(spawn(local));
  ASSERT_TRUE(other.spawn(remote));
  ASSERT_TRUE(other.spawn(remoteByName));
  Reaper reaper(linkee, local, remote, remoteByName);
  ASSERT_EQ(other.address(), remote.self().address);

  AWAIT_READY(dispatch(local, &Linker::linkTo, linkee.self()));
  AWAIT_READY(dispatch(remote, &Linker::linkTo, linkee.self()));
  AWAIT_READY(
      dispatch(remoteByName, &Linker::linkTo, UPID(stringify(linkee.self()))));
  AWAIT_READY(dispatch(linkee, [] { return Nothing(); }));

  terminate(linkee);
  ASSERT_TRUE(wait(linkee, Seconds(15)));

  for (Linker* linker : {&local, &remote, &remoteByName}) {
    AWAIT_EXPECT_EQ(linkee.self(), linker->exited());
    Future<std::vector<UPID>> exits = exitsOf(*linker);
    AWAIT_READY(exits);
    EXPECT_EQ(1u, exits->size());
    AWAIT_EXPECT_TRUE(
        dispatch(linker->self(), [linker] { return linker->ranOnItself(); }));
  }
}

TEST(Link, LinkeeInAnotherContextTellsLinkersEverywhere) {
  Context other(inMemoryOptions());

  Linkee linkee;
  Linker local;
  Linker remote;
  ASSERT_TRUE(other.spawn(linkee));
  ASSERT_TRUE(spawn(local));
  ASSERT_TRUE(other.spawn(remote));
  Reaper reaper(linkee, local, remote);

  AWAIT_READY(dispatch(local, &Linker::linkTo, linkee.self()));
  AWAIT_READY(dispatch(remote, &Linker::linkTo, linkee.self()));
  AWAIT_READY(dispatch(linkee, [] { return Nothing(); }));

  other.terminate(linkee.self());
  ASSERT_TRUE(other.wait(linkee.self(), Seconds(15)));

  AWAIT_EXPECT_EQ(linkee.self(), local.exited());
  AWAIT_EXPECT_EQ(linkee.self(), remote.exited());
}

TEST(Link, DestroyingTheLinkeesContextTellsLinkers) {
  auto other = std::make_unique<Context>(localOptions());

  auto* linkee = new Linkee();
  const UPID linkeePid = other->spawn(linkee, true);
  ASSERT_TRUE(linkeePid);
  Linker linker;
  ASSERT_TRUE(spawn(linker));
  Reaper reaper(linker);

  AWAIT_READY(dispatch(linker, &Linker::linkTo, linkeePid));
  AWAIT_READY(dispatch(linkeePid, [] { return Nothing(); }));

  other.reset();  // Terminates the linkee (and deletes it: managed).

  AWAIT_EXPECT_EQ(linkeePid, linker.exited());
  Future<std::vector<UPID>> exits = exitsOf(linker);
  AWAIT_READY(exits);
  EXPECT_EQ(1u, exits->size());
}

// A link or a message to a UPID that names nothing ("garbage" parses to an
// empty UPID) is never silent: the link fires at once, the message is
// logged and counted as dropped.
TEST(Link, ToAnInvalidUpidFiresExitedAtOnce) {
  Context context(localOptions());
  Linker talker;
  context.spawn(talker);
  Reaper reaper(talker);
  const UPID garbage("garbage");
  ASSERT_FALSE(garbage);
  const uint64_t dropped = context.droppedMessages();

  AWAIT_READY(dispatch(talker.self(), &Linker::linkTo, garbage));
  AWAIT_EXPECT_EQ(garbage, talker.exited());
  EXPECT_EQ(dropped + 1, context.droppedMessages());
}

TEST(Link, SendToAnInvalidUpidIsCountedAsDropped) {
  Context context(localOptions());
  Linker talker;
  context.spawn(talker);
  Reaper reaper(talker);
  const uint64_t dropped = context.droppedMessages();

  AWAIT_READY(dispatch(talker.self(), &Linker::sendTo, UPID("garbage")));
  AWAIT_READY(dispatch(talker.self(), &Linker::sendTo, UPID()));
  EXPECT_EQ(dropped + 2, context.droppedMessages());

  // From outside any process, naming the context's process as the sender.
  post(talker.self(), UPID("garbage"), "test.hello", "body");
  EXPECT_EQ(dropped + 3, context.droppedMessages());
}

}  // namespace
