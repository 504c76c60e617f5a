// async: runs f(args...) off the caller's thread, on a pool of threads kept
// for work that may block (files, DNS, a blocking library), and returns a
// Future of its result (Future<Nothing> for a void f). An exception fails
// the future.
#pragma once

#include <tuple>
#include <type_traits>
#include <utility>

#include <process/future.hpp>
#include <process/lambda.hpp>

namespace process {
namespace detail {

// Runs `work` on the blocking pool.
void runBlocking(lambda::CallableOnce<void()> work);

}  // namespace detail

template <typename F, typename... A>
auto async(F&& f, A&&... a) -> Future<typename detail::UnwrapFuture<
    std::invoke_result_t<std::decay_t<F>&, std::decay_t<A>&...>>::type> {
  using X = typename detail::UnwrapFuture<
      std::invoke_result_t<std::decay_t<F>&, std::decay_t<A>&...>>::type;
  Promise<X> promise;
  Future<X> future = promise.future();
  detail::runBlocking(
      [promise = std::move(promise), f = std::forward<F>(f),
       arguments = std::make_tuple(std::forward<A>(a)...)]() mutable {
        detail::completeWith(
            promise,
            [&](Nothing) {
              return std::apply(
                  [&](auto&... stored) { return std::invoke(f, stored...); },
                  arguments);
            },
            Nothing());
      });
  return future;
}

}  // namespace process
