// Protocol-buffer messages on the wire are libprocess's, byte for byte: a
// message goes out as POST /<receiver>/<full type name> with the serialized
// message as its (chunked) body, and such a request from a libprocess node
// reaches the typed handler. The expected bytes are spelled out here by
// hand, the body's protobuf encoding included, so the test does not lean on
// the code it checks.
#include <string>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/gtest.hpp>
#include <process/id.hpp>
#include <process/protobuf.hpp>
#include <process/queue.hpp>

#include "protos/mesos_wire.pb.h"
#include "wire_socket.hpp"

using namespace process;
using mesos::internal::RegisterSlaveMessage;
using wire::Listener;
using wire::Socket;
using wire::text;

namespace {

Context::Options nodeOptions() {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  return options;
}

// hostname "h" (field 1, length-delimited), port 5 (field 2, varint).
const std::string kEncoded("\x0a\x01h\x10\x05", 5);

class Slave : public ProtobufProcess<Slave> {
 public:
  Slave() : ProcessBase("slave") {}

  Nothing registerWith(const UPID& master) {
    RegisterSlaveMessage message;
    message.set_hostname("h");
    message.set_port(5);
    send(master, message);
    return Nothing();
  }
};

class Master : public ProtobufProcess<Master> {
 public:
  Master() : ProcessBase("master") {
    install<RegisterSlaveMessage>(&Master::registerSlave);
  }

  Queue<std::string> registered;  // "<from> <hostname>:<port>"

 private:
  void registerSlave(const UPID& from, const RegisterSlaveMessage& message) {
    registered.put(stringify(from) + " " + message.hostname() + ":" +
                   std::to_string(message.port()));
  }
};

}  // namespace

TEST(ProtobufWire, SendIsAPostNamingTheFullTypeWithTheSerializedBody) {
  Listener peer;
  Slave slave;
  Context node(nodeOptions());
  node.spawn(slave);
  const UPID master("master", peer.address());

  AWAIT_READY(dispatch(slave.self(), &Slave::registerWith, master));

  Socket connection = peer.accept();
  ASSERT_TRUE(connection.valid()) << "the node did not connect";
  const std::string from = stringify(slave.self());
  const std::string expected =
      "POST /master/mesos.internal.RegisterSlaveMessage HTTP/1.1\r\n"
      "User-Agent: libprocess/" +
      from +
      "\r\n"
      "Libprocess-From: " +
      from +
      "\r\n"
      "Connection: Keep-Alive\r\n"
      "Host: " +
      text(peer.address()) +
      "\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "5\r\n" +
      kEncoded +
      "\r\n"
      "0\r\n"
      "\r\n";
  std::optional<std::string> got = connection.read(expected.size());
  ASSERT_TRUE(got.has_value())
      << "received only '" << connection.buffered() << "'";
  EXPECT_EQ(expected, *got);
}

TEST(ProtobufWire, ALibprocessRequestReachesTheTypedHandler) {
  Master master;
  Context node(nodeOptions());
  node.spawn(master);

  Socket client = Socket::connect(node.address());
  ASSERT_TRUE(client.valid());
  const std::string from = "slave(1)@10.0.0.7:5051";
  ASSERT_TRUE(client.write(
      "POST /master/mesos.internal.RegisterSlaveMessage HTTP/1.1\r\n"
      "User-Agent: libprocess/" +
      from +
      "\r\n"
      "Libprocess-From: " +
      from +
      "\r\n"
      "Connection: Keep-Alive\r\n"
      "Host: " +
      text(node.address()) +
      "\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "5\r\n" +
      kEncoded + "\r\n0\r\n\r\n"));
  EXPECT_EQ(202, client.readResponse().status);
  AWAIT_EXPECT_EQ(from + " h:5", master.registered.get());
  EXPECT_EQ(0u, node.droppedMessages());
}

TEST(ProtobufWire, ABodyThatIsNotTheTypeIsAcceptedOnTheWireThenDropped) {
  Master master;
  Context node(nodeOptions());
  node.spawn(master);

  Socket client = Socket::connect(node.address());
  ASSERT_TRUE(client.valid());
  // A length-delimited field running past the end: no message parses.
  ASSERT_TRUE(client.write(
      "POST /master/mesos.internal.RegisterSlaveMessage HTTP/1.1\r\n"
      "Libprocess-From: slave(1)@10.0.0.7:5051\r\n"
      "Content-Length: 3\r\n\r\n\x0a\x09h"));
  // libprocess answers 202 before it parses: the wire cannot tell.
  EXPECT_EQ(202, client.readResponse().status);
  // A later good one shows the bad one was handled (dropped) first.
  ASSERT_TRUE(client.write(
      "POST /master/mesos.internal.RegisterSlaveMessage HTTP/1.1\r\n"
      "Libprocess-From: slave(1)@10.0.0.7:5051\r\n"
      "Content-Length: 5\r\n\r\n" +
      kEncoded));
  EXPECT_EQ(202, client.readResponse().status);
  AWAIT_EXPECT_EQ("slave(1)@10.0.0.7:5051 h:5", master.registered.get());
  EXPECT_EQ(1u, node.droppedMessages());
}
