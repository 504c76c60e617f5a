// Combinators over many futures:
//   collect(futures)  READY with every value (in order) once all are READY;
//                     FAILED or DISCARDED as soon as any input is.
//   await(futures)    READY with the inputs once none is pending; never fails.
// Each has a vector form and a variadic form (a tuple). Discarding the result
// requests a discard of every input. Neither spawns anything: completion is
// counted with an atomic, on the thread that completes the last input.
#pragma once

#include <atomic>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include <process/future.hpp>
#include <process/select.hpp>

namespace process {
namespace detail {

// A Future<Nothing> that is READY once `future` completes in any state.
template <typename T>
Future<Nothing> completion(const Future<T>& future) {
  Promise<Nothing> promise;
  Future<Nothing> done = promise.future();
  forwardDiscard(done, future);
  FutureAccess::onCompletedOrAbandoned(
      future,
      [promise = std::move(promise)](FutureEvent event, const Future<T>&) {
        if (event == kCompleted) {
          promise.set(Nothing());
        }
      });
  return done;
}

}  // namespace detail

template <typename T>
Future<std::vector<T>> collect(const std::vector<Future<T>>& futures) {
  if (futures.empty()) {
    return std::vector<T>();
  }
  struct State {
    explicit State(const std::vector<Future<T>>& futures)
        : futures(futures), remaining(futures.size()) {}
    std::vector<Future<T>> futures;
    std::atomic<size_t> remaining;
    Promise<std::vector<T>> promise;
  };
  auto state = std::make_shared<State>(futures);
  Future<std::vector<T>> result = state->promise.future();
  detail::forwardDiscards(result, futures);
  for (const Future<T>& future : futures) {
    // An abandoned input frees its callback, and with the last one the
    // promise goes: the result is abandoned.
    detail::FutureAccess::onCompletedOrAbandoned(
        future, [state](detail::FutureEvent event, const Future<T>& input) {
          if (event != detail::kCompleted) {
            return;
          }
          if (input.isFailed()) {
            state->promise.fail("Collect failed: " + input.failure());
          } else if (input.isDiscarded()) {
            state->promise.discard();
          } else if (state->remaining.fetch_sub(1) == 1) {
            std::vector<T> values;
            values.reserve(state->futures.size());
            for (const Future<T>& each : state->futures) {
              values.push_back(each.get());
            }
            state->promise.set(std::move(values));
          }
        });
  }
  return result;
}

template <typename... Ts>
Future<std::tuple<Ts...>> collect(const Future<Ts>&... futures) {
  std::vector<Future<Nothing>> each = {
      futures.then([](const Ts&) { return Nothing(); })...};
  return collect(each).then([futures...](const std::vector<Nothing>&) {
    return std::make_tuple(futures.get()...);
  });
}

template <typename T>
Future<std::vector<Future<T>>> await(const std::vector<Future<T>>& futures) {
  if (futures.empty()) {
    return std::vector<Future<T>>();
  }
  struct State {
    explicit State(const std::vector<Future<T>>& futures)
        : futures(futures), remaining(futures.size()) {}
    std::vector<Future<T>> futures;
    std::atomic<size_t> remaining;
    Promise<std::vector<Future<T>>> promise;
  };
  auto state = std::make_shared<State>(futures);
  Future<std::vector<Future<T>>> result = state->promise.future();
  detail::forwardDiscards(result, futures);
  for (const Future<T>& future : futures) {
    detail::FutureAccess::onCompletedOrAbandoned(
        future, [state](detail::FutureEvent event, const Future<T>&) {
          if (event == detail::kCompleted &&
              state->remaining.fetch_sub(1) == 1) {
            state->promise.set(state->futures);
          }
        });
  }
  return result;
}

template <typename... Ts>
Future<std::tuple<Future<Ts>...>> await(const Future<Ts>&... futures) {
  std::vector<Future<Nothing>> each = {detail::completion(futures)...};
  return await(each).then([futures...](const std::vector<Future<Nothing>>&) {
    return std::make_tuple(futures...);
  });
}

}  // namespace process
