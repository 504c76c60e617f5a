// <process/gmock_actions.hpp>: the gmock actions that complete a Future when
// a mocked call happens (FutureArg, FutureArgField, FutureArgNotPointerField,
// FutureSatisfy, FutureResult), as libprocess's tests use them.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gmock.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>

using process::Future;
using process::Nothing;
using ::testing::_;
using ::testing::DoAll;
using ::testing::Invoke;
using ::testing::Return;

namespace {

struct Parcel {
  std::unique_ptr<std::string> pointer;
  std::string value;
};

class Greeter {
 public:
  virtual ~Greeter() = default;
  virtual void greet(int times, const std::string& name) = 0;
  virtual int add(int a, int b) = 0;
  virtual bool take(const Parcel& parcel) = 0;
};

class MockGreeter : public Greeter {
 public:
  MOCK_METHOD(void, greet, (int times, const std::string& name), (override));
  MOCK_METHOD(int, add, (int a, int b), (override));
  MOCK_METHOD(bool, take, (const Parcel& parcel), (override));
};

}  // namespace

TEST(GMockActions, FutureArgGetsTheArgument) {
  MockGreeter greeter;
  Future<std::string> name;
  Future<int> times;
  EXPECT_CALL(greeter, greet(_, _))
      .WillOnce(DoAll(FutureArg<1>(&name), FutureArg<0>(&times)));
  EXPECT_TRUE(name.isPending());
  greeter.greet(3, "ada");
  AWAIT_EXPECT_EQ(std::string("ada"), name);
  AWAIT_EXPECT_EQ(3, times);
}

TEST(GMockActions, FieldsThroughAPointerOrNot) {
  MockGreeter greeter;
  Future<std::string> pointed;
  Future<std::string> held;
  EXPECT_CALL(greeter, take(_))
      .WillOnce(DoAll(FutureArgField<0>(&Parcel::pointer, &pointed),
                      FutureArgNotPointerField<0>(&Parcel::value, &held),
                      Return(true)));
  EXPECT_TRUE(greeter.take(
      Parcel{std::make_unique<std::string>("inside"), "alongside"}));
  AWAIT_EXPECT_EQ(std::string("inside"), pointed);
  AWAIT_EXPECT_EQ(std::string("alongside"), held);
}

TEST(GMockActions, FutureSatisfyWithOrWithoutAValue) {
  MockGreeter greeter;
  Future<Nothing> called;
  Future<int> five;
  EXPECT_CALL(greeter, greet(1, _)).WillOnce(FutureSatisfy(&called));
  EXPECT_CALL(greeter, greet(2, _)).WillOnce(FutureSatisfy(&five, 5));
  greeter.greet(1, "");
  greeter.greet(2, "");
  AWAIT_EXPECT_READY(called);
  AWAIT_EXPECT_EQ(5, five);
}

TEST(GMockActions, FutureResultKeepsWhatTheActionReturns) {
  MockGreeter greeter;
  Future<int> sum;
  EXPECT_CALL(greeter, add(_, _))
      .WillOnce(FutureResult(&sum, Invoke([](int a, int b) { return a + b; })));
  EXPECT_EQ(7, greeter.add(3, 4));
  AWAIT_EXPECT_EQ(7, sum);
}

// Ours: run again, the action completes its future once and ignores the
// rest (libprocess's would use a deleted promise).
TEST(GMockActions, RunTwiceCompletesOnce) {
  MockGreeter greeter;
  Future<std::string> name;
  EXPECT_CALL(greeter, greet(_, _)).WillRepeatedly(FutureArg<1>(&name));
  greeter.greet(1, "first");
  greeter.greet(1, "second");
  AWAIT_EXPECT_EQ(std::string("first"), name);
}
