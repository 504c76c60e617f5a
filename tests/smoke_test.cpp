#include <process/async.hpp>
#include <process/collect.hpp>
#include <process/defer.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/gtest.hpp>
#include <process/process.hpp>

using namespace process;

TEST(Smoke, Then) {
  Promise<int> promise;
  Future<std::string> s =
      promise.future().then([](int i) { return std::to_string(i); });
  promise.set(3);
  AWAIT_EXPECT_EQ(std::string("3"), s);
  auto c = collect(s, Future<int>(4));
  AWAIT_READY(c);
  EXPECT_EQ(4, std::get<1>(c.get()));
}

class Counter : public Process<Counter> {
 public:
  int add(int n) { return total += n; }
  Future<int> twice(int n) {
    int a = co_await dispatch(self(), &Counter::add, n);
    int b = co_await dispatch(self(), &Counter::add, n);
    co_return a + b;
  }
  void poke() { ++pokes; }
  int pokes = 0;
  int total = 0;
  std::vector<UPID> exits;

 protected:
  void initialize() override {
    install("ping", [this](const UPID& from, const std::string& body) {
      send(from, "pong", body);
    });
  }
  void exited(const UPID& pid) override { exits.push_back(pid); }
};

class Client : public Process<Client> {
 public:
  Promise<std::string> pong;

 protected:
  void initialize() override {
    install("pong",
            [this](const UPID&, const std::string& body) { pong.set(body); });
  }
};

TEST(Smoke, Runtime) {
  Counter counter;
  PID<Counter> pid = spawn(counter);
  ASSERT_TRUE(pid);
  AWAIT_EXPECT_EQ(5, dispatch(pid, &Counter::add, 5));
  AWAIT_EXPECT_EQ(7, dispatch(counter, &Counter::add, 2));
  AWAIT_EXPECT_EQ(42, dispatch(pid, [] { return 42; }));
  dispatch(pid, &Counter::poke);
  AWAIT_EXPECT_EQ(1, dispatch(pid, [&] { return counter.pokes; }));
  AWAIT_EXPECT_EQ(7 + 1 + 7 + 2, dispatch(pid, &Counter::twice, 1));

  Client client;
  spawn(client);
  post(client.self(), pid, "ping", "hello");
  AWAIT_EXPECT_EQ(std::string("hello"), client.pong.future());

  Promise<int> p;
  Future<int> deferred =
      p.future().then(defer(pid, [&](int i) { return counter.add(i); }));
  p.set(100);
  AWAIT_EXPECT_EQ(9 + 100, deferred);

  AWAIT_EXPECT_EQ(3, async([](int a, int b) { return a + b; }, 1, 2));
  AWAIT_EXPECT_EQ(9, p.future().then(defer([](int) { return 9; })));

  terminate(client);
  ASSERT_TRUE(wait(client, Seconds(5)));
  terminate(pid);
  ASSERT_TRUE(wait(pid, Seconds(5)));
  AWAIT_DISCARDED(dispatch(pid, &Counter::add, 1));
}

TEST(Smoke, DelayPaused) {
  Counter counter;
  spawn(counter);
  Clock::pause();
  delay(Seconds(5), counter.self(), &Counter::poke);
  Clock::advance(Seconds(5));
  Clock::settle();
  EXPECT_EQ(1, counter.pokes);
  Clock::resume();
  terminate(counter);
  wait(counter);
}
