#include "system/inspect_all.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include <process/collect.hpp>

namespace process::system {
namespace {
constexpr char kUnresponsive[] = "did not answer in time";
}  // namespace

Try<Duration> inspectionTimeout(const http::Request& request) {
  const Option<std::string> text = request.url.query.get("timeout");
  if (text.isNone()) {
    return Seconds(5);
  }
  Try<Duration> timeout = Duration::parse(text.get());
  if (timeout.isError() || timeout.get() < Duration::zero()) {
    return Error("Invalid timeout '" + text.get() +
                 "': expected a duration such as 2secs or 500ms");
  }
  return timeout.get();
}

Future<std::vector<Inspected>> inspectAll(const std::vector<UPID>& pids,
                                          const Duration& timeout) {
  std::vector<Future<detail::ProcessInfo>> answers;
  answers.reserve(pids.size());
  for (const UPID& pid : pids) {
    answers.push_back(detail::inspect(pid).after(
        timeout, [](const Future<detail::ProcessInfo>& pending) {
          pending.discard();
          return Future<detail::ProcessInfo>(Failure(kUnresponsive));
        }));
  }
  return await(answers).then(
      [pids](const std::vector<Future<detail::ProcessInfo>>& done) {
        std::vector<Inspected> inspected;
        for (size_t i = 0; i < done.size(); ++i) {
          if (done[i].isReady()) {
            inspected.push_back(Inspected{pids[i], done[i].get()});
          } else if (done[i].isFailed() && done[i].failure() == kUnresponsive) {
            inspected.push_back(Inspected{pids[i], None()});
          }
        }
        std::sort(inspected.begin(), inspected.end(),
                  [](const Inspected& a, const Inspected& b) {
                    return a.pid.id < b.pid.id;
                  });
        return inspected;
      });
}

}  // namespace process::system
