// The remote workloads of docs/benchmarks.md: remote-pingpong,
// remote-throughput and http-get, between this OS process and a copy of it
// started as a peer (`procession-bench --peer`) on 127.0.0.1. Messages
// travel over the wire protocol, as between any two libprocess nodes; HTTP
// requests go to a route of the peer's process.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <atomic>

#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

#include "peer.hpp"
#include "workload.hpp"

extern char** environ;

namespace {

using process::Future;
using process::Nothing;
using process::Process;
using process::Promise;
using process::UPID;

constexpr long kRemoteRoundTrips = 100'000;
constexpr long kRemoteMessages = 1'000'000;
constexpr long kHttpRequests = 200'000;
constexpr int kHttpConnections = 8;
// Requests in flight per connection (pipelined).
constexpr long kHttpWindow = 64;
constexpr size_t kMessageBytes = 64;
// Sends per event of the throughput source, so that it yields now and then.
constexpr long kSendsPerTurn = 4096;

using bench::Clock;
using bench::secondsSince;

// ------------------------------------------------------------- the peer

// Echoes pings; counts "data" and answers "done" once it has the number of
// messages a "start" announced.
class Sink : public Process<Sink> {
 public:
  Sink() : Process<Sink>("sink") {}

 protected:
  void initialize() override {
    install("ping", &Sink::ping);
    install("start", &Sink::start);
    install("data", &Sink::data);
    route("/hello", process::None(), [](const process::http::Request&) {
      return process::http::OK("hello\n");
    });
  }

 private:
  void ping(const UPID& from, const std::string& body) {
    send(from, "pong", body);
  }
  void start(const UPID& /*from*/, const std::string& body) {
    expected_ = std::strtol(body.c_str(), nullptr, 10);
    received_ = 0;
  }
  void data(const UPID& from, const std::string& /*body*/) {
    if (++received_ == expected_) {
      send(from, "done", std::to_string(received_));
    }
  }

  long expected_ = 0;
  long received_ = 0;
};

// A running peer: its UPID, and how to stop it.
class PeerProcess {
 public:
  PeerProcess() {
    int toChild[2];
    int fromChild[2];
    if (::pipe(toChild) != 0 || ::pipe(fromChild) != 0) {
      std::perror("pipe");
      std::exit(1);
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, toChild[0], 0);
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1);
    posix_spawn_file_actions_addclose(&actions, toChild[1]);
    posix_spawn_file_actions_addclose(&actions, fromChild[0]);
    char self[] = "/proc/self/exe";
    char flag[] = "--peer";
    char* args[] = {self, flag, nullptr};
    if (posix_spawn(&pid_, "/proc/self/exe", &actions, nullptr, args,
                    environ) != 0) {
      std::perror("posix_spawn");
      std::exit(1);
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(toChild[0]);
    ::close(fromChild[1]);
    stdin_ = toChild[1];
    upid_ = readLine(fromChild[0]);
    ::close(fromChild[0]);
  }

  ~PeerProcess() {
    ::close(stdin_);  // the peer exits when its stdin closes
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  const UPID& upid() const { return upid_; }

 private:
  static UPID readLine(int fd) {
    std::string line;
    char c = 0;
    pollfd watch{fd, POLLIN, 0};
    while (line.size() < 256 && ::poll(&watch, 1, 10'000) == 1 &&
           ::read(fd, &c, 1) == 1 && c != '\n') {
      line += c;
    }
    process::Try<UPID> pid = UPID::parse(line);
    if (pid.isError()) {
      std::fprintf(stderr, "the peer did not start: '%s'\n", line.c_str());
      std::exit(1);
    }
    return pid.get();
  }

  pid_t pid_ = 0;
  int stdin_ = -1;
  UPID upid_;
};

// ------------------------------------------------------ remote-pingpong

class Pinger : public Process<Pinger> {
 public:
  Pinger(UPID peer, long roundTrips)
      : peer_(std::move(peer)), remaining_(roundTrips) {}

  Future<Nothing> done() const { return done_.future(); }

 protected:
  void initialize() override {
    install("pong", &Pinger::pong);
    send(peer_, "ping", std::string(kMessageBytes, 'p'));
  }

 private:
  void pong(const UPID& from, const std::string& body) {
    if (--remaining_ == 0) {
      done_.set(Nothing());
    } else {
      send(from, "ping", body);
    }
  }

  const UPID peer_;
  long remaining_;
  Promise<Nothing> done_;
};

std::vector<bench::Figure> remotePingpong(double scale) {
  const long n = bench::scaled(kRemoteRoundTrips, scale);
  PeerProcess peer;
  Pinger pinger(peer.upid(), n);
  const Future<Nothing> done = pinger.done();
  const auto start = Clock::now();
  process::spawn(pinger);
  done.await();
  const double seconds = secondsSince(start);
  process::terminate(pinger);
  process::wait(pinger);
  return {{"remote-pingpong", static_cast<double>(n) / seconds, "roundtrips/s",
           seconds}};
}

// ---------------------------------------------------- remote-throughput

class Source : public Process<Source> {
 public:
  Source(UPID peer, long messages)
      : peer_(std::move(peer)), remaining_(messages), total_(messages) {}

  Future<Nothing> done() const { return done_.future(); }

 protected:
  void initialize() override {
    install("done", &Source::finished);
    send(peer_, "start", std::to_string(total_));
    more();
  }

 private:
  void more() {
    const std::string body(kMessageBytes, 'x');
    for (long i = 0; i < kSendsPerTurn && remaining_ > 0; ++i, --remaining_) {
      send(peer_, "data", body);
    }
    if (remaining_ > 0) {
      process::dispatch(self(), &Source::more);
    }
  }
  void finished(const UPID& /*from*/, const std::string& /*body*/) {
    done_.set(Nothing());
  }

  const UPID peer_;
  long remaining_;
  const long total_;
  Promise<Nothing> done_;
};

std::vector<bench::Figure> remoteThroughput(double scale) {
  const long n = bench::scaled(kRemoteMessages, scale);
  PeerProcess peer;
  Source source(peer.upid(), n);
  const Future<Nothing> done = source.done();
  const auto start = Clock::now();
  process::spawn(source);
  done.await();
  const double seconds = secondsSince(start);
  process::terminate(source);
  process::wait(source);
  return {{"remote-throughput", static_cast<double>(n) / seconds, "msgs/s",
           seconds}};
}

// ------------------------------------------------------------- http-get

// One keep-alive connection that keeps kHttpWindow GETs in flight until the
// shared budget of requests is spent.
class GetLoop : public std::enable_shared_from_this<GetLoop> {
 public:
  GetLoop(process::http::Connection connection, process::http::Request request,
          std::atomic<long>& budget, std::atomic<long>& answered,
          std::atomic<long>& failed, Promise<Nothing>& done, long total)
      : connection_(std::move(connection)),
        request_(std::move(request)),
        budget_(budget),
        answered_(answered),
        failed_(failed),
        done_(done),
        total_(total) {}

  void start() {
    for (long i = 0; i < kHttpWindow; ++i) {
      next();
    }
  }

 private:
  void next() {
    if (budget_.fetch_sub(1) <= 0) {
      return;
    }
    auto self = shared_from_this();
    connection_.send(request_).onAny(
        [self](const Future<process::http::Response>& response) {
          if (!response.isReady() || response->code != 200) {
            self->failed_.fetch_add(1);
          }
          if (self->answered_.fetch_add(1) + 1 == self->total_) {
            self->done_.set(Nothing());
          }
          self->next();
        });
  }

  process::http::Connection connection_;
  const process::http::Request request_;
  std::atomic<long>& budget_;
  std::atomic<long>& answered_;
  std::atomic<long>& failed_;
  Promise<Nothing>& done_;
  const long total_;
};

std::vector<bench::Figure> httpGet(double scale) {
  const long n = bench::scaled(kHttpRequests, scale);
  PeerProcess peer;
  const UPID& sink = peer.upid();
  process::http::Request request;
  request.method = "GET";
  request.url =
      process::http::URL(bench::tlsOn() ? "https" : "http", sink.address.ip,
                         sink.address.port, "/" + sink.id + "/hello");
  std::vector<process::http::Connection> connections;
  for (int i = 0; i < kHttpConnections; ++i) {
    Future<process::http::Connection> connection = process::http::connect(
        sink.address, bench::tlsOn() ? process::http::Scheme::HTTPS
                                     : process::http::Scheme::HTTP);
    if (!connection.await(process::Seconds(10)) || !connection.isReady()) {
      std::fprintf(stderr, "http-get: cannot connect to the peer\n");
      std::exit(1);
    }
    connections.push_back(connection.get());
  }
  std::atomic<long> budget{n};
  std::atomic<long> answered{0};
  std::atomic<long> failed{0};
  Promise<Nothing> done;
  std::vector<std::shared_ptr<GetLoop>> loops;
  for (const auto& connection : connections) {
    loops.push_back(std::make_shared<GetLoop>(connection, request, budget,
                                              answered, failed, done, n));
  }
  const auto start = Clock::now();
  for (const auto& loop : loops) {
    loop->start();
  }
  done.future().await();
  const double seconds = secondsSince(start);
  for (auto& connection : connections) {
    connection.disconnect().await(process::Seconds(10));
  }
  if (failed.load() > 0) {
    std::fprintf(stderr, "http-get: %ld of %ld requests failed\n",
                 failed.load(), n);
  }
  return {
      {"http-get", static_cast<double>(n) / seconds, "requests/s", seconds}};
}

const bench::Register registerPingpong({
    "remote-pingpong",
    "two OS processes on 127.0.0.1 exchange 100,000 round trips of 64 bytes",
    remotePingpong,
});
const bench::Register registerThroughput({
    "remote-throughput",
    "1,000,000 messages of 64 bytes one way to another OS process",
    remoteThroughput,
});
const bench::Register registerHttpGet({
    "http-get",
    "200,000 GETs on 8 keep-alive pipelined connections to a route",
    httpGet,
});

}  // namespace

namespace bench {

Peer startPeer() {
  auto running = std::make_shared<PeerProcess>();
  const UPID sink = running->upid();
  return {sink, UPID(kProtobufSinkId, sink.address), std::move(running)};
}

int runPeer() {
  ::setenv("LIBPROCESS_IP", "127.0.0.1", 0);
  Sink sink;
  process::spawn(sink);
  // The protobuf workload's receiver (bench/protobuf_workloads.cpp), spawned
  // before the Sink's UPID announces the peer ready.
  const std::unique_ptr<process::ProcessBase> protobufSink =
      newProtobufSink(kProtobufSinkId);
  process::spawn(*protobufSink);
  std::printf("%s\n", process::stringify(sink.self()).c_str());
  std::fflush(stdout);
  char c = 0;
  while (::read(0, &c, 1) > 0) {
  }
  process::terminate(*protobufSink);
  process::terminate(sink);
  process::wait(*protobufSink);
  process::wait(sink);
  return 0;
}

}  // namespace bench
