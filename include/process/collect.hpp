// Combinators over many futures, as libprocess's <process/collect.hpp>:
//
//   collect(futures)  READY with every value, in input order, once all are
//                     READY; FAILED ("Collect failed: <why>") as soon as one
//                     input fails or is discarded.
//   await(futures)    READY with the inputs themselves once none is pending;
//                     never fails. await(future) gives Future<Future<T>>.
//
// clang-format off
//   Future<std::vector<int>> all = collect(std::vector<Future<int>>{a, b});
//   Future<std::tuple<int, std::string>> both = collect(number, text);
//   await(a, b).then([](const std::tuple<Future<int>, Future<int>>& done) {...});
// clang-format on
//
// Each has a vector form and a variadic form (a tuple). A discard request on
// the result requests a discard of every input, then discards the result. If
// any input is abandoned the result is abandoned at once (it can never
// complete).
//
// Ours: no process is spawned; completion is counted with atomics on the
// thread that completes the inputs, so the result may complete before
// collect() returns.
#pragma once

#include <atomic>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include <process/future.hpp>

namespace process {
namespace detail {

// A Future<Nothing> that is READY once `future` completes in any state, and
// abandoned if it is.
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

// What collect() and await() share: the inputs, a count of those still to
// come, and the promise of the result, completed by whoever decides first.
template <typename T, typename R>
struct ManyState {
  explicit ManyState(const std::vector<Future<T>>& futures)
      : futures(futures), remaining(futures.size()) {}

  // True for exactly one caller: the one that completes the result.
  bool decide() { return !decided.exchange(true); }

  std::vector<Future<T>> futures;
  std::atomic<size_t> remaining;
  std::atomic<bool> decided{false};
  Promise<R> promise;
};

// A discard request on the result requests a discard of every input, then
// discards the result, so that the inputs see the request first. The result
// is claimed before: an input that its discard completes at once must not
// fail the result ("future discarded") on the way, as in libprocess, where
// that input's callback runs later on the collecting process.
template <typename State>
void discardInputsOnDiscard(const std::shared_ptr<State>& state) {
  state->promise.future().onDiscard([weak = std::weak_ptr<State>(state)] {
    if (auto state = weak.lock()) {
      const bool discardsTheResult = state->decide();
      for (const auto& input : state->futures) {
        input.discard();
      }
      if (discardsTheResult) {
        state->promise.discard();
      }
    }
  });
}

template <typename State>
void abandonResult(const std::shared_ptr<State>& state) {
  if (state->decide()) {
    FutureAccess::abandon(state->promise.future());
  }
}

}  // namespace detail

template <typename T>
Future<std::vector<T>> collect(const std::vector<Future<T>>& futures) {
  if (futures.empty()) {
    return std::vector<T>();
  }
  using State = detail::ManyState<T, std::vector<T>>;
  auto state = std::make_shared<State>(futures);
  Future<std::vector<T>> result = state->promise.future();
  detail::discardInputsOnDiscard(state);
  for (const Future<T>& future : futures) {
    detail::FutureAccess::onCompletedOrAbandoned(
        future, [state](detail::FutureEvent event, const Future<T>& input) {
          if (event != detail::kCompleted) {
            detail::abandonResult(state);
          } else if (input.isFailed()) {
            if (state->decide()) {
              state->promise.fail("Collect failed: " + input.failure());
            }
          } else if (input.isDiscarded()) {
            if (state->decide()) {
              state->promise.fail("Collect failed: future discarded");
            }
          } else if (state->remaining.fetch_sub(1) == 1 && state->decide()) {
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
  using State = detail::ManyState<T, std::vector<Future<T>>>;
  auto state = std::make_shared<State>(futures);
  Future<std::vector<Future<T>>> result = state->promise.future();
  detail::discardInputsOnDiscard(state);
  for (const Future<T>& future : futures) {
    detail::FutureAccess::onCompletedOrAbandoned(
        future, [state](detail::FutureEvent event, const Future<T>&) {
          if (event != detail::kCompleted) {
            detail::abandonResult(state);
          } else if (state->remaining.fetch_sub(1) == 1 && state->decide()) {
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

// READY with `future` once it is no longer pending.
template <typename T>
Future<Future<T>> await(const Future<T>& future) {
  return await(std::vector<Future<T>>{future})
      .then([future](const std::vector<Future<T>>&) {
        return Future<Future<T>>(future);
      });
}

}  // namespace process
