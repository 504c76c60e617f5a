// select(futures): READY with the first of `futures` to complete, in whatever
// state it completed (READY, FAILED or DISCARDED). Discarding the result
// requests a discard of every input. An empty set gives a FAILED future.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <vector>

#include <process/future.hpp>

namespace process {

template <typename T>
Future<Future<T>> select(const std::set<Future<T>>& futures) {
  if (futures.empty()) {
    return Failure("select() of an empty set of futures");
  }
  auto promise = std::make_shared<Promise<Future<T>>>();
  Future<Future<T>> result = promise->future();
  detail::forwardDiscards(result, futures);
  for (const Future<T>& future : futures) {
    detail::FutureAccess::onCompletedOrAbandoned(
        future, [promise](detail::FutureEvent event, const Future<T>& input) {
          if (event == detail::kCompleted) {
            promise->set(input);
          }
        });
  }
  return result;
}

}  // namespace process
