// An outbound connection to one peer node: where our processes' messages to
// that node are encoded, coalesced and written, and where links to its
// processes live. Its break is what remote linkers hear as exited().
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <asio.hpp>

#include <process/pid.hpp>

#include "transport/message_codec.hpp"

namespace process::transport {

class Network;

class Peer : public std::enable_shared_from_this<Peer> {
 public:
  Peer(Network& network, const Address& address);
  ~Peer();

  const Address& address() const { return address_; }

  // Any thread. Encodes the message into the queue; written at once, or at
  // the end of the sending process's turn (flushBufferedSends()).
  void enqueue(const UPID& from, const UPID& to, const std::string& name,
               const std::string& body);
  // Any thread: writes what is queued if no write is under way.
  void flush();

  // Event loop thread.
  void connect();
  void addLink(const UPID& linker, const UPID& linkee);
  // The connection is gone: drops what is queued, tells every linker.
  void fail(const std::string& reason);

 private:
  enum class State { kConnecting, kConnected, kBroken };
  enum class Drained { kDone, kBlocked, kFailed };

  // By the holder of the write token (writing_).
  Drained drain();
  void afterDrain(Drained drained);
  void waitWritable();
  void waitReadable();
  void onConnected();
  // How many leading bytes are plain 202 answers.
  size_t skipAccepted(const char* data, size_t size);
  void closeSocket();

  Network& network_;
  const Address address_;

  std::mutex mutex_;
  State state_ = State::kConnecting;
  // Encoded messages not yet handed to the socket, in blocks of about
  // kBlockBytes: appending never moves what is queued, and a write gathers
  // many blocks (sendmsg).
  std::deque<std::string> pending_;
  size_t pendingBytes_ = 0;
  // Where each message not yet written ends, as a position in the stream
  // of bytes ever queued: what a broken connection loses is counted exactly.
  std::deque<uint64_t> ends_;
  uint64_t queued_ = 0;
  std::vector<std::string> spare_;  // emptied blocks, for reuse
  bool writing_ = false;            // the write token: one writer at a time
  bool workerWriting_ = false;      // a worker holds it: do not close the fd
  bool closeWhenWritten_ = false;
  bool dirty_ = false;  // in some worker's list of buffered sends
  int fd_ = -1;

  // Held with the write token.
  std::deque<std::string> inflight_;
  size_t inflightOffset_ = 0;  // into inflight_.front()
  std::vector<std::string> used_;
  std::atomic<uint64_t> written_{0};
  int writeError_ = 0;

  // Event loop thread only.
  std::unique_ptr<asio::ip::tcp::socket> socket_;
  std::unique_ptr<asio::steady_timer> connectTimer_;
  ResponseDecoder responses_;
  bool ignoreResponses_ = false;
  std::unordered_map<UPID, std::vector<UPID>> links_;  // linkee -> linkers
};

// Writes what this thread's process turn queued for peers, one system
// call per peer.
void flushBufferedSends();

}  // namespace process::transport
