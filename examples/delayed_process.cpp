// The DelayedProcess example from the libprocess developer guide: delay()
// calls a method after five seconds, and a paused Clock makes those five
// seconds pass at once, as a unit test would.
//
// The guide waits with AWAIT_READY, a GoogleTest macro; this program is not
// a test, so it waits with Future::await and checks with CHECK_READY.
#include <chrono>
#include <iostream>
#include <string>

#include <glog/logging.h>

#include <process/check.hpp>
#include <process/clock.hpp>
#include <process/delay.hpp>
#include <process/future.hpp>
#include <process/process.hpp>

using namespace process;

using std::string;

class DelayedProcess : public Process<DelayedProcess> {
 public:
  void action(const string& name) {
    LOG(INFO) << "hello, " << name;

    promise.set(Nothing());
  }

  Promise<Nothing> promise;
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  const auto realStart = std::chrono::steady_clock::now();

  DelayedProcess process;

  spawn(process);

  LOG(INFO) << "Starting to wait";

  Clock::pause();
  const Time clockStart = Clock::now();

  delay(Seconds(5), process.self(), &DelayedProcess::action, "Neil");

  Clock::advance(Seconds(5));

  // The guide: AWAIT_READY(process.promise.future());
  process.promise.future().await(Seconds(15));
  CHECK_READY(process.promise.future());

  LOG(INFO) << "Done waiting";

  const Duration clockElapsed = Clock::now() - clockStart;

  terminate(process);
  wait(process);

  Clock::resume();

  const auto realElapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - realStart);
  std::cout << "the Clock moved " << clockElapsed
            << "; real time elapsed: " << realElapsed.count() / 1000.0 << " ms"
            << std::endl;

  if (clockElapsed < Seconds(5) || realElapsed >= std::chrono::seconds(5)) {
    std::cout << "FAILED: expected 5secs on the Clock and well under 5 "
                 "seconds of real time"
              << std::endl;
    return 1;
  }
  std::cout << "ok: the 5 second delay fired without waiting 5 seconds"
            << std::endl;
  return 0;
}
