// A translation unit written the way Mesos writes its master, compiled
// against the installed package: stout's names unqualified inside
// mesos::internal, a process named with ProcessBase(ID::generate(...)),
// Future<Option<T>> methods, loop, Sequence, and the HTTP client from
// <process/http.hpp> alone. It exits 0 when everything it tries works.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/id.hpp>
#include <process/loop.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>
#include <process/sequence.hpp>

#include <stout/duration.hpp>
#include <stout/none.hpp>
#include <stout/nothing.hpp>
#include <stout/option.hpp>
#include <stout/try.hpp>

namespace mesos {
namespace internal {
namespace master {

using process::Break;
using process::Continue;
using process::ControlFlow;
using process::Future;
using process::Process;
using process::ProcessBase;
using process::Promise;
using process::UPID;

class Master : public Process<Master> {
 public:
  Master() : ProcessBase(process::ID::generate("master")) {}

  Future<Option<std::string>> lookup(const std::string& key) {
    if (key == "leader") {
      return Some(std::string(self()));
    }
    return None();
  }

  Future<int> countTo(int limit) {
    return process::loop(
        self(), [this]() { return counter++; },
        [limit](int i) -> ControlFlow<int> {
          if (i < limit) {
            return Continue();
          }
          return Break(i);
        });
  }

  Future<Try<int>> parse(const std::string& text) {
    try {
      return Try<int>(std::stoi(text));
    } catch (...) {
      return Try<int>(Error("not a number: " + text));
    }
  }

 protected:
  void initialize() override {
    route("/state", None(), [this](const process::http::Request& request) {
      Option<std::string> who = request.url.query.get("who");
      return process::http::OK("master " + std::string(self()) + " for " +
                               who.getOrElse("nobody"));
    });
  }

 private:
  int counter = 0;
  Option<Duration> timeout = Seconds(5);
};

int run() {
  Master master;
  const process::PID<Master> pid = process::spawn(master);

  Future<Option<std::string>> leader =
      process::dispatch(pid, &Master::lookup, std::string("leader"));
  Future<Option<std::string>> nobody =
      process::dispatch(pid, &Master::lookup, std::string("other"));
  if (!leader.await(Seconds(15)) || leader->isNone() ||
      leader->get() != std::string(pid) || !nobody.await(Seconds(15)) ||
      nobody.get() != None()) {
    std::cerr << "lookup failed" << std::endl;
    return 1;
  }

  Future<int> counted = process::dispatch(pid, &Master::countTo, 1000);
  if (!counted.await(Seconds(15)) || counted.get() != 1000) {
    std::cerr << "loop failed" << std::endl;
    return 1;
  }

  Future<Try<int>> parsed =
      process::dispatch(pid, &Master::parse, std::string("x"));
  if (!parsed.await(Seconds(15)) || !parsed->isError()) {
    std::cerr << "Try failed" << std::endl;
    return 1;
  }

  process::Sequence sequence;
  std::vector<int> order;
  Future<Nothing> first = sequence.add<Nothing>([&order]() -> Future<Nothing> {
    order.push_back(1);
    return Nothing();
  });
  Future<Nothing> second = sequence.add<Nothing>([&order]() -> Future<Nothing> {
    order.push_back(2);
    return Nothing();
  });
  if (!second.await(Seconds(15)) || order != std::vector<int>{1, 2}) {
    std::cerr << "sequence failed" << std::endl;
    return 1;
  }

  Future<process::http::Response> response =
      process::http::get(pid, "state", std::string("who=me"));
  if (!response.await(Seconds(15)) || !response.isReady() ||
      response->code != 200 ||
      response->body != "master " + std::string(pid) + " for me") {
    std::cerr << "http failed" << std::endl;
    return 1;
  }

  process::terminate(master);
  process::wait(master);
  return 0;
}

}  // namespace master
}  // namespace internal
}  // namespace mesos

int main() {
  return mesos::internal::master::run();
}
