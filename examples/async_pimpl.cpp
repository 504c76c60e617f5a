// The asynchronous pimpl pattern: a plain class whose implementation is a
// process. The public class spawns its process in the constructor, turns
// every method into a dispatch that returns a future, and terminates and
// waits for the process in its destructor. Callers need know nothing about
// processes, and the state needs no locks: only the process touches it.
//
// Here four threads hammer one KeyValueStore at the same time, with no
// mutex anywhere, and every write arrives.
#include <cstddef>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <glog/logging.h>

#include <process/check.hpp>
#include <process/collect.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/id.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

using namespace process;

// The implementation: an ordinary class, except that it is a process, so its
// methods run one at a time.
class KeyValueStoreProcess : public Process<KeyValueStoreProcess> {
 public:
  KeyValueStoreProcess()
      : Process<KeyValueStoreProcess>(ID::generate("key-value-store")) {}

  Nothing put(const std::string& key, const std::string& value) {
    entries[key] = value;
    return Nothing();
  }

  // A missing key is a failed future.
  Future<std::string> get(const std::string& key) const {
    auto entry = entries.find(key);
    if (entry == entries.end()) {
      return Failure("no such key: '" + key + "'");
    }
    return entry->second;
  }

  size_t size() const { return entries.size(); }

 private:
  std::map<std::string, std::string> entries;
};

// The public face: no process in sight.
class KeyValueStore {
 public:
  KeyValueStore() : process(new KeyValueStoreProcess()) {
    spawn(process.get());
  }

  ~KeyValueStore() {
    terminate(process.get());
    wait(process.get());
  }

  KeyValueStore(const KeyValueStore&) = delete;
  KeyValueStore& operator=(const KeyValueStore&) = delete;

  Future<Nothing> put(const std::string& key, const std::string& value) {
    return dispatch(process.get(), &KeyValueStoreProcess::put, key, value);
  }

  Future<std::string> get(const std::string& key) {
    return dispatch(process.get(), &KeyValueStoreProcess::get, key);
  }

  Future<size_t> size() {
    return dispatch(process.get(), &KeyValueStoreProcess::size);
  }

 private:
  Owned<KeyValueStoreProcess> process;
};

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  constexpr int kThreads = 4;
  constexpr int kKeysPerThread = 250;

  bool ok = true;
  {
    KeyValueStore store;

    // 1. One value in, one value out.
    store.put("greeting", "hello");
    Future<std::string> greeting = store.get("greeting");
    std::cout << "get(\"greeting\") -> " << greeting.get() << std::endl;
    ok = ok && greeting.get() == "hello";

    // 2. A missing key: the future fails, nothing throws.
    Future<std::string> missing = store.get("nope");
    missing.await();
    CHECK_FAILED(missing);
    std::cout << "get(\"nope\") -> FAILED: " << missing.failure() << std::endl;

    // 3. Many threads at once, no locks: each put is an event in the
    //    process's mailbox, handled one at a time.
    std::vector<std::thread> writers;
    std::vector<std::vector<Future<Nothing>>> puts(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&store, &puts, t] {
        for (int i = 0; i < kKeysPerThread; ++i) {
          puts[t].push_back(
              store.put("t" + std::to_string(t) + "-k" + std::to_string(i),
                        std::to_string(t * kKeysPerThread + i)));
        }
      });
    }
    for (std::thread& writer : writers) {
      writer.join();
    }
    std::vector<Future<Nothing>> all;
    for (auto& futures : puts) {
      all.insert(all.end(), futures.begin(), futures.end());
    }
    Future<std::vector<Nothing>> written = collect(all);
    CHECK(written.await(Seconds(10))) << "the writes did not finish";
    CHECK_READY(written);

    const size_t size = store.size().get();
    std::cout << kThreads << " threads x " << kKeysPerThread
              << " puts, no mutex: the store holds " << size
              << " keys (1 greeting + " << size - 1 << ")" << std::endl;
    ok = ok && size == 1 + kThreads * kKeysPerThread;

    Future<std::string> last = store.get("t3-k249");
    std::cout << "get(\"t3-k249\") -> " << last.get() << std::endl;
    ok = ok && last.get() == "999";

    std::cout << "destroying the store: terminate and wait for its process"
              << std::endl;
  }
  std::cout << (ok ? "ok" : "FAILED") << std::endl;
  return ok ? 0 : 1;
}
