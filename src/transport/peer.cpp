#include "transport/peer.hpp"

#include <algorithm>
#include <cstring>

#include <glog/logging.h>

#include <process/process.hpp>

#include "transport/network.hpp"

namespace process::transport {
namespace {

// Past this much queued for one peer, a worker writes at once instead of
// waiting for the end of its process's turn.
constexpr size_t kFlushBytes = size_t{64} * 1024;
// Room for a message's request line and headers beside its name and body.
constexpr size_t kHeadRoom = 512;

thread_local std::vector<std::shared_ptr<Peer>> buffered;

// The sender's UPID as text: a process sends many messages in a row, so the
// last one is kept per thread.
struct SenderText {
  std::string id;
  Address address;
  std::string text;
};
thread_local SenderText lastSender;

const std::string& senderText(const UPID& from) {
  if (lastSender.text.empty() || lastSender.id != from.id ||
      lastSender.address != from.address) {
    lastSender.id = from.id;
    lastSender.address = from.address;
    lastSender.text = stringify(from);
  }
  return lastSender.text;
}

std::atomic<uint64_t> dropLogs{0};
std::atomic<uint64_t> lostLogs{0};
std::atomic<uint64_t> routineLostLogs{0};
std::atomic<uint64_t> handshakeLogs{0};

}  // namespace

Peer::Peer(Network& network, const Address& address)
    : network_(network),
      address_(address),
      stream_(std::make_shared<net::Stream>(*network.loop())),
      responses_(network.httpLimits()) {}

Peer::~Peer() = default;

void Peer::enqueue(const UPID& from, const UPID& to, const std::string& name,
                   const std::string& body) {
  size_t pending = 0;
  const net::Stream::Appended appended = stream_->append(
      name.size() + body.size() + kHeadRoom, network_.limits().maxOutboundBytes,
      true,
      [&](std::string& block) {
        encodeMessage(senderText(from), to.id, to.address, name, body, block);
        // Under the queue's lock: fail() sees every message the stream took.
        handed_.fetch_add(1, std::memory_order_relaxed);
      },
      &pending);
  switch (appended) {
    case net::Stream::Appended::kClosed:
    case net::Stream::Appended::kFull:
      dropped_.fetch_add(1, std::memory_order_relaxed);
      network_.host().countDropped(appended == net::Stream::Appended::kClosed
                                       ? closedReason()
                                       : DropReason::kOutboundFull,
                                   1);
      if (net::shouldLog(dropLogs)) {
        LOG(WARNING) << "Dropped message '" << name << "' to " << to << ": "
                     << (appended == net::Stream::Appended::kClosed
                             ? "its node cannot be reached"
                             : "too much is queued for its node");
      }
      return;
    case net::Stream::Appended::kQueued:
      return;  // the connection, or the current writer, takes it
    case net::Stream::Appended::kWritable:
      break;
  }
  if (pending >= kFlushBytes || currentProcess() == nullptr) {
    flush();
  } else if (!dirty_.exchange(true, std::memory_order_acq_rel)) {
    buffered.push_back(shared_from_this());
    turnPending = true;
  }
}

void Peer::flush() {
  dirty_.store(false, std::memory_order_release);
  stream_->flush();
}

void Peer::connect() {
  retryLater_ = false;
  if (broken_) {
    return;
  }
  stream_->setHandler(std::shared_ptr<StreamHandler>(
      shared_from_this(), static_cast<StreamHandler*>(this)));
  const asio::ip::tcp::endpoint endpoint(
      asio::ip::address_v4(address_.ip.value()), address_.port);
  stream_->setPeerTimeout(network_.peerTimeout());
  if (const auto& tls = network_.loop()->tls()) {
    // A peer is known by its address only (libprocess's rule).
    stream_->secureClient(tls, std::string());
  }
  stream_->connect(endpoint, network_.limits().connectTimeout);
}

void Peer::onConnected() {
  VLOG(1) << "Connected to " << address_;
  connected_.store(true, std::memory_order_relaxed);
  network_.connectSucceeded(address_);
  stream_->startReading();
}

void Peer::onError(const net::StreamError& error) {
  using Cause = net::StreamError::Cause;
  if (error.timedOut && error.cause != Cause::kConnect &&
      error.cause != Cause::kStalled && error.cause != Cause::kHandshake) {
    // The kernel gave up: nothing acknowledged, no keepalive answered.
    fail("the peer was silent for " + stringify(network_.peerTimeout()) +
         " (peer timeout)");
    return;
  }
  switch (error.cause) {
    case Cause::kConnect:
      network_.connectFailed(address_);
      fail(error.timedOut ? "no connection within " +
                                stringify(network_.limits().connectTimeout)
                          : "cannot connect: " + error.message);
      return;
    case Cause::kHandshake:
      if (net::shouldLog(handshakeLogs)) {
        LOG(WARNING) << "TLS with " << address_ << " failed: " << error.message;
      }
      network_.connectFailed(address_);
      fail("TLS failed: " + error.message);
      return;
    case Cause::kRead:
      fail("read failed: " + error.message);
      return;
    case Cause::kWrite:
    case Cause::kStalled:
      fail("write failed: " + error.message);
      return;
  }
}

void Peer::onData(const char* data, size_t size) {
  if (ignoreResponses_) {
    return;
  }
  // Answers are read, not acted on (docs/wire.md): an odd one must not
  // disturb the connection.
  const uint64_t before = answered_;
  const size_t skipped = skipAccepted(data, size);
  if (!responses_.feed(data + skipped, size - skipped,
                       [&](DecodedResponse& response) {
                         // A refusal is answered too: the receiving node
                         // counted that drop itself.
                         ++answered_;
                         VLOG_IF(2, response.status >= 300)
                             << address_ << " answered " << response.status;
                       })) {
    LOG(WARNING) << "Ignoring what " << address_
                 << " sends back: " << responses_.error();
    ignoreResponses_ = true;
  }
  network_.countAnswered(answered_ - before);
}

size_t Peer::skipAccepted(const char* data, size_t size) {
  // A Procession or compactor node answers a stream of messages with a
  // stream of identical 202s: skip those without the parser.
  static constexpr std::string_view kAccepted =
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
  if (responses_.midResponse()) {
    return 0;
  }
  size_t offset = 0;
  while (size - offset >= kAccepted.size() &&
         std::memcmp(data + offset, kAccepted.data(), kAccepted.size()) == 0) {
    offset += kAccepted.size();
    ++answered_;
  }
  return offset;
}

void Peer::addLink(const UPID& linker, const UPID& linkee) {
  if (broken_ || retryLater_) {
    network_.host().deliverExited(linker, linkee);
    return;
  }
  std::vector<UPID>& linkers = links_[linkee];
  if (std::find(linkers.begin(), linkers.end(), linker) == linkers.end()) {
    linkers.push_back(linker);
  }
}

void Peer::fail(const std::string& reason) {
  if (broken_) {
    return;
  }
  broken_ = true;
  stream_->close();
  stopping_ = reason == "the node is stopping";
  // Every message the stream took and the peer did not answer. Answers we
  // could not parse leave only what the socket never took.
  const uint64_t handed = handed_.load(std::memory_order_relaxed);
  const uint64_t lost = ignoreResponses_
                            ? stream_->lostMarks()
                            : (handed > answered_ ? handed - answered_ : 0);
  if (lost > 0) {
    network_.host().countDropped(closedReason(), lost);
  }
  network_.broken(this);
  // A peer that closes or resets its end (it exited, or restarts) or our
  // own node stopping is routine when nothing was lost; the links fire
  // either way. Lost messages and a peer out of reach are real problems.
  const bool routine = lost == 0 && (reason == "closed by the peer" ||
                                     reason == "the node is stopping" ||
                                     reason.rfind("read failed", 0) == 0);
  if (routine) {
    if (net::shouldLog(routineLostLogs)) {
      LOG(INFO) << "Connection to " << address_ << " lost: " << reason;
    }
  } else if (net::shouldLog(lostLogs)) {
    LOG(WARNING) << "Connection to " << address_ << " lost: " << reason
                 << (lost > 0
                         ? " (" + std::to_string(lost) + " messages dropped)"
                         : std::string());
  }
  auto links = std::move(links_);
  links_.clear();
  for (const auto& [linkee, linkers] : links) {
    for (const UPID& linker : linkers) {
      network_.host().deliverExited(linker, linkee);
    }
  }
}

DropReason Peer::closedReason() const {
  if (stopping_) {
    return DropReason::kStopping;
  }
  return connected_.load(std::memory_order_relaxed)
             ? DropReason::kPeerLost
             : DropReason::kPeerUnreachable;
}

void flushBufferedSends() {
  if (buffered.empty()) {
    return;
  }
  // A flush can buffer nothing new, but keep the swap: a peer's flush must
  // not see the list it is in being changed.
  std::vector<std::shared_ptr<Peer>> peers;
  peers.swap(buffered);
  for (const auto& peer : peers) {
    peer->flush();
  }
  peers.clear();
  if (buffered.empty()) {
    buffered.swap(peers);  // keep the capacity
  }
}

}  // namespace process::transport
