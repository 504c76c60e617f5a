// The Mesos master's pattern from the libprocess developer guide:
//
//   contender->contend()
//     .onAny(defer(self(), &Master::contended, lambda::_1));
//
// The contender completes its future on *its own* process. Future callbacks
// run synchronously on the thread that completes the future, so a plain
// callback would run on the contender's process, at the same time as the
// master handles other events: two threads touching the master's members,
// a data race. defer(self(), ...) instead dispatches the callback back to the
// master, where it runs as one more event in the master's mailbox.
//
// Here the master also registers a plain callback, which only prints where
// it runs (it touches no master state, so it is harmless). Which worker
// thread runs which process varies from event to event; what matters is the
// process: events of one process never run at the same time.
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>

#include <glog/logging.h>

#include <process/defer.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/id.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;

namespace {

std::string current() {
  ProcessBase* process = currentProcess();
  std::ostringstream out;
  out << "on ";
  if (process != nullptr) {
    out << process->self();
  } else {
    out << "no process";
  }
  return out.str();
}

}  // namespace

// Runs an election; answers some time later, from its own process.
class ContenderProcess : public Process<ContenderProcess> {
 public:
  ContenderProcess() : Process<ContenderProcess>(ID::generate("contender")) {}

  Future<Nothing> contend() {
    say("contender: election started, ", current());
    // The answer comes later: 20 ms from now, on this process.
    delay(Milliseconds(20), self(), &ContenderProcess::elected);
    return candidacy.future();
  }

 private:
  void elected() {
    say("contender: elected! completing the future ", current());
    candidacy.set(Nothing());  // runs the future's callbacks, right here
  }

  Promise<Nothing> candidacy;
};

// The asynchronous pimpl that Master holds (as Mesos's MasterContender).
class Contender {
 public:
  Contender() : process(new ContenderProcess()) { spawn(process.get()); }
  ~Contender() {
    terminate(process.get());
    wait(process.get());
  }

  Future<Nothing> contend() {
    return dispatch(process.get(), &ContenderProcess::contend);
  }

 private:
  Owned<ContenderProcess> process;
};

class Master : public Process<Master> {
 public:
  explicit Master(Contender* contender)
      : Process<Master>("master"), contender(contender) {}

  // Ready once the master has handled the election's outcome.
  Future<Nothing> leading() const { return elected.future(); }
  // Ready once the plain callback has run.
  Future<Nothing> plainCallbackDone() const { return plainDone.future(); }

  // Where each callback ran; main reads them once the futures above are
  // ready.
  UPID contendedRanOn;
  UPID plainCallbackRanOn;

 protected:
  void initialize() override {
    say("master: initialize(), ", current());

    // Start contending to be a leading master.
    // NOTE: `.onAny` passes the relevant future to its callback as a
    // parameter, and `lambda::_1` facilitates this when using `defer`.
    contender->contend()
        .onAny(defer(self(), &Master::contended, lambda::_1))
        // The same future, without defer: runs wherever it completes.
        .onAny([this](const Future<Nothing>&) {
          say("master: plain onAny callback, ", current(),
              "  <- NOT the master: touching master state here would race");
          // Written only here, and read by main only after plainDone is set.
          plainCallbackRanOn = currentPid();
          plainDone.set(Nothing());
        });
  }

 private:
  static UPID currentPid() {
    ProcessBase* process = currentProcess();
    return process != nullptr ? process->self() : UPID();
  }

  void contended(const Future<Nothing>& candidacy) {
    say("master: contended(", candidacy, "), ", current(),
        "  <- deferred back to the master");
    // Safe: on the master, only one thread at a time touches its members.
    ++contentions;
    contendedRanOn = currentPid();
    elected.set(Nothing());
  }

  Contender* contender;
  int contentions = 0;
  Promise<Nothing> elected;
  Promise<Nothing> plainDone;
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  Contender contender;
  Master master(&contender);
  spawn(master);

  const bool leading = master.leading().await(Seconds(10));
  const bool plainRan = master.plainCallbackDone().await(Seconds(10));

  terminate(master);
  wait(master);

  bool ok = true;
  auto expect = [&ok](bool condition, const std::string& what) {
    say(condition ? "ok:     " : "FAILED: ", what);
    ok = ok && condition;
  };
  expect(leading && master.contendedRanOn == master.self(),
         "the deferred Master::contended ran on the master");
  expect(plainRan && master.plainCallbackRanOn &&
             master.plainCallbackRanOn != master.self(),
         "the plain callback ran on the contender's process instead");
  return ok ? 0 : 1;
}
