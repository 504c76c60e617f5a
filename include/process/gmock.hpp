// Test doubles for processes, libprocess's: wait for, drop or forbid the
// messages, dispatches, HTTP requests and exit notices processes receive,
// through a process::Filter (filter.hpp) that a gmock mock drives.
//
// clang-format off
//   Future<Message> ping = FUTURE_MESSAGE(Eq("ping"), _, server.self());
//   post(server.self(), "ping");
//   AWAIT_READY(ping);                       // ping->from, ->to, ->name, ->body
//   Future<Nothing> added = FUTURE_DISPATCH(counter.self(), &Counter::add);
//   DROP_MESSAGES(Eq("pong"), _, _);        // every pong, for the rest of the test
//   EXPECT_NO_FUTURE_DISPATCHES(_, &Counter::reset);
//   Future<Nothing> gone = FUTURE_EXITED(worker.self(), watcher.self());
//   Future<http::Request> request =
//       FutureHttpRequest(Ignored(), "/server/route", parse, /*drop=*/false);
// clang-format on
//
// The matchers: a name is a gmock matcher of std::string or a string; from
// and to a UPID or `_`. FUTURE_/DROP_ forms expect one such event (it is
// then retired; the test fails at its end if none came); the plural DROP_s
// drop every one; EXPECT_NO_FUTURE_s fail the test when one arrives. DROP_s
// drop: the process never sees the event (a dropped dispatch's future is
// abandoned, a dropped HTTP request answered 500). A dispatch matches by the
// type of the method pointer, as libprocess's (two methods of one signature
// match each other), and FUTURE_DISPATCH sees a method dispatched, deferred
// (defer(pid, &T::m)) or delayed alike.
//
// The filter is installed by the first of these a test uses and removed at
// its end by FilterTestEventListener, which must be among GoogleTest's
// listeners: a binary linked with Procession::gtest has it (and
// ClockTestEventListener) appended already; a main of its own appends
// process::FilterTestEventListener::instance() as libprocess's does.
#pragma once

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <typeinfo>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <process/event.hpp>
#include <process/filter.hpp>
#include <process/future.hpp>
#include <process/gmock_actions.hpp>
#include <process/http.hpp>
#include <process/message.hpp>
#include <process/nothing.hpp>
#include <process/pid.hpp>
#include <process/try.hpp>

// NOLINTBEGIN(readability-identifier-naming): libprocess's names throughout.

#define FUTURE_MESSAGE(name, from, to) process::FutureMessage(name, from, to)
#define DROP_MESSAGE(name, from, to) \
  process::FutureMessage(name, from, to, true)
#define DROP_MESSAGES(name, from, to) process::DropMessages(name, from, to)
#define EXPECT_NO_FUTURE_MESSAGES(name, from, to) \
  process::ExpectNoFutureMessages(name, from, to)

#define FUTURE_DISPATCH(pid, method) process::FutureDispatch(pid, method)
#define DROP_DISPATCH(pid, method) process::FutureDispatch(pid, method, true)
#define DROP_DISPATCHES(pid, method) process::DropDispatches(pid, method)
#define EXPECT_NO_FUTURE_DISPATCHES(pid, method) \
  process::ExpectNoFutureDispatches(pid, method)

#define FUTURE_EXITED(from, to) process::FutureExited(from, to)
#define DROP_EXITED(from, to) process::FutureExited(from, to, true)

namespace process {

// The mock a TestsFilter consults: by default it drops nothing, and each
// macro adds an expectation ahead of those defaults.
class MockFilter : public Filter {
 public:
  MockFilter() {
    using ::testing::A;
    using ::testing::Return;
    EXPECT_CALL(*this, filter(A<const UPID&>(), A<const MessageEvent&>()))
        .WillRepeatedly(Return(false));
    EXPECT_CALL(*this, filter(A<const UPID&>(), A<const DispatchEvent&>()))
        .WillRepeatedly(Return(false));
    EXPECT_CALL(*this, filter(A<const UPID&>(), A<const HttpEvent&>()))
        .WillRepeatedly(Return(false));
    EXPECT_CALL(*this, filter(A<const UPID&>(), A<const ExitedEvent&>()))
        .WillRepeatedly(Return(false));
  }

  MOCK_METHOD(bool, filter, (const UPID& process, const MessageEvent& event),
              (override));
  MOCK_METHOD(bool, filter, (const UPID& process, const DispatchEvent& event),
              (override));
  MOCK_METHOD(bool, filter, (const UPID& process, const HttpEvent& event),
              (override));
  MOCK_METHOD(bool, filter, (const UPID& process, const ExitedEvent& event),
              (override));
};

// The filter the macros install: every event goes to the mock, under a
// mutex that also guards setting expectations (gmock's are not to be set
// while the mock is called). Recursive: completing a macro's future runs
// callbacks, which may use the macros again.
class TestsFilter : public Filter {
 public:
  bool filter(const UPID& process, const MessageEvent& event) override {
    return handle(process, event);
  }
  bool filter(const UPID& process, const DispatchEvent& event) override {
    return handle(process, event);
  }
  bool filter(const UPID& process, const HttpEvent& event) override {
    return handle(process, event);
  }
  bool filter(const UPID& process, const ExitedEvent& event) override {
    return handle(process, event);
  }

  template <typename T>
  bool handle(const UPID& process, const T& event) {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    return mock.filter(process, event);
  }

  MockFilter mock;
  std::recursive_mutex mutex;
};

// Installs the TestsFilter on first use in a test and removes it when the
// test ends, so that no expectation outlives its test.
class FilterTestEventListener : public ::testing::EmptyTestEventListener {
 public:
  // Owned by GoogleTest's listener list once appended: never freed here.
  static FilterTestEventListener* instance() {
    static auto* listener = new FilterTestEventListener();
    return listener;
  }

  TestsFilter* install() {
    if (!started_) {
      std::cerr << "To use FUTURE/DROP_MESSAGE/DISPATCH, etc. you need to do "
                   "the following before you invoke RUN_ALL_TESTS():\n\n"
                   "\t::testing::TestEventListeners& listeners =\n"
                   "\t  ::testing::UnitTest::GetInstance()->listeners();\n"
                   "\tlisteners.Append("
                   "process::FilterTestEventListener::instance());\n"
                << std::flush;
      std::exit(EXIT_FAILURE);  // NOLINT(concurrency-mt-unsafe): as libprocess
    }
    if (filter_ == nullptr) {
      filter_ = new TestsFilter();
      process::filter(filter_);
    }
    return filter_;
  }

  void OnTestProgramStart(const ::testing::UnitTest& /*test*/) override {
    started_ = true;
  }

  void OnTestEnd(const ::testing::TestInfo& /*info*/) override {
    if (filter_ != nullptr) {
      // Uninstalled first: this waits for any worker inside the filter.
      process::filter(nullptr);
      delete filter_;
      filter_ = nullptr;
    }
  }

 private:
  FilterTestEventListener() = default;

  TestsFilter* filter_ = nullptr;
  bool started_ = false;
};

// The matchers, used with .With() on the (process, event) pair.

MATCHER_P2(MessageMatcher, name, from, "") {
  const MessageEvent& event = std::get<1>(arg);
  return ::testing::Matcher<std::string>(name).Matches(event.message.name) &&
         ::testing::Matcher<UPID>(from).Matches(event.message.from);
}

// A protocol buffer using the "union" trick: a `type` field saying which of
// its optional members is set. The message's name is its type's name.
MATCHER_P3(UnionMessageMatcher, message, unionType, from, "") {
  const MessageEvent& event = std::get<1>(arg);
  message_type parsed;
  return ::testing::Matcher<std::string>(std::string(parsed.GetTypeName()))
             .Matches(event.message.name) &&
         parsed.ParseFromString(event.message.body) &&
         ::testing::Matcher<unionType_type>(unionType).Matches(parsed.type()) &&
         ::testing::Matcher<UPID>(from).Matches(event.message.from);
}

MATCHER_P(DispatchMatcher, method, "") {
  const DispatchEvent& event = std::get<1>(arg);
  return event.functionType.isSome() &&
         *event.functionType.get() == typeid(method);
}

MATCHER_P(ExitedMatcher, from, "") {
  const ExitedEvent& event = std::get<1>(arg);
  return ::testing::Matcher<UPID>(from).Matches(event.pid);
}

// A request whose body `deserializer` accepts, for a path `path` matches.
MATCHER_P3(HttpMatcher, message, path, deserializer, "") {
  const HttpEvent& event = std::get<1>(arg);
  const Try<message_type> body = deserializer(event.request->body);
  return !body.isError() &&
         ::testing::Matcher<std::string>(path).Matches(event.request->url.path);
}

MATCHER_P4(UnionHttpMatcher, message, unionType, path, deserializer, "") {
  const HttpEvent& event = std::get<1>(arg);
  const Try<message_type> body = deserializer(event.request->body);
  return !body.isError() &&
         ::testing::Matcher<unionType_type>(unionType).Matches(body->type()) &&
         ::testing::Matcher<std::string>(path).Matches(event.request->url.path);
}

namespace detail {

// Adds an expectation on the filter's mock, under the filter's mutex.
template <typename Expect>
void expectOnFilter(Expect&& expect) {
  TestsFilter* filter = FilterTestEventListener::instance()->install();
  std::lock_guard<std::recursive_mutex> lock(filter->mutex);
  expect(filter->mock);
}

// One event of kind `Kind` to `to` that `matcher` accepts: `capture` (an
// action) completes the caller's future, and the filter answers `drop`. The
// expectation then retires, leaving later events to the others.
template <typename Kind, typename To, typename Matcher, typename Capture>
void expectOne(To to, Matcher matcher, Capture capture, bool drop) {
  expectOnFilter([&](MockFilter& mock) {
    EXPECT_CALL(mock, filter(to, ::testing::A<const Kind&>()))
        .With(matcher)
        .WillOnce(::testing::DoAll(capture, ::testing::Return(drop)))
        .RetiresOnSaturation();
  });
}

}  // namespace detail

// One message named `name` from `from` to `to`: the future gets it; `drop`
// drops it.
template <typename Name, typename From, typename To>
Future<Message> FutureMessage(Name name, From from, To to, bool drop = false) {
  Future<Message> future;
  detail::expectOne<MessageEvent>(
      to, MessageMatcher(name, from),
      FutureArgNotPointerField<1>(&MessageEvent::message, &future), drop);
  return future;
}

template <typename Message, typename UnionType, typename From, typename To>
Future<process::Message> FutureUnionMessage(Message message,
                                            UnionType unionType, From from,
                                            To to, bool drop = false) {
  Future<process::Message> future;
  detail::expectOne<MessageEvent>(
      to, UnionMessageMatcher(message, unionType, from),
      FutureArgNotPointerField<1>(&MessageEvent::message, &future), drop);
  return future;
}

// One dispatch of `method` (by its type) to `pid`.
template <typename PID, typename Method>
Future<Nothing> FutureDispatch(PID pid, Method method, bool drop = false) {
  Future<Nothing> future;
  detail::expectOne<DispatchEvent>(pid, DispatchMatcher(method),
                                   FutureSatisfy(&future), drop);
  return future;
}

// One exit notice of `from` to `to`.
template <typename From, typename To>
Future<Nothing> FutureExited(From from, To to, bool drop = false) {
  Future<Nothing> future;
  detail::expectOne<ExitedEvent>(to, ExitedMatcher(from),
                                 FutureSatisfy(&future), drop);
  return future;
}

// One HTTP request, to any process, for a path `path` matches, whose body
// `deserializer` (body -> Try<Message>) accepts; `message` gives the type.
template <typename Message, typename Path, typename Deserializer>
Future<http::Request> FutureHttpRequest(Message message, Path path,
                                        Deserializer deserializer,
                                        bool drop = false) {
  Future<http::Request> future;
  detail::expectOne<HttpEvent>(
      ::testing::A<const UPID&>(), HttpMatcher(message, path, deserializer),
      FutureArgField<1>(&HttpEvent::request, &future), drop);
  return future;
}

template <typename Message, typename UnionType, typename Path,
          typename Deserializer>
Future<http::Request> FutureUnionHttpRequest(Message message,
                                             UnionType unionType, Path path,
                                             Deserializer deserializer,
                                             bool drop = false) {
  Future<http::Request> future;
  detail::expectOne<HttpEvent>(
      ::testing::A<const UPID&>(),
      UnionHttpMatcher(message, unionType, path, deserializer),
      FutureArgField<1>(&HttpEvent::request, &future), drop);
  return future;
}

// The plural forms: `dropping` true drops every such event for the rest of
// the test; false forbids them (Times(0): one fails the test).
namespace detail {

template <typename Kind, typename To, typename Matcher>
void everyEvent(To to, Matcher matcher, bool dropping) {
  expectOnFilter([&](MockFilter& mock) {
    if (dropping) {
      EXPECT_CALL(mock, filter(to, ::testing::A<const Kind&>()))
          .With(matcher)
          .WillRepeatedly(::testing::Return(true));
    } else {
      EXPECT_CALL(mock, filter(to, ::testing::A<const Kind&>()))
          .With(matcher)
          .Times(0);
    }
  });
}

}  // namespace detail

template <typename Name, typename From, typename To>
void DropMessages(Name name, From from, To to) {
  detail::everyEvent<MessageEvent>(to, MessageMatcher(name, from), true);
}

template <typename Name, typename From, typename To>
void ExpectNoFutureMessages(Name name, From from, To to) {
  detail::everyEvent<MessageEvent>(to, MessageMatcher(name, from), false);
}

template <typename Message, typename UnionType, typename From, typename To>
void DropUnionMessages(Message message, UnionType unionType, From from, To to) {
  detail::everyEvent<MessageEvent>(
      to, UnionMessageMatcher(message, unionType, from), true);
}

template <typename Message, typename UnionType, typename From, typename To>
void ExpectNoFutureUnionMessages(Message message, UnionType unionType,
                                 From from, To to) {
  detail::everyEvent<MessageEvent>(
      to, UnionMessageMatcher(message, unionType, from), false);
}

template <typename PID, typename Method>
void DropDispatches(PID pid, Method method) {
  detail::everyEvent<DispatchEvent>(pid, DispatchMatcher(method), true);
}

template <typename PID, typename Method>
void ExpectNoFutureDispatches(PID pid, Method method) {
  detail::everyEvent<DispatchEvent>(pid, DispatchMatcher(method), false);
}

// As libprocess's, the HTTP forms take a `drop` they ignore.
template <typename Message, typename Path, typename Deserializer>
void DropHttpRequests(Message message, Path path, Deserializer deserializer,
                      bool /*drop*/ = false) {
  detail::everyEvent<HttpEvent>(::testing::A<const UPID&>(),
                                HttpMatcher(message, path, deserializer), true);
}

template <typename Message, typename UnionType, typename Path,
          typename Deserializer>
void DropUnionHttpRequests(Message message, UnionType unionType, Path path,
                           Deserializer deserializer, bool /*drop*/ = false) {
  detail::everyEvent<HttpEvent>(
      ::testing::A<const UPID&>(),
      UnionHttpMatcher(message, unionType, path, deserializer), true);
}

template <typename Message, typename Path, typename Deserializer>
void ExpectNoFutureHttpRequests(Message message, Path path,
                                Deserializer deserializer,
                                bool /*drop*/ = false) {
  detail::everyEvent<HttpEvent>(::testing::A<const UPID&>(),
                                HttpMatcher(message, path, deserializer),
                                false);
}

template <typename Message, typename UnionType, typename Path,
          typename Deserializer>
void ExpectNoFutureUnionHttpRequests(Message message, UnionType unionType,
                                     Path path, Deserializer deserializer,
                                     bool /*drop*/ = false) {
  detail::everyEvent<HttpEvent>(
      ::testing::A<const UPID&>(),
      UnionHttpMatcher(message, unionType, path, deserializer), false);
}

}  // namespace process

// NOLINTEND(readability-identifier-naming)
