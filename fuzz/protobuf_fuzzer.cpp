// Fuzzes what a ProtobufProcess does with the body of a typed message: the
// first byte picks one of three installed types, the rest is the body. A
// handler must be called exactly when the body parses as its type (with
// every required field), with that message; every other body must be
// dropped and counted, and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/nothing.hpp>
#include <process/protobuf.hpp>

#include "protos/protobuf_test.pb.h"

namespace {

using procession::test::Everything;
using procession::test::Item;
using procession::test::Strict;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

template <typename M>
bool parses(const std::string& body) {
  M message;
  return message.ParsePartialFromString(body) && message.IsInitialized();
}

class Target : public ProtobufProcess<Target> {
 public:
  Target() : ProtobufProcess<Target>("target") {
    install<Everything>(&Target::everything);
    install<Item>(&Target::item);
    install<Strict>(&Target::strict, &Strict::id, &Strict::note);
  }

  // The body posted last, to check what the handler gets against it.
  std::string body;
  uint64_t handled = 0;

  process::Nothing barrier() { return process::Nothing(); }

 private:
  void everything(const process::UPID&, const Everything& message) {
    handledAs(message);
  }
  void item(Item&& message) { handledAs(message); }
  void strict(uint64_t id, const std::string& note) {
    Strict expected;
    check(expected.ParseFromString(body));
    check(expected.id() == id && expected.note() == note);
    ++handled;
  }

  template <typename M>
  void handledAs(const M& message) {
    check(message.IsInitialized());
    // What the handler got is what the body says: the same message again.
    M again;
    check(again.ParseFromString(body));
    check(again.SerializeAsString() == message.SerializeAsString());
    ++handled;
  }
};

struct Harness {
  Harness()
      : node(process::Context::Options{.ip = "127.0.0.1", .workers = 1}),
        to(node.spawn(target)) {}
  Target target;
  process::Context node;
  process::UPID to;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Never destroyed: the fuzzer ends the program with exit().
  static auto* harness = new Harness();
  if (size == 0) {
    return 0;
  }
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string name;
  bool valid = false;
  switch (data[0] % 3) {
    case 0:
      name = "procession.test.Everything";
      valid = parses<Everything>(body);
      break;
    case 1:
      name = "procession.test.Item";
      valid = parses<Item>(body);
      break;
    default:
      name = "procession.test.Strict";
      valid = parses<Strict>(body);
      break;
  }
  Target& target = harness->target;
  const uint64_t handled = target.handled;
  const uint64_t dropped = harness->node.droppedMessages();
  target.body = body;  // the process is idle: the barrier below ended
  process::post(harness->to, name, body);
  process::dispatch(harness->to, [&target] {
    return target.barrier();
  }).await();
  check(target.handled == handled + (valid ? 1 : 0));
  check(harness->node.droppedMessages() == dropped + (valid ? 0 : 1));
  return 0;
}
