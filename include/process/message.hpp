// A message between processes as a handler, an override of
// ProcessBase::consume(MessageEvent&&) or a test sees it: its name, who sent
// it, to whom, and its body (bytes, often a serialized protocol buffer).
//
//   void consume(MessageEvent&& event) override {
//     const Message& message = event.message;
//     VLOG(1) << message.name << " from " << message.from;
//     ProtobufProcess<Master>::consume(std::move(event));
//   }
#pragma once

#include <string>

#include <process/pid.hpp>

namespace process {

struct Message {
  std::string name;
  UPID from;
  UPID to;
  std::string body;
};

}  // namespace process
