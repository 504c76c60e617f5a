// Protocol-buffer processes (process/protobuf.hpp): every install form,
// send/reply/post of messages within a context and between two contexts,
// large and many-typed messages, bodies that do not parse, the fallback to
// plain handlers, and the request/response helpers with and without a
// timeout on a paused Clock.
#include <google/protobuf/repeated_field.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/id.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>
#include <process/protobuf.hpp>
#include <process/queue.hpp>

#include "protos/protobuf_test.pb.h"
#include "reaper.hpp"

using namespace process;

using google::protobuf::RepeatedField;
using google::protobuf::util::MessageDifferencer;
using procession::test::Blob;
using procession::test::Everything;
using procession::test::Item;
using procession::test::Ping;
using procession::test::Pong;
using procession::test::Strict;
using procession::test::Unknown;

namespace {

Context::Options nodeOptions() {
  Context::Options options;
  options.ip = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  return options;
}

Ping ping(int sequence) {
  Ping message;
  message.set_sequence(sequence);
  return message;
}

// A tag for field 1 with its value missing: no message parses from it.
const std::string kTruncated = "\x08";

// The eight ways to install a handler of Ping.
enum class Form {
  kSenderAndConstReference,
  kSenderAndRvalue,
  kSenderOnly,
  kSenderAndFields,
  kConstReference,
  kRvalue,
  kNoArguments,
  kFields,
};

// Installs one form and records each call as text.
class Forms : public ProtobufProcess<Forms> {
 public:
  explicit Forms(Form form) : ProcessBase(ID::generate("forms")) {
    switch (form) {
      case Form::kSenderAndConstReference:
        install<Ping>(&Forms::senderAndConstReference);
        break;
      case Form::kSenderAndRvalue:
        install<Ping>(&Forms::senderAndRvalue);
        break;
      case Form::kSenderOnly:
        install<Ping>(&Forms::senderOnly);
        break;
      case Form::kSenderAndFields:
        install<Ping>(&Forms::senderAndFields, &Ping::sequence);
        break;
      case Form::kConstReference:
        install<Ping>(&Forms::constReference);
        break;
      case Form::kRvalue:
        install<Ping>(&Forms::rvalue);
        break;
      case Form::kNoArguments:
        install<Ping>(&Forms::noArguments);
        break;
      case Form::kFields:
        install<Ping>(&Forms::fields, &Ping::sequence);
        break;
    }
  }

  Queue<std::string> calls;

 private:
  void senderAndConstReference(const UPID& from, const Ping& message) {
    calls.put(stringify(from) + " " + std::to_string(message.sequence()));
  }
  void senderAndRvalue(const UPID& from, Ping&& message) {
    const Ping owned = std::move(message);
    calls.put(stringify(from) + " " + std::to_string(owned.sequence()));
  }
  void senderOnly(const UPID& from) { calls.put(stringify(from)); }
  void senderAndFields(const UPID& from, int32_t sequence) {
    calls.put(stringify(from) + " " + std::to_string(sequence));
  }
  void constReference(const Ping& message) {
    calls.put(std::to_string(message.sequence()));
  }
  void rvalue(Ping&& message) {
    const Ping owned = std::move(message);
    calls.put(std::to_string(owned.sequence()));
  }
  void noArguments() { calls.put("called"); }
  void fields(int32_t sequence) { calls.put(std::to_string(sequence)); }
};

// Answers Ping n with Pong n+1, by reply(); records who pinged.
class Server : public ProtobufProcess<Server> {
 public:
  Server() : ProcessBase(ID::generate("server")) {
    install<Ping>(&Server::ping);
  }

  Nothing replyOutsideAHandler() {
    reply(Pong());
    return Nothing();
  }

  Queue<UPID> pinged;

 private:
  void ping(const UPID& from, const Ping& message) {
    Pong pong;
    pong.set_sequence(message.sequence() + 1);
    reply(pong);
    pinged.put(from);
  }
};

// Takes Pings and never answers.
class Silent : public ProtobufProcess<Silent> {
 public:
  Silent() : ProcessBase(ID::generate("silent")) {
    install<Ping>(&Silent::ping);
  }

  Queue<UPID> pinged;

 private:
  void ping(const UPID& from) { pinged.put(from); }
};

// Sends what it is told to, and records the Pongs it gets.
class Client : public ProtobufProcess<Client> {
 public:
  Client() : ProcessBase(ID::generate("client")) {
    install<Pong>(&Client::pong);
  }

  void sendPing(const UPID& to, int sequence) { send(to, ping(sequence)); }
  void sendStrict(const UPID& to, const Strict& message) { send(to, message); }
  void sendPlain(const UPID& to, const std::string& name,
                 const std::string& body) {
    send(to, name, body.data(), body.size());
  }

  Queue<std::string> pongs;  // "<from> <sequence>"

 private:
  void pong(const UPID& from, const Pong& message) {
    pongs.put(stringify(from) + " " + std::to_string(message.sequence()));
  }
};

// Keeps each message it gets.
class Sink : public ProtobufProcess<Sink> {
 public:
  Sink() : ProcessBase(ID::generate("sink")) {
    install<Everything>(&Sink::everything);
    install<Blob>(&Sink::blob);
    install<Strict>(&Sink::strict);
  }

  Queue<Everything> everythings;
  Queue<std::string> payloads;
  Queue<uint64_t> stricts;

 private:
  void everything(const Everything& message) { everythings.put(message); }
  void blob(Blob&& message) {
    payloads.put(std::move(*message.mutable_payload()));
  }
  void strict(const UPID&, const Strict& message) { stricts.put(message.id()); }
};

// Typed and plain handlers side by side.
class Mixed : public ProtobufProcess<Mixed> {
 public:
  Mixed() : ProcessBase(ID::generate("mixed")) {
    install<Ping>(&Mixed::typed);
    // The same name as plain, installed later: the typed one still wins.
    install("procession.test.Ping", &Mixed::plain);
    // No typed handler of Unknown: it goes to the plain one.
    install("procession.test.Unknown", &Mixed::plain);
    install("plain", [this](const UPID& from, const std::string& body) {
      calls.put("lambda " + stringify(from) + " " + body);
    });
  }

  Nothing replaceTyped() {
    install<Ping>(&Mixed::typedAgain);
    return Nothing();
  }

  Queue<std::string> calls;

 private:
  void typed(const Ping& message) {
    calls.put("typed " + std::to_string(message.sequence()));
  }
  void typedAgain(const Ping& message) {
    calls.put("again " + std::to_string(message.sequence()));
  }
  void plain(const UPID&, const std::string& body) {
    calls.put("plain " + body);
  }
};

// The field form with repeated, nested and enum fields.
class Fields : public ProtobufProcess<Fields> {
 public:
  Fields() : ProcessBase(ID::generate("fields")) {
    install<Everything>(&Fields::fields, &Everything::a_string,
                        &Everything::strings, &Everything::items,
                        &Everything::int32s, &Everything::item,
                        &Everything::a_color, &Everything::uint64s);
  }

  Queue<std::string> calls;

 private:
  // Repeated message and string fields come as vectors (libprocess's
  // convert), a repeated scalar as a vector (ours) or as the RepeatedField
  // itself (what libprocess passes).
  void fields(const UPID& from, const std::string& text,
              const std::vector<std::string>& strings,
              const std::vector<Item>& items, std::vector<int32_t> int32s,
              const Item& item, Everything::Color color,
              const RepeatedField<uint64_t>& uint64s) {
    std::string call = stringify(from) + " " + text + " [";
    for (const std::string& s : strings) {
      call += s + ",";
    }
    call += "] [";
    for (const Item& i : items) {
      call += i.key() + "=" + std::to_string(i.value()) + ",";
    }
    call += "] [";
    for (int32_t n : int32s) {
      call += std::to_string(n) + ",";
    }
    call += "] " + item.key() + " " + std::to_string(item.children_size()) +
            " " + Everything::Color_Name(color) + " [";
    for (uint64_t n : uint64s) {
      call += std::to_string(n) + ",";
    }
    calls.put(call + "]");
  }
};

Everything everything() {
  Everything message;
  message.set_a_double(-1.5e300);
  message.set_a_float(3.25f);
  message.set_an_int32(std::numeric_limits<int32_t>::min());
  message.set_an_int64(std::numeric_limits<int64_t>::min());
  message.set_a_uint32(std::numeric_limits<uint32_t>::max());
  message.set_a_uint64(std::numeric_limits<uint64_t>::max());
  message.set_a_sint32(-123456);
  message.set_a_sint64(-1234567890123LL);
  message.set_a_fixed32(0xdeadbeef);
  message.set_a_fixed64(0xfeedfacecafebeefULL);
  message.set_an_sfixed32(-7);
  message.set_an_sfixed64(-8);
  message.set_a_bool(true);
  message.set_a_string(std::string("text with a \0 inside", 20));
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  message.set_some_bytes(bytes);
  message.set_a_color(Everything::BLUE);
  for (int i = -2; i <= 2; ++i) {
    message.add_int32s(i);
    message.add_doubles(i / 4.0);
  }
  message.add_uint64s(0);
  message.add_uint64s(std::numeric_limits<uint64_t>::max());
  message.add_strings("one");
  message.add_strings("");
  message.add_strings("three");
  message.add_byte_strings(bytes);
  message.add_colors(Everything::GREEN);
  message.add_colors(Everything::RED);
  Item* item = message.mutable_item();
  item->set_key("root");
  item->set_value(1);
  Item* child = item->add_children();
  child->set_key("child");
  child->add_children()->set_key("grandchild");
  for (int i = 0; i < 3; ++i) {
    Item* listed = message.add_items();
    listed->set_key("k" + std::to_string(i));
    listed->set_value(i * 10);
  }
  message.mutable_strict()->set_id(42);
  return message;
}

TEST(ProtobufProcess, EveryInstallFormGetsWhatItAsksForAndNoBadBody) {
  struct Case {
    Form form;
    bool sender;    // the record starts with the sender
    bool sequence;  // and has the sequence number
  };
  const std::vector<Case> cases = {
      {Form::kSenderAndConstReference, true, true},
      {Form::kSenderAndRvalue, true, true},
      {Form::kSenderOnly, true, false},
      {Form::kSenderAndFields, true, true},
      {Form::kConstReference, false, true},
      {Form::kRvalue, false, true},
      {Form::kNoArguments, false, false},
      {Form::kFields, false, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("form " + std::to_string(static_cast<int>(c.form)));
    Forms forms(c.form);
    Context node(nodeOptions());
    const UPID to = node.spawn(forms);
    const UPID sender("sender", node.address());

    // Ours for the forms without the message: the body must parse too.
    post(sender, to, "procession.test.Ping", kTruncated);
    post(sender, to, ping(7));

    std::string expected;
    if (c.sender) {
      expected = stringify(sender);
    }
    if (c.sequence) {
      expected += expected.empty() ? "7" : " 7";
    }
    if (expected.empty()) {
      expected = "called";
    }
    AWAIT_EXPECT_EQ(expected, forms.calls.get());
    EXPECT_EQ(1u, node.droppedMessages());
    EXPECT_TRUE(forms.calls.get().isPending());
  }
}

TEST(ProtobufProcess, NamedAsMesosNamesItsProcesses) {
  Server server;
  EXPECT_EQ(0u, server.self().id.rfind("server(", 0)) << server.self().id;
  class Named : public ProtobufProcess<Named> {
   public:
    Named() : ProtobufProcess<Named>("named") {}
  };
  Named named;
  EXPECT_EQ("named", named.self().id);
}

TEST(ProtobufProcess, FieldFormPassesRepeatedAndNestedFields) {
  Fields fields;
  Context node(nodeOptions());
  const UPID to = node.spawn(fields);
  const UPID sender("sender", node.address());
  post(sender, to, everything());
  AWAIT_EXPECT_EQ(stringify(sender) + " " +
                      std::string("text with a \0 inside", 20) +
                      " [one,,three,] [k0=0,k1=10,k2=20,] [-2,-1,0,1,2,] "
                      "root 1 BLUE [0,18446744073709551615,]",
                  fields.calls.get());
}

TEST(ProtobufProcess, SendNamesTheMessageByItsTypeAndSerializesIt) {
  // Seen by a plain handler: the name and the bytes as they travel.
  class Recorder : public Process<Recorder> {
   public:
    Recorder() : ProcessBase(ID::generate("recorder")) {
      install("procession.test.Ping",
              [this](const UPID& from, const std::string& body) {
                received.put(stringify(from) + " " + body);
              });
    }
    Queue<std::string> received;
  };
  Recorder recorder;
  Client client;
  Context node(nodeOptions());
  node.spawn(recorder);
  node.spawn(client);
  dispatch(client.self(), &Client::sendPing, recorder.self(), 300);
  AWAIT_EXPECT_EQ(
      stringify(client.self()) + " " + ping(300).SerializeAsString(),
      recorder.received.get());
}

TEST(ProtobufProcess, ReplyAnswersTheSenderInOneContext) {
  Server server;
  Client client;
  Context node(nodeOptions());
  node.spawn(server);
  node.spawn(client);
  dispatch(client.self(), &Client::sendPing, server.self(), 1);
  AWAIT_EXPECT_EQ(UPID(client.self()), server.pinged.get());
  AWAIT_EXPECT_EQ(stringify(server.self()) + " 2", client.pongs.get());
  EXPECT_EQ(0u, node.droppedMessages());
}

// Two contexts of this OS process: over loopback, or in memory.
TEST(ProtobufProcess, SendAndReplyBetweenTwoContexts) {
  for (bool inMemory : {false, true}) {
    SCOPED_TRACE(inMemory ? "in memory" : "over loopback");
    Server server;
    Client client;
    Context::Options options = nodeOptions();
    options.inMemoryLocalPeers = inMemory;
    Context serving(options);
    Context asking(options);
    serving.spawn(server);
    asking.spawn(client);
    ASSERT_NE(serving.address(), asking.address());

    for (int i = 0; i < 10; ++i) {
      dispatch(client.self(), &Client::sendPing, server.self(), i * 2);
    }
    for (int i = 0; i < 10; ++i) {
      AWAIT_EXPECT_EQ(UPID(client.self()), server.pinged.get());
      AWAIT_EXPECT_EQ(
          stringify(server.self()) + " " + std::to_string(i * 2 + 1),
          client.pongs.get());
    }
    EXPECT_EQ(0u, serving.droppedMessages());
    EXPECT_EQ(0u, asking.droppedMessages());
  }
}

TEST(ProtobufProcess, OneMebibyteMessageBetweenTwoContexts) {
  Sink sink;
  Context receiving(nodeOptions());
  Context sending(nodeOptions());
  receiving.spawn(sink);
  std::string payload(size_t{1} << 20, '\0');
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);
  }
  Blob blob;
  blob.set_payload(payload);
  post(UPID("sender", sending.address()), sink.self(), blob);
  Future<std::string> received = sink.payloads.get();
  AWAIT_READY(received);
  EXPECT_TRUE(*received == payload) << "the payload differs";
  EXPECT_EQ(0u, receiving.droppedMessages());
}

TEST(ProtobufProcess, EveryScalarRepeatedAndNestedFieldArrivesIntact) {
  Sink sink;
  Client client;
  Context receiving(nodeOptions());
  Context sending(nodeOptions());
  receiving.spawn(sink);
  sending.spawn(client);
  const Everything sent = everything();
  dispatch(client.self(), &Client::sendPlain, sink.self(),
           std::string(sent.GetTypeName()), sent.SerializeAsString());
  Future<Everything> received = sink.everythings.get();
  AWAIT_READY(received);
  EXPECT_TRUE(MessageDifferencer::Equals(sent, *received))
      << received->DebugString();
  EXPECT_EQ(std::numeric_limits<uint64_t>::max(), received->a_uint64());
  EXPECT_EQ(std::numeric_limits<int64_t>::min(), received->an_int64());
  EXPECT_EQ(20u, received->a_string().size());
  EXPECT_EQ(256u, received->some_bytes().size());
  EXPECT_EQ("grandchild", received->item().children(0).children(0).key());
}

TEST(ProtobufProcess, UnparseableBodiesAreDroppedCountedAndNeverHandled) {
  Sink sink;
  Context node(nodeOptions());
  const UPID to = node.spawn(sink);
  const UPID sender("sender", node.address());

  Strict noId;
  noId.set_note("a required field is missing");
  Strict whole;
  whole.set_id(9);
  whole.set_note("complete");
  const std::string bytes = whole.SerializeAsString();
  const std::vector<std::string> bad = {
      kTruncated,
      std::string(11, '\xff'),               // a tag that never ends
      noId.SerializePartialAsString(),       // no required id
      bytes.substr(0, bytes.size() - 3),     // cut short
      std::string("\x0a\x7f", 2) + "short",  // a length past the end
  };
  for (const std::string& body : bad) {
    post(sender, to, "procession.test.Strict", body);
  }
  // A large body, which is parsed into an arena, cut short.
  const std::string large = everything().SerializeAsString();
  ASSERT_GT(large.size(), 256u);
  post(sender, to, "procession.test.Everything",
       large.substr(0, large.size() - 1));
  post(sender, to, whole);
  AWAIT_EXPECT_EQ(9u, sink.stricts.get());
  EXPECT_EQ(bad.size() + 1, node.droppedMessages());
  EXPECT_TRUE(sink.everythings.get().isPending());
  EXPECT_TRUE(sink.stricts.get().isPending());
}

TEST(ProtobufProcess, MessageMissingRequiredFieldsIsNotSent) {
  Sink sink;
  Client client;
  Context node(nodeOptions());
  node.spawn(sink);
  node.spawn(client);
  Strict noId;
  noId.set_note("no id");
  Strict whole;
  whole.set_id(5);
  dispatch(client.self(), &Client::sendStrict, sink.self(), noId);
  dispatch(client.self(), &Client::sendStrict, sink.self(), whole);
  AWAIT_EXPECT_EQ(5u, sink.stricts.get());
  EXPECT_EQ(1u, node.droppedMessages());
  EXPECT_TRUE(sink.stricts.get().isPending());

  // post() refuses it too.
  post(UPID("sender", node.address()), sink.self(), noId);
  EXPECT_EQ(2u, node.droppedMessages());
}

TEST(ProtobufProcess, TypeWithoutATypedHandlerFallsBackToPlainHandlers) {
  Mixed mixed;
  Context node(nodeOptions());
  const UPID to = node.spawn(mixed);
  const UPID sender("sender", node.address());

  Unknown unknown;
  unknown.set_text("hi");
  post(sender, to, unknown);
  AWAIT_EXPECT_EQ("plain " + unknown.SerializeAsString(), mixed.calls.get());

  // A typed handler comes before a plain one of the same name.
  post(sender, to, ping(3));
  AWAIT_EXPECT_EQ("typed 3", mixed.calls.get());

  // Plain names and plain sends keep working beside them.
  post(sender, to, "plain", "bytes");
  AWAIT_EXPECT_EQ("lambda " + stringify(sender) + " bytes", mixed.calls.get());

  // A later typed install replaces the earlier one.
  AWAIT_READY(dispatch(mixed.self(), &Mixed::replaceTyped));
  post(sender, to, ping(4));
  AWAIT_EXPECT_EQ("again 4", mixed.calls.get());
  EXPECT_EQ(0u, node.droppedMessages());
}

TEST(ProtobufProcess, ReplyWithNoOneToAnswerIsDroppedAndCounted) {
  Server server;
  Context node(nodeOptions());
  const UPID to = node.spawn(server);

  // Posted from outside any process: the sender is empty.
  post(to, ping(1));
  AWAIT_EXPECT_EQ(UPID(), server.pinged.get());
  EXPECT_EQ(1u, node.droppedMessages());

  // Not in a handler of a typed message.
  AWAIT_READY(dispatch(server.self(), &Server::replyOutsideAHandler));
  EXPECT_EQ(2u, node.droppedMessages());
}

TEST(ProtobufProcess, PostNamesTheSender) {
  Server server;
  Client client;
  Context node(nodeOptions());
  node.spawn(server);
  node.spawn(client);
  // The reply goes to the process named as the sender.
  post(client.self(), server.self(), ping(10));
  AWAIT_EXPECT_EQ(UPID(client.self()), server.pinged.get());
  AWAIT_EXPECT_EQ(stringify(server.self()) + " 11", client.pongs.get());
}

// Resumes the clock however the test ends.
class PausedClock {
 public:
  PausedClock() { Clock::pause(); }
  ~PausedClock() { Clock::resume(); }
  PausedClock(const PausedClock&) = delete;
  PausedClock& operator=(const PausedClock&) = delete;
};

TEST(ProtobufProtocol, RequestGetsItsTypedResponse) {
  Server server;
  ASSERT_TRUE(spawn(server));
  Reaper reaper(server);
  const Protocol<Ping, Pong> protocol;
  Future<Pong> pong = protocol(server.self(), ping(41));
  AWAIT_READY(pong);
  EXPECT_EQ(42, pong->sequence());
  // The helper's own process asked, and is gone once answered.
  Future<UPID> asker = server.pinged.get();
  AWAIT_READY(asker);
  EXPECT_EQ(0u, asker->id.rfind("__req_res__(", 0)) << asker->id;
  EXPECT_TRUE(wait(*asker, Seconds(15)));
}

TEST(ProtobufProtocol, RequestToAnotherContext) {
  Server server;
  Context serving(nodeOptions());
  serving.spawn(server);
  Future<Pong> pong =
      Protocol<Ping, Pong>()(server.self(), ping(1), Seconds(30));
  AWAIT_READY(pong);
  EXPECT_EQ(2, pong->sequence());
}

TEST(ProtobufProtocol, TimeoutFailsTheFutureOnThePausedClock) {
  Silent silent;
  ASSERT_TRUE(spawn(silent));
  Reaper reaper(silent);
  PausedClock paused;

  Future<Pong> pong =
      Protocol<Ping, Pong>()(silent.self(), ping(1), Seconds(10));
  Future<UPID> asker = silent.pinged.get();
  AWAIT_READY(asker);
  Clock::settle();
  Clock::advance(Seconds(9));
  Clock::settle();
  EXPECT_TRUE(pong.isPending());

  Clock::advance(Seconds(1));
  AWAIT_EXPECT_FAILURE_EQ("No procession.test.Pong from " +
                              stringify(silent.self()) + " within 10secs",
                          pong);
  EXPECT_TRUE(wait(*asker, Seconds(15)));
}

TEST(ProtobufProtocol, ResponseBeforeTheTimeoutStaysReady) {
  Server server;
  ASSERT_TRUE(spawn(server));
  Reaper reaper(server);
  PausedClock paused;

  Future<Pong> pong =
      Protocol<Ping, Pong>()(server.self(), ping(5), Seconds(1));
  AWAIT_READY(pong);
  Future<UPID> asker = server.pinged.get();
  AWAIT_READY(asker);
  EXPECT_TRUE(wait(*asker, Seconds(15)));
  Clock::advance(Seconds(5));
  Clock::settle();
  EXPECT_TRUE(pong.isReady());
  EXPECT_EQ(6, pong->sequence());
}

TEST(ProtobufProtocol, DiscardStopsTheWaiting) {
  for (bool withTimeout : {false, true}) {
    SCOPED_TRACE(withTimeout ? "with a timeout" : "without a timeout");
    Silent silent;
    ASSERT_TRUE(spawn(silent));
    Reaper reaper(silent);
    PausedClock paused;

    Future<Pong> pong =
        withTimeout
            ? Protocol<Ping, Pong>()(silent.self(), ping(1), Seconds(10))
            : Protocol<Ping, Pong>()(silent.self(), ping(1));
    Future<UPID> asker = silent.pinged.get();
    AWAIT_READY(asker);
    pong.discard();
    AWAIT_EXPECT_DISCARDED(pong);
    EXPECT_TRUE(wait(*asker, Seconds(15)));
    Clock::advance(Seconds(20));
    Clock::settle();
    EXPECT_TRUE(pong.isDiscarded());
  }
}

}  // namespace

// As Mesos's master: a consume(MessageEvent&&) override that sees every
// message, then hands it to ProtobufProcess<T>::consume for the typed
// handlers (and reply()).
class Counting : public ProtobufProcess<Counting> {
 public:
  Counting() : ProcessBase(ID::generate("counting")) {
    install<Ping>(&Counting::ping);
  }

  Queue<std::string> seen;

 protected:
  void consume(MessageEvent&& event) override {
    seen.put(event.message.name);
    ProtobufProcess<Counting>::consume(std::move(event));
  }

 private:
  void ping(const UPID& /*from*/, const Ping& message) {
    Pong pong;
    pong.set_sequence(message.sequence() + 1);
    reply(pong);
  }
};

TEST(ProtobufProcess, ConsumeOverrideSeesMessagesBeforeTheTypedHandlers) {
  Counting counting;
  Client client;
  Context node(nodeOptions());
  node.spawn(counting);
  node.spawn(client);
  dispatch(client.self(), &Client::sendPing, counting.self(), 41);
  AWAIT_EXPECT_EQ("procession.test.Ping", counting.seen.get());
  AWAIT_EXPECT_EQ(stringify(counting.self()) + " 42", client.pongs.get());
}
