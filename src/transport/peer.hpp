// An outbound connection to one peer node: where our processes' messages to
// that node are encoded, coalesced and written (on a net::Stream), and
// where links to its processes live. Its break is what remote linkers hear
// as exited().
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <process/drop_reason.hpp>
#include <process/pid.hpp>

#include "net/stream.hpp"
#include "transport/figures.hpp"
#include "transport/message_codec.hpp"

namespace process::transport {

class Network;

class Peer final : public std::enable_shared_from_this<Peer>,
                   private net::StreamHandler {
 public:
  Peer(Network& network, const Address& address);
  ~Peer();

  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  const Address& address() const { return address_; }

  // Any thread. Encodes the message into the stream's queue; written at
  // once, or at the end of the sending process's turn
  // (flushBufferedSends()).
  void enqueue(const UPID& from, const UPID& to, const std::string& name,
               const std::string& body);
  // Any thread: writes what is queued if no write is under way.
  void flush();

  // Event loop thread.
  void connect();
  // Made within the reconnect backoff (under the network's lock, before
  // anyone else sees the peer): messages wait for the connect at its end,
  // and a link is told exited() at once, as for a refused connect.
  void retryLater() { retryLater_ = true; }
  void addLink(const UPID& linker, const UPID& linkee);
  // The connection is gone: drops what is queued, tells every linker.
  void fail(const std::string& reason);
  // For /__network__ (figures.cpp).
  PeerFigures figures() const;

 private:
  // net::StreamHandler.
  void onConnected() override;
  void onData(const char* data, size_t size) override;
  void onEndOfFile() override { fail("closed by the peer"); }
  void onError(const net::StreamError& error) override;

  // How many leading bytes are plain 202 answers (each counted answered).
  size_t skipAccepted(const char* data, size_t size);
  // Why a message the connection will not carry is dropped.
  DropReason closedReason() const;

  Network& network_;
  const Address address_;
  const std::shared_ptr<net::Stream> stream_;
  std::atomic<bool> dirty_{false};  // in some worker's list of buffered sends
  // Messages the stream took, and whether it ever connected: a message is
  // dropped for a peer lost or a peer never reached.
  std::atomic<uint64_t> handed_{0};
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> dropped_{0};  // refused by the stream (full, closed)

  // Event loop thread only.
  bool broken_ = false;
  bool retryLater_ = false;
  ResponseDecoder responses_;
  bool ignoreResponses_ = false;
  uint64_t answered_ = 0;  // answers read: 202s and refusals alike
  std::unordered_map<UPID, std::vector<UPID>> links_;  // linkee -> linkers
};

// Writes what this thread's process turn queued for peers, one system
// call per peer.
void flushBufferedSends();

}  // namespace process::transport
