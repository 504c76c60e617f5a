// Protocol-buffer forms of <process/gmock.hpp>'s message macros, as Mesos
// defines them (its src/tests/mesos.hpp): a protobuf message travels under
// its type's full name (ProtobufProcess::send, protobuf.hpp), so these
// match that name and hand out the parsed message.
//
//   Future<Ping> ping = FUTURE_PROTOBUF(Ping(), _, server.self());
//   send(server.self(), ping);        // from a ProtobufProcess
//   AWAIT_READY(ping);                // ping->sequence() …
//   DROP_PROTOBUFS(Pong(), _, _);     // every Pong, for the rest of the test
//   EXPECT_NO_FUTURE_PROTOBUFS(Shutdown(), _, _);
//
// The first argument only gives the type. A body that does not parse gives
// a default message, as Mesos's does. Ours: the macros are process::
// qualified (Mesos's sit in its tests' namespace), so that they work from
// any namespace.
#pragma once

#include <string>
#include <type_traits>

#include <gmock/gmock.h>
#include <google/protobuf/message.h>

#include <process/future.hpp>
#include <process/gmock.hpp>
#include <process/message.hpp>

#define FUTURE_PROTOBUF(message, from, to) \
  process::FutureProtobuf(message, from, to)
#define DROP_PROTOBUF(message, from, to) \
  process::FutureProtobuf(message, from, to, true)
#define DROP_PROTOBUFS(message, from, to) \
  process::DropProtobufs(message, from, to)
#define EXPECT_NO_FUTURE_PROTOBUFS(message, from, to) \
  process::ExpectNoFutureProtobufs(message, from, to)

namespace process {
namespace detail {

template <typename T>
std::string protobufName(const T& message) {
  static_assert(std::is_base_of_v<google::protobuf::Message, T>,
                "the *_PROTOBUF macros take a protocol buffer message");
  return std::string(message.GetTypeName());
}

}  // namespace detail

// NOLINTBEGIN(readability-identifier-naming): Mesos's names.
template <typename T, typename From, typename To>
Future<T> FutureProtobuf(const T& message, From from, To to,
                         bool drop = false) {
  return FutureMessage(::testing::Eq(detail::protobufName(message)), from, to,
                       drop)
      .then([](const Message& received) {
        T parsed;
        parsed.ParseFromString(received.body);
        return parsed;
      });
}

template <typename T, typename From, typename To>
void DropProtobufs(const T& message, From from, To to) {
  DropMessages(::testing::Eq(detail::protobufName(message)), from, to);
}

template <typename T, typename From, typename To>
void ExpectNoFutureProtobufs(const T& message, From from, To to) {
  ExpectNoFutureMessages(::testing::Eq(detail::protobufName(message)), from,
                         to);
}
// NOLINTEND(readability-identifier-naming)

}  // namespace process
