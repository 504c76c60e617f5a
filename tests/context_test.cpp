// Contexts: nodes with their own (ip, port), workers and processes, several
// in one OS process; the default context and its environment variables.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <glog/logging.h>
#include <gtest/gtest.h>

#include <process/address.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>
#include <process/try.hpp>

#include "reaper.hpp"

using namespace process;

namespace {

Context::Options localOptions(int workers = 2) {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = workers;
  return options;
}

std::string text(const Address& address) {
  std::ostringstream out;
  out << address;
  return out.str();
}

net::IP ip(const std::string& dotted) {
  Try<net::IP> parsed = net::IP::parse(dotted);
  CHECK(parsed.isSome()) << dotted;
  return parsed.get();
}

// Whether a plain TCP connect() to `address` succeeds.
bool canConnect(const Address& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(address.ip.value());
  in.sin_port = htons(address.port);
  const bool connected =
      ::connect(fd, reinterpret_cast<sockaddr*>(&in), sizeof(in)) == 0;
  ::close(fd);
  return connected;
}

// A port that was free a moment ago on `dotted` (the kernel's choice).
uint16_t freePort(const std::string& dotted) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(fd >= 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(ip(dotted).value());
  in.sin_port = 0;
  CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&in), sizeof(in)) == 0);
  socklen_t length = sizeof(in);
  CHECK(::getsockname(fd, reinterpret_cast<sockaddr*>(&in), &length) == 0);
  ::close(fd);
  return ntohs(in.sin_port);
}

// Answers "ping" with "pong" (same body), records "pong"s, adds numbers,
// and tells whether its code runs on itself.
class Node : public Process<Node> {
 public:
  explicit Node(const std::string& id = "") : Process<Node>(id) {}

  int add(int n) {
    onItself_ = onItself_ && currentProcess() == this;
    return total_ += n;
  }

  // Asks `other` to add `n` (a dispatch between processes) and answers with
  // what it returned.
  Future<int> askToAdd(PID<Node> other, int n) {
    return dispatch(other, &Node::add, n);
  }

  Nothing ping(const UPID& to, const std::string& body) {
    send(to, "ping", body);
    return Nothing();
  }

  Future<std::string> ponged() const { return pong_.future(); }
  Future<UPID> pongFrom() const { return pongFrom_.future(); }
  Future<UPID> pingFrom() const { return pingFrom_.future(); }
  bool onItself() const { return onItself_; }

 protected:
  void initialize() override {
    install("ping", [this](const UPID& from, const std::string& body) {
      pingFrom_.set(from);
      send(from, "pong", body);
    });
    install("pong", [this](const UPID& from, const std::string& body) {
      pongFrom_.set(from);
      pong_.set(body);
    });
  }

 private:
  int total_ = 0;
  bool onItself_ = true;
  Promise<std::string> pong_;
  Promise<UPID> pongFrom_;
  Promise<UPID> pingFrom_;
};

// Tells when its finalize() starts and ends, and can be made to block in it
// until released.
class Finalizing : public Process<Finalizing> {
 public:
  struct Signals {
    std::promise<void> started;
    std::shared_future<void> release;  // invalid: do not block
    std::atomic<bool> finished{false};
    std::atomic<int>* destroyed = nullptr;
  };

  explicit Finalizing(Signals* signals) : signals_(signals) {}
  ~Finalizing() override {
    if (signals_->destroyed != nullptr) {
      signals_->destroyed->fetch_add(1);
    }
  }

 protected:
  void finalize() override {
    signals_->started.set_value();
    if (signals_->release.valid()) {
      signals_->release.wait();
    }
    signals_->finished.store(true);
  }

 private:
  Signals* signals_;
};

TEST(Context, BindsARealPort) {
  Context context(localOptions());
  const Address address = context.address();
  EXPECT_EQ(ip("127.0.0.1"), address.ip);
  EXPECT_NE(0, address.port);
  EXPECT_EQ(2, context.workers());
  EXPECT_TRUE(canConnect(address)) << text(address);
}

TEST(Context, TwoContextsHaveDifferentPorts) {
  Context first(localOptions());
  Context second(localOptions(1));
  EXPECT_NE(first.address().port, second.address().port);
  EXPECT_NE(first.address(), second.address());
  EXPECT_EQ(1, second.workers());
  EXPECT_TRUE(canConnect(first.address()));
  EXPECT_TRUE(canConnect(second.address()));
}

TEST(Context, PortIsReleasedWhenDestroyed) {
  uint16_t port = 0;
  {
    Context context(localOptions());
    port = context.address().port;
  }
  Context::Options options = localOptions();
  options.port = port;
  Context again(options);
  EXPECT_EQ(port, again.address().port);
}

// A port in use is the caller's to handle: an Error from create(), an
// exception from the constructor, with the address and the reason.
TEST(Context, PortInUseIsAnErrorNotACrash) {
  Context first(localOptions());
  Context::Options taken = localOptions();
  taken.port = first.address().port;
  const std::string expected =
      "Context: cannot listen on 127.0.0.1:" + std::to_string(taken.port) +
      ": Address already in use";

  Try<std::unique_ptr<Context>> second = Context::create(taken);
  ASSERT_TRUE(second.isError());
  EXPECT_EQ(expected, second.error());

  try {
    Context third(taken);
    ADD_FAILURE() << "made a second context on port " << taken.port;
  } catch (const std::system_error& error) {
    EXPECT_EQ(expected, error.what());
    EXPECT_EQ(EADDRINUSE, error.code().value());
  }

  // And the port taken is still served by the first.
  EXPECT_TRUE(canConnect(first.address()));
  Try<std::unique_ptr<Context>> fine = Context::create(localOptions());
  ASSERT_TRUE(fine.isSome()) << fine.error();
  EXPECT_NE(0, fine.get()->address().port);
}

TEST(Context, BadIpIsAnError) {
  Context::Options options = localOptions();
  options.ip = "not.an.ip";
  Try<std::unique_ptr<Context>> context = Context::create(options);
  ASSERT_TRUE(context.isError());
  EXPECT_NE(std::string::npos, context.error().find("not.an.ip"))
      << context.error();
  EXPECT_THROW(Context{options}, std::invalid_argument);

  options = localOptions();
  options.advertiseIp = "nowhere";
  EXPECT_TRUE(Context::create(options).isError());
}

TEST(Context, SpawnTerminateWait) {
  Context context(localOptions());
  Node node;
  const PID<Node> pid = context.spawn(node);
  ASSERT_TRUE(pid);
  EXPECT_EQ(context.address(), pid.address);
  EXPECT_EQ(pid, node.self());

  AWAIT_EXPECT_EQ(5, dispatch(pid, &Node::add, 5));
  AWAIT_EXPECT_EQ(7, dispatch(pid, &Node::add, 2));
  AWAIT_EXPECT_TRUE(dispatch(pid, &Node::onItself));

  EXPECT_FALSE(context.wait(pid, Milliseconds(1)));
  context.terminate(pid);
  EXPECT_TRUE(context.wait(pid, Seconds(15)));
  EXPECT_TRUE(context.wait(pid, Milliseconds(1)));
  AWAIT_DISCARDED(dispatch(pid, &Node::add, 1));
}

TEST(Context, SpawnManaged) {
  Context context(localOptions());
  std::atomic<int> destroyed{0};
  Finalizing::Signals signals;
  signals.destroyed = &destroyed;
  std::future<void> started = signals.started.get_future();

  const UPID pid = context.spawn(new Finalizing(&signals), true);
  ASSERT_TRUE(pid);
  context.terminate(pid);
  ASSERT_TRUE(context.wait(pid, Seconds(15)));
  EXPECT_TRUE(signals.finished.load());
  EXPECT_EQ(1, destroyed.load());
}

TEST(Context, SameIdInTwoContexts) {
  Context first(localOptions());
  Context second(localOptions());
  Node a("worker");
  Node b("worker");
  ASSERT_TRUE(first.spawn(a));
  ASSERT_TRUE(second.spawn(b));
  Reaper reaper(a, b);
  EXPECT_NE(a.self(), b.self());

  // A second "worker" in the same context is refused.
  Node c("worker");
  EXPECT_FALSE(first.spawn(c));

  // Parsed names find the process of the right context.
  const PID<Node> byNameA(UPID(stringify(a.self())));
  const PID<Node> byNameB(UPID(stringify(b.self())));
  AWAIT_EXPECT_EQ(1, dispatch(byNameA, &Node::add, 1));
  AWAIT_EXPECT_EQ(10, dispatch(byNameB, &Node::add, 10));
  AWAIT_EXPECT_EQ(3, dispatch(a.self(), &Node::add, 2));
  AWAIT_EXPECT_EQ(30, dispatch(b.self(), &Node::add, 20));
}

TEST(Context, ProcessesInTwoContextsExchangeMessagesAndDispatches) {
  Context first(localOptions());
  Context second(localOptions());
  Node a;
  Node b;
  ASSERT_TRUE(first.spawn(a));
  ASSERT_TRUE(second.spawn(b));
  Reaper reaper(a, b);
  ASSERT_EQ(first.address(), a.self().address);
  ASSERT_EQ(second.address(), b.self().address);

  // Messages: a pings b, b answers to the sender it saw.
  AWAIT_READY(dispatch(a, &Node::ping, b.self(), std::string("over")));
  AWAIT_EXPECT_EQ(a.self(), b.pingFrom());
  AWAIT_EXPECT_EQ(std::string("over"), a.ponged());
  AWAIT_EXPECT_EQ(b.self(), a.pongFrom());

  // And by a parsed name, from the other side.
  AWAIT_READY(
      dispatch(b, &Node::ping, UPID(stringify(a.self())), std::string("back")));
  AWAIT_EXPECT_EQ(std::string("back"), b.ponged());

  // Dispatches from a process in one context to one in the other, both ways.
  AWAIT_EXPECT_EQ(4, dispatch(a, &Node::askToAdd, b.self(), 4));
  AWAIT_EXPECT_EQ(6, dispatch(b, &Node::askToAdd, a.self(), 6));
  AWAIT_EXPECT_TRUE(dispatch(a, &Node::onItself));
  AWAIT_EXPECT_TRUE(dispatch(b, &Node::onItself));
}

TEST(Context, DroppedMessagesAreCountedPerContext) {
  Context first(localOptions());
  Context second(localOptions());
  const uint64_t firstBefore = first.droppedMessages();
  const uint64_t secondBefore = second.droppedMessages();

  post(UPID("nobody@" + text(first.address())), "ping", "x");
  post(UPID("nobody@" + text(first.address())), "ping", "y");
  post(UPID("nobody@" + text(second.address())), "ping", "z");

  EXPECT_EQ(firstBefore + 2, first.droppedMessages());
  EXPECT_EQ(secondBefore + 1, second.droppedMessages());
}

TEST(Context, DestroyingTerminatesAndWaitsForProcesses) {
  auto context = std::make_unique<Context>(localOptions());

  // An unmanaged process, blocked in finalize() until another thread lets
  // it go: the context's destructor must wait for it.
  Finalizing::Signals unmanagedSignals;
  std::promise<void> release;
  unmanagedSignals.release = release.get_future().share();
  std::future<void> unmanagedStarted = unmanagedSignals.started.get_future();
  auto unmanaged = std::make_unique<Finalizing>(&unmanagedSignals);
  const UPID unmanagedPid = context->spawn(*unmanaged);
  ASSERT_TRUE(unmanagedPid);

  // And a managed one, deleted by the runtime.
  std::atomic<int> destroyed{0};
  Finalizing::Signals managedSignals;
  managedSignals.destroyed = &destroyed;
  const UPID managedPid = context->spawn(new Finalizing(&managedSignals), true);
  ASSERT_TRUE(managedPid);

  // Let the blocked finalize() go once it has started.
  std::thread releaser([&] {
    unmanagedStarted.wait();
    release.set_value();
  });

  context.reset();
  releaser.join();

  EXPECT_TRUE(unmanagedSignals.finished.load());
  EXPECT_TRUE(managedSignals.finished.load());
  EXPECT_EQ(1, destroyed.load());
  EXPECT_TRUE(wait(unmanagedPid, Milliseconds(1)));
  EXPECT_TRUE(wait(managedPid, Milliseconds(1)));
  // Destroying the object now is allowed: it is no longer running.
  unmanaged.reset();
}

// Spawns one more process in the same context from its finalize().
class Spawner : public Process<Spawner> {
 public:
  Spawner(Context* context, std::atomic<int>* finalized)
      : context_(context), finalized_(finalized) {}

 protected:
  void finalize() override {
    if (finalized_->fetch_add(1) < 3) {
      context_->spawn(new Spawner(context_, finalized_), true);
    }
  }

 private:
  Context* context_;
  std::atomic<int>* finalized_;
};

TEST(Context, DestroyingTerminatesProcessesSpawnedByFinalizers) {
  std::atomic<int> finalized{0};
  auto context = std::make_unique<Context>(localOptions());
  ASSERT_TRUE(context->spawn(new Spawner(context.get(), &finalized), true));
  context.reset();
  EXPECT_EQ(4, finalized.load());
}

TEST(Context, AdvertisedAddressGoesIntoUpids) {
  Context::Options options = localOptions();
  options.advertiseIp = "10.1.2.3";
  options.advertisePort = 4242;
  Context context(options);
  EXPECT_EQ(Address(ip("10.1.2.3"), 4242), context.address());

  Node node("advertised");
  const PID<Node> pid = context.spawn(node);
  ASSERT_TRUE(pid);
  Reaper reaper(node);
  EXPECT_EQ(Address(ip("10.1.2.3"), 4242), pid.address);
  EXPECT_EQ("advertised@10.1.2.3:4242", stringify(pid));

  // A name carrying the advertised address finds the process here.
  const PID<Node> byName(UPID("advertised@10.1.2.3:4242"));
  AWAIT_EXPECT_EQ(3, dispatch(byName, &Node::add, 3));
}

TEST(Context, AdvertisedPortAlone) {
  Context::Options options = localOptions();
  options.advertisePort = 4243;
  Context context(options);
  EXPECT_EQ(Address(ip("127.0.0.1"), 4243), context.address());
}

// The default context is made once per OS process, so each case runs in a
// child process (a death test that is expected to exit with 0); the child
// sets the environment, then makes the default context.
class DefaultContextDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// In the child: reports a mismatch and exits 1, or exits 0 when all is well.
[[noreturn]] void finish(const std::string& problems) {
  if (!problems.empty()) {
    std::cerr << problems << std::endl;
  }
  std::fflush(stderr);
  std::_Exit(problems.empty() ? 0 : 1);
}

TEST_F(DefaultContextDeathTest, UsesLibprocessIpAndPort) {
  // 127.0.0.2 is loopback too, and not the default.
  const uint16_t port = freePort("127.0.0.2");
  EXPECT_EXIT(
      {
        ::setenv("LIBPROCESS_IP", "127.0.0.2", 1);
        ::setenv("LIBPROCESS_PORT", std::to_string(port).c_str(), 1);
        ::setenv("LIBPROCESS_NUM_WORKER_THREADS", "3", 1);
        ::unsetenv("LIBPROCESS_ADVERTISE_IP");
        ::unsetenv("LIBPROCESS_ADVERTISE_PORT");
        std::ostringstream problems;
        const Address address = Context::instance().address();
        if (address != Address(ip("127.0.0.2"), port)) {
          problems << "address " << address << ", expected 127.0.0.2:" << port
                   << "\n";
        }
        if (!canConnect(address)) {
          problems << "cannot connect to " << address << "\n";
        }
        if (Context::instance().workers() != 3) {
          problems << Context::instance().workers() << " workers\n";
        }
        Node node("env");
        const UPID pid = spawn(node);
        if (stringify(pid) != "env@127.0.0.2:" + std::to_string(port)) {
          problems << "pid " << pid << "\n";
        }
        terminate(pid);
        wait(pid);
        finish(problems.str());
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(DefaultContextDeathTest, UsesLibprocessAdvertiseIpAndPort) {
  EXPECT_EXIT(
      {
        ::setenv("LIBPROCESS_IP", "127.0.0.1", 1);
        ::setenv("LIBPROCESS_PORT", "0", 1);
        ::setenv("LIBPROCESS_ADVERTISE_IP", "192.0.2.7", 1);
        ::setenv("LIBPROCESS_ADVERTISE_PORT", "5051", 1);
        std::ostringstream problems;
        const Address address = Context::instance().address();
        if (address != Address(ip("192.0.2.7"), 5051)) {
          problems << "address " << address << "\n";
        }
        Node node("advertised");
        const UPID pid = spawn(node);
        if (stringify(pid) != "advertised@192.0.2.7:5051") {
          problems << "pid " << pid << "\n";
        }
        terminate(pid);
        wait(pid);
        finish(problems.str());
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(DefaultContextDeathTest, DefaultsWithoutEnvironment) {
  EXPECT_EXIT(
      {
        for (const char* name :
             {"LIBPROCESS_IP", "LIBPROCESS_PORT", "LIBPROCESS_ADVERTISE_IP",
              "LIBPROCESS_ADVERTISE_PORT", "LIBPROCESS_NUM_WORKER_THREADS"}) {
          ::unsetenv(name);
        }
        std::ostringstream problems;
        const Address address = Context::instance().address();
        if (address.ip != ip("127.0.0.1") || address.port == 0) {
          problems << "address " << address << "\n";
        }
        if (!canConnect(address)) {
          problems << "cannot connect to " << address << "\n";
        }
        const int cores = static_cast<int>(std::thread::hardware_concurrency());
        if (cores > 0 && Context::instance().workers() != cores) {
          problems << Context::instance().workers() << " workers, " << cores
                   << " cores\n";
        }
        finish(problems.str());
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(DefaultContextDeathTest, BadLibprocessPortDies) {
  EXPECT_DEATH(
      {
        ::setenv("LIBPROCESS_PORT", "nope", 1);
        Context::instance();
      },
      "LIBPROCESS_PORT='nope' is not a port number");
}

// The default context on a port in use: one line on stderr, exit status 1,
// no stack trace.
TEST_F(DefaultContextDeathTest, PortInUseIsOneLineAndExitStatusOne) {
  EXPECT_EXIT(
      {
        Context first(localOptions());
        ::setenv("LIBPROCESS_IP", "127.0.0.1", 1);
        ::setenv("LIBPROCESS_PORT",
                 std::to_string(first.address().port).c_str(), 1);
        Context::instance();
        finish("made the default context on a port in use");
      },
      ::testing::ExitedWithCode(1),
      "^Cannot start libprocess [^\n]*: Context: cannot listen on "
      "127\\.0\\.0\\.1:[0-9]+: Address already in use\n$");
}

// A program that never initialized glog is not greeted by glog's "Logging
// before InitGoogleLogging() is written to STDERR": the first context
// initializes it (and logs still reach stderr).
TEST_F(DefaultContextDeathTest, FirstContextInitializesLoggingQuietly) {
  EXPECT_EXIT(
      {
        std::ostringstream problems;
        if (google::IsGoogleLoggingInitialized()) {
          problems << "glog was initialized before the test\n";
        }
        char path[] = "/tmp/procession-log-XXXXXX";
        const int file = ::mkstemp(path);
        const int saved = ::dup(2);
        ::dup2(file, 2);
        {
          Context context(localOptions());
          LOG(WARNING) << "a probe line";
        }
        std::fflush(stderr);
        ::dup2(saved, 2);
        std::ifstream in(path);
        const std::string logged((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
        ::unlink(path);
        if (!google::IsGoogleLoggingInitialized()) {
          problems << "glog is not initialized\n";
        }
        if (logged.find("Logging before InitGoogleLogging") !=
            std::string::npos) {
          problems << "glog complained: " << logged << "\n";
        }
        if (logged.find("a probe line") == std::string::npos) {
          problems << "the log did not reach stderr: " << logged << "\n";
        }
        finish(problems.str());
      },
      ::testing::ExitedWithCode(0), "");
}

// libprocess's free functions for the default context: initialize() is
// idempotent, address() and workers() describe the node, finalize()
// terminates every process and lets the program start afresh.
TEST_F(DefaultContextDeathTest, InitializeAddressWorkersAndFinalize) {
  EXPECT_EXIT(
      {
        ::setenv("LIBPROCESS_IP", "127.0.0.1", 1);
        ::setenv("LIBPROCESS_PORT", "0", 1);
        ::setenv("LIBPROCESS_NUM_WORKER_THREADS", "2", 1);
        ::unsetenv("LIBPROCESS_ADVERTISE_IP");
        ::unsetenv("LIBPROCESS_ADVERTISE_PORT");
        std::ostringstream problems;
        if (!process::initialize("master")) {
          problems << "the first initialize() said false\n";
        }
        if (process::initialize()) {
          problems << "the second initialize() said true\n";
        }
        if (process::absolutePath("/state") != "/master/state") {
          problems << "absolutePath " << process::absolutePath("/state")
                   << "\n";
        }
        const network::inet::Address address = process::address();
        if (address.ip != ip("127.0.0.1") || address.port == 0 ||
            address != Context::instance().address()) {
          problems << "address " << address << "\n";
        }
        if (process::workers() != 2) {
          problems << process::workers() << " workers\n";
        }

        Node owned("owned");
        const UPID ownedPid = spawn(owned);
        const UPID managedPid = spawn(new Node("managed"), true);
        process::finalize();
        if (!wait(ownedPid, Seconds(0)) || !wait(managedPid, Seconds(0))) {
          problems << "finalize() left processes running\n";
        }

        // Afresh, on the same node.
        if (!process::initialize()) {
          problems << "initialize() after finalize() said false\n";
        }
        if (process::absolutePath("/state") != "/state") {
          problems << "the delegate outlived finalize()\n";
        }
        Node again("owned");  // the id is free again
        const PID<Node> pid = spawn(again);
        if (!pid || pid.address != address) {
          problems << "spawn after finalize() gave " << pid << "\n";
        }
        Future<int> sum = dispatch(pid, &Node::add, 5);
        if (!sum.await(Seconds(15)) || !sum.isReady() || sum.get() != 5) {
          problems << "dispatch after finalize() did not run\n";
        }
        process::finalize();
        if (!wait(pid, Seconds(0))) {
          problems << "the second finalize() left a process\n";
        }
        finish(problems.str());
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
