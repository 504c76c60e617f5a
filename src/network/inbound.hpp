// A connection a peer opened to us: requests decoded in order, messages
// handed to their processes, answers written back in request order, and
// every limit of Context::Limits enforced.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <asio.hpp>

#include <process/pid.hpp>

#include "network/http_decoder.hpp"
#include "network/message_codec.hpp"

namespace process::network {

class Network;

class InboundConnection
    : public std::enable_shared_from_this<InboundConnection> {
 public:
  InboundConnection(Network& network, asio::ip::tcp::socket socket);

  // Event loop thread, as is everything here.
  void start();
  void close(const std::string& why);

 private:
  void waitReadable();
  void onReadable();
  void handle(DecodedRequest& request);
  void handleMessage(DecodedRequest& request);
  void answer(int status, const std::string& body = std::string());
  void reject();
  void write();
  void waitWritable();
  void armRequestTimer(bool restart);

  Network& network_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer requestTimer_;
  RequestDecoder decoder_;
  std::string peer_;  // "ip:port", for log lines
  int fd_;

  std::string out_;  // answers not yet written
  size_t outOffset_ = 0;
  bool writing_ = false;
  bool reading_ = false;
  bool closeAfterWrite_ = false;
  bool closed_ = false;
  bool timerArmed_ = false;

  SenderCache senders_;
};

}  // namespace process::network
