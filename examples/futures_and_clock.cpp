// Futures and a paused clock: a request with a timeout, composed with then,
// recovered from failure, and a timeout tested without waiting five seconds.
#include <iostream>
#include <string>

#include <glog/logging.h>

#include <process/after.hpp>
#include <process/clock.hpp>
#include <process/collect.hpp>
#include <process/future.hpp>

using namespace process;

// A lookup that someone completes later.
Future<int> lookup(Promise<int>& pending) {
  return pending.future();
}

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  // 1. Compose: then, and a failure that recover turns into a default.
  Promise<int> answer;
  Future<std::string> text =
      lookup(answer)
          .then([](int value) { return value * 2; })
          .then([](int value) {
            return "the answer is " + std::to_string(value);
          });
  std::cout << "before set: " << text << std::endl;
  answer.set(21);
  std::cout << "after set:  " << text.get() << std::endl;

  Promise<int> broken;
  Future<int> fallback = broken.future().recover([](const Future<int>& failed) {
    std::cout << "recovering from: " << failed.failure() << std::endl;
    return 0;
  });
  broken.fail("disk on fire");
  std::cout << "recovered value: " << fallback.get() << std::endl;

  // 2. Timeouts with a paused clock: nothing fires until we advance it.
  Clock::pause();
  const Time start = Clock::now();
  Promise<int> slow;
  Future<int> withTimeout = slow.future().after(
      Seconds(5), [](const Future<int>& late) -> Future<int> {
        late.discard();  // tell the producer we gave up
        return Failure("timed out after 5secs");
      });
  Future<Nothing> tick = after(Seconds(3));

  Clock::advance(Seconds(3));
  std::cout << "after 3secs: tick " << tick << ", request " << withTimeout
            << std::endl;
  Clock::advance(Seconds(2));
  std::cout << "after 5secs: request " << withTimeout
            << ", producer asked to discard: " << std::boolalpha
            << slow.future().hasDiscard() << std::endl;
  std::cout << "paused time moved by " << (Clock::now() - start)
            << " while almost no real time passed" << std::endl;
  Clock::resume();

  // 3. Many at once.
  Promise<int> a;
  Promise<std::string> b;
  auto both = collect(a.future(), b.future());
  a.set(1);
  b.set("two");
  auto [one, two] = both.get();
  std::cout << "collected: " << one << " and " << two << std::endl;
  return 0;
}
