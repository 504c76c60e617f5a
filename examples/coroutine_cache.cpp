// A process method written as a coroutine. CacheProcess::get looks in its
// own map; on a miss it co_awaits a dispatch to a (slow) store process and
// then fills the map. After the co_await the coroutine is back on the cache
// process, as an event in its mailbox, so touching `entries` is safe: it is
// what defer(self(), ...) would give, without the callback.
//
// A failed future, co_awaited, throws FutureFailed; here the coroutine
// catches it and answers with a failure of its own.
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include <glog/logging.h>

#include <process/check.hpp>
#include <process/coroutine.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;

namespace {

std::string where() {
  ProcessBase* process = currentProcess();
  std::ostringstream out;
  if (process != nullptr) {
    out << process->self();
  } else {
    out << "no process";
  }
  return out.str();
}

}  // namespace

// The backing store: knows a few words.
class StoreProcess : public Process<StoreProcess> {
 public:
  StoreProcess() : Process<StoreProcess>("store") {}

  Future<std::string> read(const std::string& key) {
    ++reads;
    say("  store: read(\"", key, "\") on ", where());
    if (key == "procession") {
      return std::string("a number of people moving forward in an orderly way");
    }
    if (key == "actor") {
      return std::string("one who acts; a process");
    }
    return Failure("the store has no '" + key + "'");
  }

  int reads = 0;
};

class CacheProcess : public Process<CacheProcess> {
 public:
  explicit CacheProcess(const PID<StoreProcess>& store)
      : Process<CacheProcess>("cache"), store(store) {}

  Future<std::string> get(std::string key) {
    say("  cache: get(\"", key, "\") starts on ", where());
    auto entry = entries.find(key);
    if (entry != entries.end()) {
      say("  cache: hit");
      co_return entry->second;
    }

    std::string value;
    try {
      value = co_await dispatch(store, &StoreProcess::read, key);
    } catch (const FutureFailed& e) {
      resumedOnSelf = resumedOnSelf && currentProcess() == this;
      say("  cache: the store failed (", e.what(), "), resumed on ", where());
      co_return Failure("miss, and " + std::string(e.what()));
    }

    // Back on the cache process: its state is ours to touch.
    resumedOnSelf = resumedOnSelf && currentProcess() == this;
    say("  cache: resumed after co_await on ", where(), ", caching \"", key,
        "\"");
    entries[key] = value;
    co_return value;
  }

  // Only touched on the cache process; main reads it after wait().
  bool resumedOnSelf = true;

 private:
  const PID<StoreProcess> store;
  std::map<std::string, std::string> entries;
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  StoreProcess store;
  spawn(store);
  CacheProcess cache(store.self());
  spawn(cache);

  bool ok = true;
  auto lookup = [&](const std::string& key) {
    say("main: get(\"", key, "\")");
    Future<std::string> value = dispatch(cache, &CacheProcess::get, key);
    CHECK(value.await(Seconds(10))) << "get(\"" << key << "\") is stuck";
    if (value.isReady()) {
      say("main: -> \"", value.get(), "\"");
    } else if (value.isFailed()) {
      say("main: -> FAILED: ", value.failure());
    }
    return value;
  };

  ok = lookup("procession").isReady() && ok;  // miss: asks the store
  ok = lookup("procession").isReady() && ok;  // hit
  ok = lookup("actor").isReady() && ok;       // miss
  ok = lookup("dragon").isFailed() && ok;     // the store has none

  terminate(cache);
  wait(cache);
  terminate(store);
  wait(store);

  say("store reads: ", store.reads, " (expected 3)");
  ok = ok && store.reads == 3;
  ok = ok && cache.resumedOnSelf;
  say(cache.resumedOnSelf ? "ok" : "FAILED",
      ": every co_await resumed on the cache process");
  return ok ? 0 : 1;
}
