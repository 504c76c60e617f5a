#include <process/collect.hpp>
#include <process/gtest.hpp>

using namespace process;

TEST(Smoke, Then) {
  Promise<int> promise;
  Future<std::string> s = promise.future().then([](int i) { return std::to_string(i); });
  promise.set(3);
  AWAIT_EXPECT_EQ(std::string("3"), s);
  auto c = collect(s, Future<int>(4));
  AWAIT_READY(c);
  EXPECT_EQ(4, std::get<1>(c.get()));
}
