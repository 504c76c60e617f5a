// The defer example from the libprocess developer guide, completed and made
// to print where each callback runs.
//
// foo() spawns a process and registers two callbacks on a future: one made
// with defer(process, ...), one plain lambda. Setting the promise runs both
// callbacks synchronously on the thread that sets it (here: main). The plain
// lambda does its work right there; the deferred one only *dispatches* its
// lambda, which then runs asynchronously on `process`, on a worker thread.
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include <glog/logging.h>

#include <process/defer.hpp>
#include <process/deferred.hpp>
#include <process/future.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;

namespace {

// Where a callback ran: the process whose event it was part of (an empty
// UPID when it ran outside any process) and the OS thread.
struct Where {
  UPID process;
  std::thread::id thread;
};

Where here() {
  ProcessBase* current = currentProcess();
  return Where{current != nullptr ? current->self() : UPID(),
               std::this_thread::get_id()};
}

std::string describe(const Where& where) {
  std::ostringstream out;
  out << "currentProcess() = ";
  if (where.process) {
    out << where.process;
  } else {
    out << "none";
  }
  out << ", thread " << where.thread;
  return out.str();
}

// Filled in by foo() and the two callbacks; read by main afterwards.
UPID spawned;
Promise<Where> deferredRan;
Promise<Where> immediateRan;

}  // namespace

void foo() {
  ProcessBase process;
  spawn(process);
  spawned = process.self();
  say("main thread ", std::this_thread::get_id(), " spawned ", process.self());

  Deferred<void(int)> deferred = defer(process, [](int i) {
    // Invoked _asynchronously_ using `process` as the
    // execution context.
    say("deferred lambda got ", i, ": ", describe(here()));
    deferredRan.set(here());
  });

  Promise<int> promise;

  promise.future().then(deferred);

  promise.future().then([](int i) {
    // Invoked synchronously from the execution context of
    // the thread that completes the future!
    say("plain lambda got ", i, ":    ", describe(here()));
    immediateRan.set(here());
  });

  // Executes both callbacks synchronously, which _dispatches_
  // the deferred lambda to run asynchronously in the execution
  // context of `process` but invokes the other lambda immediately.
  say("main calls promise.set(42)");
  promise.set(42);
  say("promise.set(42) returned");

  // Not in the guide: terminate() goes ahead of events still queued, which
  // are then dropped unrun. Wait until the deferred lambda has run, so that
  // this program always shows it.
  deferredRan.future().await();

  terminate(process);
  wait(process);
  say("terminated ", process.self());
}

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  const std::thread::id mainThread = std::this_thread::get_id();
  foo();

  const Where deferred = deferredRan.future().get();
  const Where immediate = immediateRan.future().get();

  bool ok = true;
  auto expect = [&ok](bool condition, const std::string& what) {
    say(condition ? "ok:     " : "FAILED: ", what);
    ok = ok && condition;
  };
  expect(deferred.process == spawned && deferred.thread != mainThread,
         "the deferred lambda ran on the process, on a worker thread");
  expect(!immediate.process && immediate.thread == mainThread,
         "the plain lambda ran outside any process, on the thread that "
         "called promise.set() (main)");
  return ok ? 0 : 1;
}
