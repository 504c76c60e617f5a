// The peer of the remote workloads (`procession-bench --peer`) for workloads
// outside bench/remote_workloads.cpp, and what the peer serves for them.
#pragma once

#include <memory>
#include <string>

#include <process/pid.hpp>
#include <process/process.hpp>

namespace bench {

// The id of the peer's ProtobufProcess (bench/protobuf_workloads.cpp).
inline constexpr char kProtobufSinkId[] = "protobuf-sink";

// A running peer; it exits once the last copy of `running` is gone.
struct Peer {
  process::UPID sink;          // remote_workloads.cpp's Sink
  process::UPID protobufSink;  // kProtobufSinkId on the same node
  std::shared_ptr<void> running;
};

// Starts a peer and waits for it to announce itself.
Peer startPeer();

// The peer's ProtobufProcess: counts the Nodes it is sent and acks them.
std::unique_ptr<process::ProcessBase> newProtobufSink(const std::string& id);

}  // namespace bench
