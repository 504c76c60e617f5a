// The local actor workloads of docs/benchmarks.md: pingpong, fanin, spawn
// (and spawn-owned), request, ring and dispatch-defer, all on the default
// context. Each mirrors its twin in shared/anchors/caf/caf_bench.cpp, written
// as a libprocess user would write it: named messages with install/send,
// dispatch, .then(defer(self(), ...)), spawn(new T, true).
//
// Every workload terminates and waits for the processes it spawned before it
// returns, so that the next starts clean.
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/lambda.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

#include "workload.hpp"

namespace {

using process::Future;
using process::Nothing;
using process::PID;
using process::Process;
using process::ProcessBase;
using process::Promise;
using process::UPID;

// The counts of docs/benchmarks.md (and of caf_bench.cpp); --scale multiplies
// them.
constexpr long kPingpongRoundTrips = 1'000'000;
constexpr int kFaninSenders = 2;
constexpr long kFaninPerSender = 2'000'000;
constexpr long kSpawnProcesses = 1'000'000;
constexpr long kRequestCalls = 1'000'000;
constexpr int kRingSize = 1000;
constexpr long kRingHops = 1'000'000;
constexpr long kDispatchDeferCalls = 1'000'000;

using bench::Clock;
using bench::secondsSince;

// A small int as a message body: its 4 bytes (no allocation: the string
// stays in its small buffer).
std::string encode(int32_t k) {
  return std::string(reinterpret_cast<const char*>(&k), sizeof(k));
}

int32_t decode(const std::string& body) {
  int32_t k = 0;
  if (body.size() == sizeof(k)) {
    std::memcpy(&k, body.data(), sizeof(k));
  }
  return k;
}

// Reads a "VmXXX:  N kB" field of /proc/self/status, in bytes (as
// caf_bench.cpp does).
long procStatusBytes(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t length = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, length, field) == 0) {
      return std::atol(line.c_str() + length + 1) * 1024L;
    }
  }
  return -1;
}

// Before a memory measurement: give freed heap back to the kernel and reset
// VmHWM to the current RSS, so that what an earlier workload of this run
// left behind (fanin's mailbox peak, freed arenas) neither hides nor inflates
// the growth. (caf_bench runs one workload per OS process in run.sh, where
// neither matters.)
void resetMemoryBaseline() {
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";  // resets the peak RSS (VmHWM), Linux >= 4.0
}

// ---------------------------------------------------------------- pingpong

class Pong : public Process<Pong> {
 protected:
  void initialize() override { install("ping", &Pong::ping); }

 private:
  void ping(const UPID& from, const std::string& body) {
    send(from, "pong", body);
  }
};

class Ping : public Process<Ping> {
 public:
  Ping(UPID peer, int32_t roundTrips)
      : peer_(std::move(peer)), roundTrips_(roundTrips) {}

  Future<Nothing> done() const { return done_.future(); }

 protected:
  void initialize() override {
    install("pong", &Ping::pong);
    send(peer_, "ping", encode(roundTrips_));
  }

 private:
  void pong(const UPID& from, const std::string& body) {
    const int32_t k = decode(body);
    if (k <= 1) {
      done_.set();
    } else {
      send(from, "ping", encode(k - 1));
    }
  }

  const UPID peer_;
  const int32_t roundTrips_;
  Promise<Nothing> done_;
};

std::vector<bench::Figure> pingpong(double scale) {
  const auto n =
      static_cast<int32_t>(bench::scaled(kPingpongRoundTrips, scale));
  Pong pong;
  process::spawn(pong);
  Ping ping(pong.self(), n);
  const Future<Nothing> done = ping.done();
  const auto start = Clock::now();
  process::spawn(ping);
  done.await();
  const double seconds = secondsSince(start);
  process::terminate(ping);
  process::terminate(pong);
  process::wait(ping);
  process::wait(pong);
  return {{"pingpong", n / seconds, "roundtrips/s", seconds}};
}

// ---------------------------------------------------------------- fanin

class FaninReceiver : public Process<FaninReceiver> {
 public:
  explicit FaninReceiver(long expected) : expected_(expected) {}

  Future<Nothing> done() const { return done_.future(); }

 protected:
  void initialize() override { install("n", &FaninReceiver::count); }

 private:
  void count(const UPID&, const std::string&) {
    if (++seen_ == expected_) {
      done_.set();
    }
  }

  const long expected_;
  long seen_ = 0;
  Promise<Nothing> done_;
};

// Sends everything from initialize(), in one loop, as caf_bench's sender
// does from its body.
class FaninSender : public Process<FaninSender> {
 public:
  FaninSender(UPID receiver, long count)
      : receiver_(std::move(receiver)), count_(count) {}

 protected:
  void initialize() override {
    for (long i = 0; i < count_; ++i) {
      send(receiver_, "n", encode(static_cast<int32_t>(i)));
    }
  }

 private:
  const UPID receiver_;
  const long count_;
};

std::vector<bench::Figure> fanin(double scale) {
  const long per = bench::scaled(kFaninPerSender, scale);
  const long total = per * kFaninSenders;
  FaninReceiver receiver(total);
  const Future<Nothing> done = receiver.done();
  std::vector<std::unique_ptr<FaninSender>> senders;
  const auto start = Clock::now();
  process::spawn(receiver);
  for (int i = 0; i < kFaninSenders; ++i) {
    senders.push_back(std::make_unique<FaninSender>(receiver.self(), per));
    process::spawn(*senders.back());
  }
  done.await();
  const double seconds = secondsSince(start);
  for (const auto& sender : senders) {
    process::terminate(*sender);
  }
  process::terminate(receiver);
  for (const auto& sender : senders) {
    process::wait(*sender);
  }
  process::wait(receiver);
  return {{"fanin", static_cast<double>(total) / seconds, "msgs/s", seconds}};
}

// ---------------------------------------------------------------- spawn

// A process that does nothing.
class Idle : public ProcessBase {};

// The figures of one spawn run, named with `prefix` ("spawn" or
// "spawn-owned"): spawn + stop, the spawning part, and bytes per process.
std::vector<bench::Figure> spawnFigures(const std::string& prefix, long n,
                                        double seconds, double spawned,
                                        long base, long alive, long peak) {
  const auto perProcess = [n](long bytes) {
    return static_cast<double>(bytes) / static_cast<double>(n);
  };
  return {
      {prefix, n / seconds, "spawns/s", seconds},
      {prefix + "-only", n / spawned, "spawns/s", spawned},
      {prefix + "-memory", perProcess(peak - base), "bytes/process", seconds},
      {prefix + "-memory-alive", perProcess(alive - base), "bytes/process",
       spawned},
  };
}

// The libprocess way for many processes: spawn(new T, true), keep the PIDs,
// terminate and wait by PID; the runtime deletes each one.
std::vector<bench::Figure> spawnManaged(double scale) {
  const long n = bench::scaled(kSpawnProcesses, scale);
  std::vector<UPID> pids;
  pids.reserve(n);  // touched while spawning: its pages count in the growth
  resetMemoryBaseline();
  const long base = procStatusBytes("VmRSS:");
  const auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    pids.push_back(process::spawn(new Idle(), true));
  }
  const double spawned = secondsSince(start);
  const long alive = procStatusBytes("VmRSS:");
  for (const UPID& pid : pids) {
    process::terminate(pid);
  }
  for (const UPID& pid : pids) {
    process::wait(pid);
  }
  pids.clear();
  const double seconds = secondsSince(start);
  const long peak = procStatusBytes("VmHWM:");
  return spawnFigures("spawn", n, seconds, spawned, base, alive, peak);
}

// The same with processes owned by the spawner (8-byte pointers, like CAF's
// handles), deleted after wait().
std::vector<bench::Figure> spawnOwned(double scale) {
  const long n = bench::scaled(kSpawnProcesses, scale);
  std::vector<Idle*> processes;
  processes.reserve(n);
  resetMemoryBaseline();
  const long base = procStatusBytes("VmRSS:");
  const auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    processes.push_back(new Idle());
    process::spawn(processes.back());
  }
  const double spawned = secondsSince(start);
  const long alive = procStatusBytes("VmRSS:");
  for (Idle* idle : processes) {
    process::terminate(idle);
  }
  for (Idle* idle : processes) {
    process::wait(idle);
    delete idle;
  }
  processes.clear();
  const double seconds = secondsSince(start);
  const long peak = procStatusBytes("VmHWM:");
  return spawnFigures("spawn-owned", n, seconds, spawned, base, alive, peak);
}

// ---------------------------------------------------------------- request

class Server : public Process<Server> {
 public:
  int inc(int k) { return k + 1; }
};

// Each call's reply comes back on the client through defer(self(), ...),
// which makes the next call.
class Client : public Process<Client> {
 public:
  Client(PID<Server> server, int calls)
      : server_(std::move(server)), calls_(calls) {}

  Future<Nothing> done() const { return done_.future(); }

 protected:
  void initialize() override { step(0); }

 private:
  void step(int k) {
    if (k >= calls_) {
      done_.set();
      return;
    }
    process::dispatch(server_, &Server::inc, k)
        .then(process::defer(self(), &Client::step, process::lambda::_1));
  }

  const PID<Server> server_;
  const int calls_;
  Promise<Nothing> done_;
};

std::vector<bench::Figure> request(double scale) {
  const auto n = static_cast<int>(bench::scaled(kRequestCalls, scale));
  Server server;
  process::spawn(server);
  Client client(server.self(), n);
  const Future<Nothing> done = client.done();
  const auto start = Clock::now();
  process::spawn(client);
  done.await();
  const double seconds = secondsSince(start);
  process::terminate(client);
  process::terminate(server);
  process::wait(client);
  process::wait(server);
  return {{"request", n / seconds, "calls/s", seconds}};
}

// ---------------------------------------------------------------- ring

class RingNode : public Process<RingNode> {
 public:
  RingNode(UPID next, const Promise<Nothing>* done)
      : next_(std::move(next)), done_(done) {}

  void setNext(const UPID& next) { next_ = next; }

 protected:
  void initialize() override { install("token", &RingNode::token); }

 private:
  void token(const UPID&, const std::string& body) {
    const int32_t k = decode(body);
    if (k <= 0) {
      done_->set();
    } else {
      send(next_, "token", encode(k - 1));
    }
  }

  UPID next_;
  const Promise<Nothing>* done_;
};

std::vector<bench::Figure> ring(double scale) {
  const auto hops = static_cast<int32_t>(bench::scaled(kRingHops, scale));
  Promise<Nothing> done;
  std::vector<std::unique_ptr<RingNode>> nodes;
  nodes.reserve(kRingSize);
  // Built back to front; the first node learns its successor (the last) by
  // a dispatch, which is in its mailbox before the token can get there.
  nodes.push_back(std::make_unique<RingNode>(UPID(), &done));
  process::spawn(*nodes.back());
  for (int i = 1; i < kRingSize; ++i) {
    nodes.push_back(std::make_unique<RingNode>(nodes.back()->self(), &done));
    process::spawn(*nodes.back());
  }
  process::dispatch(nodes.front()->self(), &RingNode::setNext,
                    UPID(nodes.back()->self()));
  const auto start = Clock::now();
  process::post(nodes.back()->self(), "token", encode(hops));
  done.future().await();
  const double seconds = secondsSince(start);
  for (const auto& node : nodes) {
    process::terminate(*node);
  }
  for (const auto& node : nodes) {
    process::wait(*node);
  }
  return {{"ring", hops / seconds, "hops/s", seconds}};
}

// ----------------------------------------------------------------
// dispatch-defer

class DeferSink : public Process<DeferSink> {
 public:
  explicit DeferSink(long expected) : expected_(expected) {}

  Future<Nothing> done() const { return done_.future(); }

  // Runs on this process.
  void hit() {
    if (++seen_ == expected_) {
      done_.set();
    }
  }

 private:
  const long expected_;
  long seen_ = 0;
  Promise<Nothing> done_;
};

// Makes and invokes one defer(sink, lambda) per call, from initialize().
class Deferrer : public Process<Deferrer> {
 public:
  Deferrer(DeferSink* sink, long count) : sink_(sink), count_(count) {}

 protected:
  void initialize() override {
    const UPID target = sink_->self();
    DeferSink* sink = sink_;
    for (long i = 0; i < count_; ++i) {
      process::defer(target, [sink] { sink->hit(); })();
    }
  }

 private:
  DeferSink* const sink_;
  const long count_;
};

std::vector<bench::Figure> dispatchDefer(double scale) {
  const long n = bench::scaled(kDispatchDeferCalls, scale);
  DeferSink sink(n);
  const Future<Nothing> done = sink.done();
  process::spawn(sink);
  Deferrer deferrer(&sink, n);
  const auto start = Clock::now();
  process::spawn(deferrer);
  done.await();
  const double seconds = secondsSince(start);
  process::terminate(deferrer);
  process::terminate(sink);
  process::wait(deferrer);
  process::wait(sink);
  return {{"dispatch-defer", static_cast<double>(n) / seconds, "dispatches/s",
           seconds}};
}

const bench::Register kPingpong({
    "pingpong",
    "two processes bounce a named message (an int body), 1,000,000 round "
    "trips",
    pingpong,
});

const bench::Register kFanin({
    "fanin",
    "2 senders each send 2,000,000 named messages to one counting receiver",
    fanin,
});

const bench::Register kSpawn({
    "spawn",
    "spawn(new T, true) 1,000,000 idle processes, terminate and wait them "
    "all; with spawn-only and bytes per process",
    spawnManaged,
});

const bench::Register kSpawnOwned({
    "spawn-owned",
    "spawn as above, the processes owned (new/delete) by the spawner",
    spawnOwned,
});

const bench::Register kRequest({
    "request",
    "1,000,000 sequential dispatch calls returning Future<int>, each reply "
    "taken by .then(defer(self(), ...))",
    request,
});

const bench::Register kRing({
    "ring",
    "1,000 processes pass a named-message token 1,000,000 hops",
    ring,
});

const bench::Register kDispatchDefer({
    "dispatch-defer",
    "one process invokes defer(pid, lambda) 1,000,000 times; the target "
    "counts them",
    dispatchDefer,
});

}  // namespace
