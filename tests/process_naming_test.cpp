// Process<T> derives virtually from ProcessBase, as in libprocess, so Mesos's
// way of naming a process, `Master() : ProcessBase(ID::generate("master"))`,
// compiles and names it; Process<T>(id) keeps working; dispatch, defer,
// install and route reach the object through the virtual base, also from a
// subclass (a mock) and through multiple inheritance.
#include <process/process.hpp>

#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http_client.hpp>
#include <process/id.hpp>

using namespace process;

namespace {

class Master : public Process<Master> {
 public:
  Master() : ProcessBase(ID::generate("master")) {}

  int answer() { return 42; }
  std::string name() const { return self().id; }

  // libprocess's Self names the process's own type.
  static_assert(std::is_same_v<Self, Master>);
  static_assert(std::is_same_v<This, Master>);
};

class Named : public Process<Named> {
 public:
  Named() : Process<Named>("named-by-process") {}
};

// A subclass, the way Mesos's tests mock a process.
class MockMaster : public Master {
 public:
  int answer2() { return answer() * 2; }
};

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void heard(const UPID& from, const std::string& body) = 0;
};

// A process that also implements an interface: the base sits beside others.
class Both : public Listener, public Process<Both> {
 public:
  Both() : ProcessBase("both") {}

  void heard(const UPID& /*from*/, const std::string& body) override {
    promise.set(body);
  }
  Future<http::Response> hello(const http::Request& /*request*/) {
    return http::OK("hello");
  }

  Promise<std::string> promise;

 protected:
  void initialize() override {
    install("heard", &Both::heard);
    route("/hello", None(), &Both::hello);
  }
};

TEST(ProcessNamingTest, VirtualBase) {
  static_assert(std::is_base_of_v<ProcessBase, Master>);
  static_assert(std::is_base_of_v<ProcessBase, Process<Master>>);
}

TEST(ProcessNamingTest, MostDerivedNamesTheProcessBase) {
  Master master;
  EXPECT_EQ(0u, master.self().id.find("master("));
  const PID<Master> pid = spawn(master);
  AWAIT_EXPECT_EQ(42, dispatch(pid, &Master::answer));
  AWAIT_EXPECT_EQ(pid.id, dispatch(pid, &Master::name));
  terminate(master);
  wait(master);
}

TEST(ProcessNamingTest, ProcessIdConstructorStillNames) {
  Named named;
  EXPECT_EQ("named-by-process", named.self().id);
}

TEST(ProcessNamingTest, DispatchToASubclassThroughTheBaseType) {
  MockMaster mock;
  const PID<MockMaster> pid = spawn(mock);
  const PID<Master> base = pid;
  AWAIT_EXPECT_EQ(42, dispatch(base, &Master::answer));
  AWAIT_EXPECT_EQ(84, dispatch(pid, &MockMaster::answer2));

  Future<int> deferred = Future<Nothing>(Nothing()).then(
      defer(base, [](const Nothing&) { return 1; }));
  AWAIT_EXPECT_EQ(1, deferred);
  Future<int> method =
      Future<Nothing>(Nothing()).then(defer(pid, &MockMaster::answer2));
  AWAIT_EXPECT_EQ(84, method);
  terminate(mock);
  wait(mock);
}

TEST(ProcessNamingTest, InstallAndRouteThroughMultipleInheritance) {
  Both both;
  const PID<Both> pid = spawn(both);
  post(pid, "heard", "body");
  AWAIT_EXPECT_EQ("body", both.promise.future());

  Future<http::Response> response = http::get(pid, "hello");
  AWAIT_READY(response);
  EXPECT_EQ("hello", response->body);
  terminate(both);
  wait(both);
}

}  // namespace
