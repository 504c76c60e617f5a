// Processes: spawn (by reference, by pointer, managed), initialize() and
// finalize(), self() and PID<T>, UPID printing, parsing and equality,
// terminate() with and without inject, wait(), duplicate ids,
// currentProcess() and the order of events.
#include <process/process.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/id.hpp>
#include <process/pid.hpp>

#include "gate.hpp"
#include "reaper.hpp"

using namespace process;

namespace {

// Records what happens to it, in order, from whatever thread runs it.
class Recorder : public Process<Recorder> {
 public:
  explicit Recorder(const std::string& id = "") : Process<Recorder>(id) {}

  void initialize() override {
    record("initialize");
    initializeProcess = currentProcess();
  }
  void finalize() override {
    record("finalize");
    finalizeProcess = currentProcess();
  }

  void note(const std::string& what) { record(what); }
  int get(int value) { return value; }

  std::vector<std::string> events() {
    std::lock_guard<std::mutex> guard(mutex_);
    return events_;
  }

  std::atomic<ProcessBase*> initializeProcess{nullptr};
  std::atomic<ProcessBase*> finalizeProcess{nullptr};

 private:
  void record(const std::string& what) {
    std::lock_guard<std::mutex> guard(mutex_);
    events_.push_back(what);
  }

  std::mutex mutex_;
  std::vector<std::string> events_;
};

// Tells a flag when it is destroyed.
class Probe : public Process<Probe> {
 public:
  Probe(std::shared_ptr<std::atomic<int>> destroyed, const std::string& id = "")
      : Process<Probe>(id), destroyed_(std::move(destroyed)) {}
  ~Probe() override { destroyed_->fetch_add(1); }

  int answer() { return 42; }

 private:
  std::shared_ptr<std::atomic<int>> destroyed_;
};

class Empty : public Process<Empty> {
 public:
  explicit Empty(const std::string& id = "") : Process<Empty>(id) {}
  int one() { return 1; }
};

std::string addressText() {
  std::ostringstream out;
  out << Context::instance().address();
  return out.str();
}

}  // namespace

// ---------------------------------------------------------------------------
// spawn

TEST(ProcessTest, SpawnByReference) {
  Recorder process;
  PID<Recorder> pid = spawn(process);
  ASSERT_TRUE(pid);
  EXPECT_EQ(process.self(), pid);
  AWAIT_EXPECT_EQ(7, dispatch(pid, &Recorder::get, 7));
  terminate(process);
  EXPECT_TRUE(wait(process));
}

TEST(ProcessTest, SpawnByPointer) {
  Recorder process;
  PID<Recorder> pid = spawn(&process);
  static_assert(std::is_same_v<decltype(spawn(&process)), PID<Recorder>>);
  ASSERT_TRUE(pid);
  EXPECT_EQ(process.self(), pid);
  AWAIT_EXPECT_EQ(8, dispatch(pid, &Recorder::get, 8));
  terminate(&process);
  EXPECT_TRUE(wait(&process));
}

TEST(ProcessTest, SpawnPlainProcessBase) {
  ProcessBase process;
  UPID pid = spawn(process);
  ASSERT_TRUE(pid);
  EXPECT_EQ(process.self(), pid);
  AWAIT_EXPECT_EQ(3, dispatch(pid, [] { return 3; }));
  terminate(pid);
  EXPECT_TRUE(wait(pid));
}

TEST(ProcessTest, ManagedProcessIsDeletedAfterTermination) {
  auto destroyed = std::make_shared<std::atomic<int>>(0);
  PID<Probe> pid = spawn(new Probe(destroyed), true);
  ASSERT_TRUE(pid);
  AWAIT_EXPECT_EQ(42, dispatch(pid, &Probe::answer));
  EXPECT_EQ(0, destroyed->load()) << "deleted while still running";
  terminate(pid);
  ASSERT_TRUE(wait(pid));
  // wait() returns once termination is complete, deletion included.
  EXPECT_EQ(1, destroyed->load());
}

TEST(ProcessTest, UnmanagedProcessIsNotDeleted) {
  auto destroyed = std::make_shared<std::atomic<int>>(0);
  {
    Probe probe(destroyed);
    spawn(probe);
    terminate(probe);
    ASSERT_TRUE(wait(probe));
    EXPECT_EQ(0, destroyed->load());
  }
  EXPECT_EQ(1, destroyed->load());
}

TEST(ProcessTest, SpawningTwiceGivesEmptyUPID) {
  Empty process;
  UPID first = spawn(process);
  Reaper reaper(first);
  ASSERT_TRUE(first);
  UPID second = spawn(process);
  EXPECT_FALSE(second);
  EXPECT_TRUE(second.id.empty());
  // The first spawn is unaffected.
  AWAIT_EXPECT_EQ(1, dispatch(first, [] { return 1; }));
}

TEST(ProcessTest, DuplicateIdGivesEmptyUPID) {
  const std::string id = ID::generate("process-test-duplicate");
  Empty first(id);
  UPID pid = spawn(first);
  Reaper reaper(pid);
  ASSERT_TRUE(pid);
  EXPECT_EQ(id, pid.id);

  {
    Empty second(id);
    EXPECT_FALSE(spawn(second));
    // The failed spawn leaves `second` destroyable, and does not touch the
    // process that holds the id.
  }
  AWAIT_EXPECT_EQ(1, dispatch(PID<Empty>(pid), &Empty::one));
}

TEST(ProcessTest, ManagedDuplicateIsDeleted) {
  const std::string id = ID::generate("process-test-managed-duplicate");
  Empty first(id);
  UPID pid = spawn(first);
  Reaper reaper(pid);
  ASSERT_TRUE(pid);

  auto destroyed = std::make_shared<std::atomic<int>>(0);
  EXPECT_FALSE(spawn(new Probe(destroyed, id), true));
  // Nobody else owns it: the runtime must free it.
  EXPECT_EQ(1, destroyed->load());
}

TEST(ProcessTest, IdCanBeReusedAfterTermination) {
  const std::string id = ID::generate("process-test-reuse");
  {
    Empty first(id);
    ASSERT_TRUE(spawn(first));
    terminate(first);
    ASSERT_TRUE(wait(first));
  }
  Empty second(id);
  UPID pid = spawn(second);
  Reaper reaper(pid);
  ASSERT_TRUE(pid);
  EXPECT_EQ(id, pid.id);
  AWAIT_EXPECT_EQ(1, dispatch(second, &Empty::one));
}

// ---------------------------------------------------------------------------
// initialize and finalize

TEST(ProcessTest, InitializeRunsBeforeAnyEvent) {
  Recorder process;
  PID<Recorder> pid = spawn(process);
  Reaper reaper(pid);
  dispatch(pid, &Recorder::note, std::string("first"));
  dispatch(pid, &Recorder::note, std::string("second"));
  AWAIT_READY(dispatch(pid, &Recorder::get, 0));
  terminate(pid);
  ASSERT_TRUE(wait(pid));

  const std::vector<std::string> expected = {"initialize", "first", "second",
                                             "finalize"};
  EXPECT_EQ(expected, process.events());
  EXPECT_EQ(&process, process.initializeProcess.load());
  EXPECT_EQ(&process, process.finalizeProcess.load());
}

// initialize() may take its time: events that arrive meanwhile wait for it.
class SlowStart : public Process<SlowStart> {
 public:
  explicit SlowStart(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}

  void initialize() override {
    started.set(Nothing());
    gate_->wait();
    initialized = true;
  }

  bool wasInitialized() { return initialized; }

  Promise<Nothing> started;
  bool initialized = false;  // touched only on the process

 private:
  std::shared_ptr<Gate> gate_;
};

TEST(ProcessTest, EventsWaitForASlowInitialize) {
  auto gate = std::make_shared<Gate>();
  SlowStart process(gate);
  Future<Nothing> started = process.started.future();
  PID<SlowStart> pid = spawn(process);
  Reaper reaper(pid);
  AWAIT_READY(started);
  Future<bool> initialized = dispatch(pid, &SlowStart::wasInitialized);
  // Not run while initialize() is still blocked.
  EXPECT_FALSE(initialized.await(Milliseconds(20)));
  gate->open();
  AWAIT_EXPECT_EQ(true, initialized);
}

TEST(ProcessTest, FinalizeRunsOnTerminate) {
  Recorder process;
  Reaper reaper(spawn(process));
  AWAIT_READY(dispatch(process, &Recorder::get, 0));
  EXPECT_EQ(std::vector<std::string>{"initialize"}, process.events());
  terminate(process);
  ASSERT_TRUE(wait(process));
  const std::vector<std::string> expected = {"initialize", "finalize"};
  EXPECT_EQ(expected, process.events());
  EXPECT_EQ(&process, process.finalizeProcess.load());
}

TEST(ProcessTest, TerminateBeforeFirstEventStillInitializesAndFinalizes) {
  Recorder process;
  spawn(process);
  terminate(process);
  ASSERT_TRUE(wait(process));
  const std::vector<std::string> expected = {"initialize", "finalize"};
  EXPECT_EQ(expected, process.events());
}

// ---------------------------------------------------------------------------
// self(), PID<T>, UPID

TEST(ProcessTest, SelfIsTypedAndNamesTheProcess) {
  Empty process;
  static_assert(std::is_same_v<decltype(process.self()), PID<Empty>>);
  const ProcessBase& base = process;
  static_assert(std::is_same_v<decltype(base.self()), const UPID&>);

  UPID pid = spawn(process);
  Reaper reaper(pid);
  EXPECT_EQ(pid, process.self());
  EXPECT_EQ(pid, base.self());
  EXPECT_EQ(pid, UPID(process));
  EXPECT_EQ(pid, PID<Empty>(process));
  EXPECT_EQ(pid, PID<Empty>(&process));
  EXPECT_EQ(Context::instance().address(), pid.address);

  // self() inside the process names it too.
  AWAIT_EXPECT_EQ(pid, dispatch(pid, [] { return currentProcess()->self(); }));

  // PID<T> converts to a PID of a base class.
  PID<ProcessBase> asBase = process.self();
  EXPECT_EQ(pid, asBase);
}

TEST(ProcessTest, DefaultIdsAreGenerated) {
  Empty a;
  Empty b;
  EXPECT_FALSE(a.self().id.empty());
  EXPECT_NE(a.self().id, b.self().id);
  // "(N)", as ID::generate() names it.
  const std::string& id = a.self().id;
  ASSERT_GE(id.size(), 3u);
  EXPECT_EQ('(', id.front());
  EXPECT_EQ(')', id.back());
  EXPECT_NO_THROW((void)std::stol(id.substr(1, id.size() - 2)));

  // ID::generate(prefix) names "prefix(N)", counting up.
  const std::string named = ID::generate("process-test-named");
  const std::string next = ID::generate("process-test-named");
  ASSERT_EQ(0u, named.rfind("process-test-named(", 0)) << named;
  ASSERT_EQ(')', named.back());
  const long n = std::stol(named.substr(19, named.size() - 20));
  EXPECT_GE(n, 1);
  EXPECT_EQ("process-test-named(" + std::to_string(n + 1) + ")", next);
  Empty c(named);
  EXPECT_EQ(named, c.self().id);
  // Not spawned: a name, but no address yet.
  EXPECT_EQ(0, c.self().address.port);
}

TEST(ProcessTest, UPIDPrintsAsIdAtIpPort) {
  const std::string id = ID::generate("process-test-print");
  Empty process(id);
  UPID pid = spawn(process);
  Reaper reaper(pid);

  const std::string expected = id + "@" + addressText();
  EXPECT_EQ(expected, stringify(pid));
  std::ostringstream out;
  out << pid;
  EXPECT_EQ(expected, out.str());

  EXPECT_EQ("a@10.0.0.5:5050",
            stringify(UPID("a", net::IP(0x0A000005), uint16_t(5050))));
  EXPECT_EQ("(1)@0.0.0.0:0", stringify(UPID("(1)", Address())));
}

TEST(ProcessTest, UPIDParses) {
  Try<UPID> parsed = UPID::parse("master(1)@10.0.0.5:5050");
  ASSERT_TRUE(parsed.isSome()) << parsed.error();
  EXPECT_EQ("master(1)", parsed->id);
  EXPECT_EQ(net::IP(0x0A000005), parsed->address.ip);
  EXPECT_EQ(5050, parsed->address.port);
  EXPECT_EQ("master(1)@10.0.0.5:5050", stringify(parsed.get()));

  // The constructor from text gives the same.
  EXPECT_EQ(parsed.get(), UPID("master(1)@10.0.0.5:5050"));
  EXPECT_EQ(parsed.get(), UPID(std::string("master(1)@10.0.0.5:5050")));

  // Round trip.
  UPID original("slave(3)", net::IP(0x7F000001), uint16_t(65535));
  EXPECT_EQ(original, UPID::parse(stringify(original)).get());
}

TEST(ProcessTest, UPIDParseRejectsBadText) {
  const std::vector<std::string> bad = {
      "",
      "no-at-sign",
      "@127.0.0.1:5050",         // empty id
      "id@",                     // no address
      "id@127.0.0.1",            // no port
      "id@127.0.0.1:",           // empty port
      "id@127.0.0.1:port",       // not a number
      "id@127.0.0.1:65536",      // out of range
      "id@127.0.0.1:-1",         // negative
      "id@127.0.0.1:123456",     // too long
      "id@300.0.0.1:5050",       // bad octet
      "id@1.2.3:5050",           // too few octets
      "id@localhost:5050",       // not an address
      "with space@127.0.0.1:1",  // ids travel in URL paths
      "a/b@127.0.0.1:1",
      "a@b@127.0.0.1:1",
  };
  for (const std::string& text : bad) {
    Try<UPID> parsed = UPID::parse(text);
    EXPECT_TRUE(parsed.isError())
        << "'" << text << "' parsed as " << parsed.get();
    if (parsed.isError()) {
      EXPECT_FALSE(parsed.error().empty()) << text;
    }
    // The constructor gives an empty UPID instead.
    UPID constructed(text);
    EXPECT_FALSE(constructed) << "'" << text << "'";
  }
}

TEST(ProcessTest, UPIDEqualityIsByName) {
  UPID a("x", net::IP(0x7F000001), uint16_t(1));
  UPID same("x", net::IP(0x7F000001), uint16_t(1));
  UPID otherId("y", net::IP(0x7F000001), uint16_t(1));
  UPID otherIp("x", net::IP(0x7F000002), uint16_t(1));
  UPID otherPort("x", net::IP(0x7F000001), uint16_t(2));
  EXPECT_EQ(a, same);
  EXPECT_FALSE(a == otherId);
  EXPECT_FALSE(a == otherIp);
  EXPECT_FALSE(a == otherPort);
  EXPECT_EQ(std::hash<UPID>()(a), std::hash<UPID>()(same));
  EXPECT_TRUE(a < otherId || otherId < a);
  EXPECT_FALSE(a < same || same < a);

  // A UPID parsed from text equals the one the runtime made, although only
  // the runtime's carries a reference to the process.
  Empty process;
  UPID pid = spawn(process);
  Reaper reaper(pid);
  UPID parsed(stringify(pid));
  EXPECT_EQ(pid, parsed);
  EXPECT_EQ(std::hash<UPID>()(pid), std::hash<UPID>()(parsed));

  EXPECT_FALSE(UPID());
  EXPECT_EQ(UPID(), UPID());
}

TEST(ProcessTest, ParsedUPIDReachesTheProcess) {
  const std::string id = ID::generate("process-test-parsed");
  Empty process(id);
  UPID pid = spawn(process);
  Reaper reaper(pid);
  PID<Empty> parsed(UPID(id + "@" + addressText()));
  ASSERT_TRUE(parsed);
  AWAIT_EXPECT_EQ(1, dispatch(parsed, &Empty::one));
  AWAIT_EXPECT_EQ(&process, dispatch(parsed, [] { return currentProcess(); }));
}

// ---------------------------------------------------------------------------
// terminate

// A process to block behind a gate while events queue up.
class Queue : public Process<Queue> {
 public:
  explicit Queue(const std::string& id = "") : Process<Queue>(id) {}

  void finalize() override { finalized = true; }

  // Blocks the process until `gate` opens; tells `started` first.
  bool block(std::shared_ptr<Gate> gate,
             std::shared_ptr<Promise<Nothing>> started) {
    started->set(Nothing());
    return gate->wait();
  }

  int push(int value) {
    ran.push_back(value);
    return value;
  }

  std::vector<int> ran;  // touched only on the process, read after wait()
  bool finalized = false;
};

TEST(ProcessTest, TerminateWithInjectDropsQueuedEvents) {
  Queue process;
  PID<Queue> pid = spawn(process);
  Reaper reaper(pid);
  auto gate = std::make_shared<Gate>();
  auto started = std::make_shared<Promise<Nothing>>();
  Future<bool> blocked = dispatch(pid, &Queue::block, gate, started);
  AWAIT_READY(started->future());

  std::vector<Future<int>> queued;
  for (int i = 0; i < 5; ++i) {
    queued.push_back(dispatch(pid, &Queue::push, i));
  }
  Future<int> lambda = dispatch(pid, [] { return 99; });

  terminate(pid);  // inject: goes ahead of the queued events
  gate->open();
  ASSERT_TRUE(wait(pid));

  AWAIT_EXPECT_EQ(true, blocked);  // the running event completes
  for (const Future<int>& future : queued) {
    AWAIT_EXPECT_DISCARDED(future);
  }
  AWAIT_EXPECT_DISCARDED(lambda);
  EXPECT_TRUE(process.ran.empty());
  EXPECT_TRUE(process.finalized);
}

TEST(ProcessTest, TerminateWithoutInjectRunsQueuedEventsFirst) {
  Queue process;
  PID<Queue> pid = spawn(process);
  Reaper reaper(pid);
  auto gate = std::make_shared<Gate>();
  auto started = std::make_shared<Promise<Nothing>>();
  Future<bool> blocked = dispatch(pid, &Queue::block, gate, started);
  AWAIT_READY(started->future());

  std::vector<Future<int>> queued;
  for (int i = 0; i < 5; ++i) {
    queued.push_back(dispatch(pid, &Queue::push, i));
  }

  terminate(pid, false);  // behind the queued events
  // Events queued after the terminate never run.
  Future<int> late = dispatch(pid, &Queue::push, 100);
  gate->open();
  ASSERT_TRUE(wait(pid));

  AWAIT_EXPECT_EQ(true, blocked);
  for (int i = 0; i < 5; ++i) {
    AWAIT_EXPECT_EQ(i, queued[i]);
  }
  AWAIT_EXPECT_DISCARDED(late);
  EXPECT_EQ((std::vector<int>{0, 1, 2, 3, 4}), process.ran);
  EXPECT_TRUE(process.finalized);
}

TEST(ProcessTest, TerminateIsIdempotentAndIgnoresUnknownPids) {
  Empty process;
  UPID pid = spawn(process);
  terminate(pid);
  terminate(pid);
  terminate(pid, false);
  ASSERT_TRUE(wait(pid));
  terminate(pid);  // already gone
  terminate(UPID());
  terminate(UPID("nobody", Context::instance().address()));
  terminate(UPID("nobody@127.0.0.1:1"));
  SUCCEED();
}

TEST(ProcessTest, DispatchAfterTerminationIsDiscarded) {
  Empty process;
  PID<Empty> pid = spawn(process);
  terminate(pid);
  ASSERT_TRUE(wait(pid));
  AWAIT_EXPECT_DISCARDED(dispatch(pid, &Empty::one));
}

// ---------------------------------------------------------------------------
// wait

TEST(ProcessTest, WaitTimesOutForALiveProcess) {
  Empty process;
  UPID pid = spawn(process);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait(pid, Milliseconds(20)));
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(19));
  EXPECT_FALSE(wait(process, Milliseconds(1)));
  EXPECT_FALSE(wait(&process, Duration::zero()));
  terminate(pid);
  EXPECT_TRUE(wait(pid, Seconds(10)));
  // And at once afterwards, with any timeout.
  EXPECT_TRUE(wait(pid, Duration::zero()));
  EXPECT_TRUE(wait(pid));
}

TEST(ProcessTest, WaitForANeverSpawnedPidReturnsTrue) {
  EXPECT_TRUE(wait(UPID(), Milliseconds(20)));
  EXPECT_TRUE(wait(UPID("nobody@127.0.0.1:1"), Milliseconds(20)));
  EXPECT_TRUE(wait(
      UPID(ID::generate("process-test-never"), Context::instance().address()),
      Milliseconds(20)));
}

TEST(ProcessTest, WaitByParsedPidFollowsTheProcess) {
  const std::string id = ID::generate("process-test-wait-parsed");
  Empty process(id);
  UPID pid = spawn(process);
  UPID parsed(id + "@" + addressText());
  EXPECT_FALSE(wait(parsed, Milliseconds(20)));
  terminate(parsed);
  EXPECT_TRUE(wait(parsed, Seconds(10)));
  EXPECT_TRUE(wait(pid, Seconds(10)));
}

TEST(ProcessTest, WaitFromManyThreads) {
  Empty process;
  UPID pid = spawn(process);
  std::vector<std::thread> waiters;
  std::atomic<int> done{0};
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      if (wait(pid, Seconds(10))) {
        done.fetch_add(1);
      }
    });
  }
  terminate(pid);
  for (std::thread& waiter : waiters) {
    waiter.join();
  }
  EXPECT_EQ(4, done.load());
}

// ---------------------------------------------------------------------------
// currentProcess

// Runs a few events of its own, then terminates itself.
class Countdown : public Process<Countdown> {
 public:
  explicit Countdown(int events) : events_(events) {}

 protected:
  void initialize() override { tick(); }

 private:
  void tick() {
    if (--events_ <= 0) {
      process::terminate(self());
      return;
    }
    dispatch(self(), &Countdown::tick);
  }
  int events_;
};

// Spawns processes on its own context and waits for them from a handler.
class Waiter : public Process<Waiter> {
 public:
  explicit Waiter(Context& context) : context_(context) {}

  // A child that ends on its own once it has run its events.
  bool waitForCountdown() {
    const UPID child = context_.spawn(new Countdown(50), true);
    return process::wait(child, Seconds(10));
  }

  // A child with queued events, terminated behind them.
  bool terminateAndWait() {
    auto* child = new Countdown(1000000);
    const UPID pid = context_.spawn(child, true);
    process::terminate(pid, false);
    return process::wait(pid, Seconds(10));
  }

 private:
  Context& context_;
};

// libprocess lets a worker blocked in wait() run other processes; on a
// context with one worker, blocking it instead would never end.
TEST(ProcessTest, WaitFromAHandlerOnOneWorkerRunsTheWaitedProcess) {
  Context context(Context::Options{.workers = 1});
  ASSERT_EQ(1, context.workers());
  Waiter waiter(context);
  const PID<Waiter> pid = context.spawn(waiter);
  AWAIT_EXPECT_EQ(true, dispatch(pid, &Waiter::waitForCountdown));
  AWAIT_EXPECT_EQ(true, dispatch(pid, &Waiter::terminateAndWait));
  terminate(pid);
  EXPECT_TRUE(wait(pid, Seconds(15)));
}

// Several waiters at once on a context with fewer workers than waiters.
TEST(ProcessTest, ManyWaitersOnFewWorkersAllFinish) {
  Context context(Context::Options{.workers = 2});
  std::vector<std::unique_ptr<Waiter>> waiters;
  std::vector<Future<bool>> done;
  for (int i = 0; i < 6; ++i) {
    waiters.push_back(std::make_unique<Waiter>(context));
    const PID<Waiter> pid = context.spawn(*waiters.back());
    done.push_back(dispatch(pid, &Waiter::waitForCountdown));
  }
  for (Future<bool>& result : done) {
    AWAIT_EXPECT_EQ(true, result);
  }
  for (auto& waiter : waiters) {
    terminate(*waiter);
    EXPECT_TRUE(wait(*waiter, Seconds(15)));
  }
}

TEST(ProcessTest, CurrentProcess) {
  EXPECT_EQ(nullptr, currentProcess());

  Empty a;
  Empty b;
  spawn(a);
  spawn(b);
  Reaper reaperA(a.self());
  Reaper reaperB(b.self());

  AWAIT_EXPECT_EQ(static_cast<ProcessBase*>(&a),
                  dispatch(a.self(), [] { return currentProcess(); }));
  AWAIT_EXPECT_EQ(static_cast<ProcessBase*>(&b),
                  dispatch(b.self(), [] { return currentProcess(); }));

  // A process that dispatches to another stays itself; the other event runs
  // on the other process.
  PID<Empty> other = b.self();
  Future<ProcessBase*> nested = dispatch(a.self(), [other, &a] {
    EXPECT_EQ(&a, currentProcess());
    Future<ProcessBase*> inner =
        dispatch(other, [] { return currentProcess(); });
    EXPECT_EQ(&a, currentProcess());
    return inner;
  });
  AWAIT_EXPECT_EQ(static_cast<ProcessBase*>(&b), nested);

  EXPECT_EQ(nullptr, currentProcess());
}

// ---------------------------------------------------------------------------
// order

TEST(ProcessTest, EventsRunInFifoOrder) {
  Queue process;
  PID<Queue> pid = spawn(process);
  constexpr int kEvents = 1000;  // several scheduling batches
  Future<int> last;
  for (int i = 0; i < kEvents; ++i) {
    last = dispatch(pid, &Queue::push, i);
  }
  AWAIT_EXPECT_EQ(kEvents - 1, last);
  terminate(pid);
  ASSERT_TRUE(wait(pid));
  ASSERT_EQ(static_cast<size_t>(kEvents), process.ran.size());
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_EQ(i, process.ran[i]) << "at " << i;
  }
}

// One event at a time: two events never run at once on one process.
TEST(ProcessTest, EventsNeverOverlap) {
  Empty process;
  PID<Empty> pid = spawn(process);
  Reaper reaper(pid);
  auto inside = std::make_shared<std::atomic<int>>(0);
  auto overlaps = std::make_shared<std::atomic<int>>(0);
  std::vector<std::thread> senders;
  for (int t = 0; t < 3; ++t) {
    senders.emplace_back([=] {
      for (int i = 0; i < 300; ++i) {
        dispatch(pid, [=] {
          if (inside->fetch_add(1) != 0) {
            overlaps->fetch_add(1);
          }
          std::this_thread::yield();
          inside->fetch_sub(1);
        });
      }
    });
  }
  for (std::thread& sender : senders) {
    sender.join();
  }
  AWAIT_READY(dispatch(pid, [] { return true; }));
  EXPECT_EQ(0, overlaps->load());
}

// Terminating a process right after its last event, and freeing it (a
// managed process is deleted by the runtime), races with the worker that
// ran that event going idle: it must not touch the process any more.
TEST(ProcessStressTest, TerminateRightAfterAnEvent) {
  auto destroyed = std::make_shared<std::atomic<int>>(0);
  constexpr int kRounds = 300;
  for (int i = 0; i < kRounds; ++i) {
    PID<Probe> pid = spawn(new Probe(destroyed), true);
    ASSERT_TRUE(pid);
    dispatch(pid, [] {});
    if (i % 2 == 0) {
      dispatch(pid, &Probe::answer);
    }
    terminate(pid);
    ASSERT_TRUE(wait(pid, Seconds(10)));
  }
  EXPECT_EQ(kRounds, destroyed->load());

  // The same with processes on the stack, whose memory the next round
  // reuses at once.
  for (int i = 0; i < kRounds; ++i) {
    Empty process;
    UPID pid = spawn(process);
    dispatch(pid, [] {});
    terminate(pid);
    ASSERT_TRUE(wait(pid, Seconds(10)));
  }
}
