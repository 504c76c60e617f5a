// The two HttpProcess samples of the libprocess developer guide's "defer"
// section, completed: a route "/route" whose handler returns
// functionWhichReturnsAFutureOfString().then(defer(self(), ...)), and the
// same with defer(...) and no self(). The program asks each once with
// http::get(upid, "route") and checks the answer: "200 OK" with the body
// "String returned in body: <the string>".
//
// It also shows the difference the guide explains. The string comes while
// HttpProcess is kept busy by a long event:
//   - defer(self(), ...) queues the callback on HttpProcess, so the answer
//     waits until HttpProcess is free again;
//   - defer(...) runs it on a process the library picks, so the answer comes
//     at once, busy HttpProcess or not.
//
// The guide's code is kept as it is, braces added, with one change it needs
// to compile: the route's lambda calls self(), so it must capture `this`
// (C++ refuses a member call in a lambda that does not). The continuation
// gives a Future<http::OK>, which converts to the route's
// Future<http::Response>. The handlers do not use `request`; CMakeLists.txt
// lets that pass (-Wno-unused-parameter).
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include <glog/logging.h>

#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/nothing.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;

using std::string;

namespace {

// One request's asynchronous work: `asked` is set when the handler asks for
// the string, `result` is the string, set later by main.
struct Work {
  Promise<Nothing> asked;
  Promise<string> result;
};

std::mutex workMutex;
std::shared_ptr<Work> currentWork;

std::shared_ptr<Work> newWork() {
  std::lock_guard<std::mutex> lock(workMutex);
  currentWork = std::make_shared<Work>();
  return currentWork;
}

}  // namespace

// What the guide's handlers call: any asynchronous operation, here a future
// that main completes when it chooses.
Future<string> functionWhichReturnsAFutureOfString() {
  std::shared_ptr<Work> work;
  {
    std::lock_guard<std::mutex> lock(workMutex);
    work = currentWork;
  }
  work->asked.set(Nothing());
  return work->result.future();
}

// The guide's first sample: the callback runs on HttpProcess.
namespace with_self {

class HttpProcess : public Process<HttpProcess> {
  virtual void initialize() {
    route("/route", None(), [this](const http::Request& request) {
      return functionWhichReturnsAFutureOfString().then(
          defer(self(), [](const string& s) {
            return http::OK("String returned in body: " + s);
          }));
    });
  }
};

}  // namespace with_self

// The guide's second sample: the callback runs wherever libprocess picks.
namespace without_self {

class HttpProcess : public Process<HttpProcess> {
  virtual void initialize() {
    route("/route", None(), [](const http::Request& request) {
      return functionWhichReturnsAFutureOfString().then(
          defer([](const string& s) {
            return http::OK("String returned in body: " + s);
          }));
    });
  }
};

}  // namespace without_self

namespace {

// Keeps `pid` busy with one long event until release() (or 20 seconds, so
// that a failing run still ends).
class Busy {
 public:
  explicit Busy(const UPID& pid) {
    std::shared_future<void> released = release_.get_future().share();
    (void)dispatch(pid, [started = started_, released] {
      started->set(Nothing());
      released.wait_for(std::chrono::seconds(20));
    });
  }

  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;
  ~Busy() { release(); }

  // Whether the long event has begun (within 15 seconds).
  bool await() const { return started_->future().await(Seconds(15)); }

  void release() {
    if (!released_) {
      released_ = true;
      release_.set_value();
    }
  }

 private:
  std::shared_ptr<Promise<Nothing>> started_ =
      std::make_shared<Promise<Nothing>>();
  std::promise<void> release_;
  bool released_ = false;
};

// Asks `pid` for "/route", completes the string while the process is busy,
// and checks when the answer comes and what it is. `waitsForProcess`: the
// callback was deferred to the process, so the answer must wait for it.
bool ask(const UPID& pid, bool waitsForProcess) {
  const std::shared_ptr<Work> work = newWork();

  Future<http::Response> future = http::get(pid, "route");

  if (!work->asked.future().await(Seconds(15))) {
    say("FAILED: the handler did not ask for the string");
    return false;
  }

  Busy busy(pid);
  if (!busy.await()) {
    say("FAILED: the long event did not start");
    return false;
  }
  work->result.set(string("forty-two"));

  bool ok = true;
  if (waitsForProcess) {
    // Deferred to HttpProcess: nothing can come while it is busy.
    if (future.await(Milliseconds(300))) {
      say("FAILED: answered while HttpProcess was busy");
      ok = false;
    } else {
      say("  no answer while HttpProcess is busy, as expected");
    }
    busy.release();
    if (!future.await(Seconds(15))) {
      say("FAILED: no answer once HttpProcess was free");
      return false;
    }
    say("  answered once HttpProcess was free");
  } else {
    // Run elsewhere: the answer does not wait for HttpProcess.
    if (!future.await(Seconds(15))) {
      say("FAILED: no answer while HttpProcess was busy");
      return false;
    }
    say("  answered while HttpProcess was still busy");
    busy.release();
  }

  if (!future.isReady()) {
    say("FAILED: ", future.isFailed() ? future.failure() : "discarded");
    return false;
  }
  const http::Response& response = future.get();
  say("  GET /", pid.id, "/route: ", response.status, ", \"", response.body,
      "\"");
  if (response.code != http::Status::OK ||
      response.body != "String returned in body: forty-two") {
    say("FAILED: expected 200 OK with \"String returned in body: forty-two\"");
    ok = false;
  }
  return ok;
}

template <typename P>
bool run(const char* title, bool waitsForProcess) {
  say(title);
  P process;
  spawn(process);
  const bool ok = ask(process.self(), waitsForProcess);
  terminate(process);
  wait(process);
  return ok;
}

}  // namespace

int main(int, char** argv) {
  // One worker is kept busy on purpose: make sure there is another, even on
  // a single core (unless the user chose).
  ::setenv("LIBPROCESS_NUM_WORKER_THREADS", "2", 0);

  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  bool ok = run<with_self::HttpProcess>(
      "defer(self(), ...): the callback runs on HttpProcess", true);
  ok = run<without_self::HttpProcess>(
           "defer(...): the callback runs on a process libprocess picks",
           false) &&
       ok;

  say(ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
