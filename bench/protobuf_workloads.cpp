// The `protobuf` workload of docs/benchmarks.md: ProtobufProcess handlers of
// a small (4 B) and a tree-shaped (~3 KB) message, three ways:
//   protobuf-handle-*  parse and dispatch only: a process hands itself
//                      MessageEvents through consume(), as libprocess's
//                      ProtobufInstallHandler benchmark does;
//   protobuf-local-*   send(to, message) to another process of the default
//                      context, whose typed handler counts;
//   protobuf-remote-*  the same to the peer (`procession-bench --peer`) over
//                      the wire protocol.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <process/dispatch.hpp>
#include <process/event.hpp>
#include <process/future.hpp>
#include <process/process.hpp>
#include <process/protobuf.hpp>

#include "bench_messages.pb.h"
#include "peer.hpp"
#include "workload.hpp"

namespace {

using process::Future;
using process::Promise;
using process::UPID;
using procession::bench::Ack;
using procession::bench::Flush;
using procession::bench::Node;

// The counts at --scale 1, each about a second on a 2-core VM.
constexpr long kHandleSmall = 10'000'000;
constexpr long kHandleLarge = 50'000;
constexpr long kLocalSmall = 5'000'000;
constexpr long kLocalLarge = 40'000;
constexpr long kRemoteSmall = 1'000'000;
constexpr long kRemoteLarge = 30'000;

// The tree of libprocess's benchmark: four children per node, two ints in
// each. Its table goes 0, 1, 5, …, 500, 1000, … sub-messages; a leaf here
// costs 6 bytes (two 2-byte ints, a tag and a length), so 500 sub-messages
// serialize to ~3 KB (1000 would be ~6 KB): its "3 KB" row is the 500 row.
constexpr int kBranching = 4;
constexpr long kSmallTreeNodes = 0;
constexpr long kLargeTreeNodes = 500;

// Flow control of the local and remote runs: the receiver acks every
// kAckEvery Nodes and the sender keeps at most kWindow unacked, so that no
// queue grows with the count (3 KB × kWindow = 12 MB at most in flight).
constexpr long kAckEvery = 256;
constexpr long kWindow = 4096;

using bench::Clock;
using bench::secondsSince;

// A root with `nodes` sub-messages, filled level by level.
Node makeTree(long nodes) {
  Node root;
  std::deque<Node*> unfilled{&root};
  while (!unfilled.empty()) {
    Node* node = unfilled.front();
    unfilled.pop_front();
    node->add_payload(1);
    node->add_payload(1);
    for (int i = 0; i < kBranching && nodes > 0; ++i, --nodes) {
      unfilled.push_back(node->add_children());
    }
  }
  return root;
}

// -------------------------------------------------------- protobuf-handle

// Plays the runtime to itself: each MessageEvent is made from copies of the
// name and the body, as a delivered message would be, and goes through
// consume() to the typed handler, which only counts.
class HandleLoop : public ProtobufProcess<HandleLoop> {
 public:
  HandleLoop() { install<Node>(&HandleLoop::handle); }

  // Seconds to consume `count` messages of `body`.
  double run(const std::string& body, long count) {
    const std::string name(Node::default_instance().GetTypeName());
    handled_ = 0;
    const auto start = Clock::now();
    for (long i = 0; i < count; ++i) {
      process::MessageEvent event(self(), self(), name, body.data(),
                                  body.size());
      consume(std::move(event));
    }
    const double seconds = secondsSince(start);
    if (handled_ != count) {
      std::fprintf(stderr, "protobuf-handle: %ld of %ld messages handled\n",
                   handled_, count);
      std::exit(1);
    }
    return seconds;
  }

 private:
  void handle(const Node& /*message*/) { ++handled_; }

  long handled_ = 0;
};

// ------------------------------------------------- protobuf-local, -remote

class NodeSink : public ProtobufProcess<NodeSink> {
 public:
  explicit NodeSink(const std::string& id) : ProtobufProcess<NodeSink>(id) {}

 protected:
  void initialize() override {
    install<Node>(&NodeSink::node);
    install<Flush>(&NodeSink::flush);
  }

 private:
  void node(const UPID& from, const Node& /*message*/) {
    if (++received_ % kAckEvery == 0) {
      ack(from, false);
    }
  }

  void flush(const UPID& from) {
    ack(from, true);
    received_ = 0;
  }

  void ack(const UPID& to, bool flushed) {
    Ack ack;
    ack.set_received(received_);
    ack.set_flushed(flushed);
    send(to, ack);
  }

  long received_ = 0;
};

// Sends `count` copies of a Node (each serialized by send(), as a real
// sender's would be), then a Flush; done once the flushed Ack is back.
class NodeSource : public ProtobufProcess<NodeSource> {
 public:
  NodeSource(UPID sink, Node message, long count)
      : sink_(std::move(sink)), message_(std::move(message)), count_(count) {}

  Future<long> done() const { return done_.future(); }

 protected:
  void initialize() override {
    install<Ack>(&NodeSource::acked);
    more();
  }

 private:
  void more() {
    while (sent_ < count_ && sent_ - acked_ < kWindow) {
      send(sink_, message_);
      ++sent_;
    }
    if (sent_ == count_ && !flushed_) {
      send(sink_, Flush());
      flushed_ = true;
    }
  }

  void acked(const Ack& ack) {
    acked_ = ack.received();
    if (ack.flushed()) {
      done_.set(acked_);
    } else {
      more();
    }
  }

  const UPID sink_;
  const Node message_;
  const long count_;
  long sent_ = 0;
  long acked_ = 0;
  bool flushed_ = false;
  Promise<long> done_;
};

// Seconds to deliver `count` copies of `message` to `sink`.
double deliver(const char* figure, const UPID& sink, const Node& message,
               long count) {
  NodeSource source(sink, message, count);
  const Future<long> done = source.done();
  const auto start = Clock::now();
  process::spawn(source);
  done.await();
  const double seconds = secondsSince(start);
  process::terminate(source);
  process::wait(source);
  if (done.get() != count) {
    std::fprintf(stderr, "%s: %ld of %ld messages arrived\n", figure,
                 done.get(), count);
    std::exit(1);
  }
  return seconds;
}

// ---------------------------------------------------------------- protobuf

bench::Figure rate(const char* name, long count, double seconds) {
  return {name, static_cast<double>(count) / seconds, "msgs/s", seconds};
}

// The two messages, built and serialized once per run.
struct Messages {
  Node small = makeTree(kSmallTreeNodes);
  Node large = makeTree(kLargeTreeNodes);
  std::string smallBody = small.SerializeAsString();
  std::string largeBody = large.SerializeAsString();
};

// Says the sizes once (the figure names promise 4 B and ~3 KB).
void showSizes(const Messages& messages) {
  static bool shown = false;
  if (shown) {
    return;
  }
  shown = true;
  std::fprintf(stderr,
               "protobuf: messages of %zu bytes (%ld sub-messages) and %zu "
               "bytes (%ld sub-messages)\n",
               messages.small.ByteSizeLong(), kSmallTreeNodes,
               messages.large.ByteSizeLong(), kLargeTreeNodes);
}

std::vector<bench::Figure> protobuf(double scale) {
  const Messages messages;
  showSizes(messages);
  std::vector<bench::Figure> figures;

  HandleLoop loop;
  process::spawn(loop);
  const auto handle = [&](const char* name, const std::string& body,
                          long count) {
    const long n = bench::scaled(count, scale);
    figures.push_back(rate(
        name, n, process::dispatch(loop, &HandleLoop::run, body, n).get()));
  };
  handle("protobuf-handle-4B", messages.smallBody, kHandleSmall);
  handle("protobuf-handle-3KB", messages.largeBody, kHandleLarge);
  process::terminate(loop);
  process::wait(loop);

  const auto stream = [&](const char* name, const UPID& sink,
                          const Node& message, long count) {
    const long n = bench::scaled(count, scale);
    figures.push_back(rate(name, n, deliver(name, sink, message, n)));
  };

  NodeSink sink("");
  process::spawn(sink);
  stream("protobuf-local-4B", sink.self(), messages.small, kLocalSmall);
  stream("protobuf-local-3KB", sink.self(), messages.large, kLocalLarge);
  process::terminate(sink);
  process::wait(sink);

  const bench::Peer peer = bench::startPeer();
  stream("protobuf-remote-4B", peer.protobufSink, messages.small, kRemoteSmall);
  stream("protobuf-remote-3KB", peer.protobufSink, messages.large,
         kRemoteLarge);
  return figures;
}

const bench::Register kProtobuf({
    "protobuf",
    "ProtobufProcess handlers of a 4-byte and a ~3 KB tree message: "
    "consume() only (-handle), to a local process (-local) and to another "
    "OS process (-remote)",
    protobuf,
});

}  // namespace

namespace bench {

std::unique_ptr<process::ProcessBase> newProtobufSink(const std::string& id) {
  return std::make_unique<NodeSink>(id);
}

}  // namespace bench
