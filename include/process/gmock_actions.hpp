// gmock actions that complete a Future when a mocked call happens, with
// libprocess's names (global, as there); <process/gmock.hpp> brings them:
//
// clang-format off
//   Future<std::string> name;
//   EXPECT_CALL(mock, greet(_, _)).WillOnce(FutureArg<1>(&name));
//   Future<Nothing> called;
//   EXPECT_CALL(mock, tick()).WillOnce(FutureSatisfy(&called));
//   Future<int> sum;
//   EXPECT_CALL(mock, add(_, _))
//       .WillOnce(FutureResult(&sum, Invoke([](int a, int b) { return a + b; })));
// clang-format on
//
// FutureArg<k>(&f): f gets a copy of argument k. FutureArgField<k>(&S::p, &f):
// of `*(argument k).p` (a pointer field); FutureArgNotPointerField<k>(&S::v,
// &f): of `(argument k).v`. FutureSatisfy(&f[, value]): f is READY (with
// value, or Nothing). FutureResult(&f, action): runs action and f gets its
// result. Each action returns nothing (but FutureResult's): combine them with
// DoAll(…, Return(x)) for a method that returns a value.
//
// Ours: the promise behind f is shared by copies of the action, so an action
// run twice (WillRepeatedly) completes f once and ignores the rest, where
// libprocess's deletes its promise the first time and crashes the second.
#pragma once

#include <memory>
#include <tuple>
#include <utility>

#include <gmock/gmock.h>

#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process::detail {

// A promise whose future is handed out at once, shared by an action's copies.
template <typename T>
std::shared_ptr<Promise<T>> promiseFor(Future<T>* future) {
  auto promise = std::make_shared<Promise<T>>();
  *future = promise->future();
  return promise;
}

template <int index, typename... Args>
decltype(auto) argumentAt(Args&&... args) {
  return std::get<index>(std::forward_as_tuple(std::forward<Args>(args)...));
}

// FutureResult's action, once gmock asks for it as an Action<F>.
template <typename R, typename A>
class FutureResultAction {
 public:
  FutureResultAction(Future<R>* future, A action)
      : promise_(promiseFor(future)), action_(std::move(action)) {}

  template <typename F>
  // NOLINTNEXTLINE(google-explicit-constructor)
  operator ::testing::Action<F>() const {
    const ::testing::Action<F> inner = action_;
    return [promise = promise_, inner](auto&&... args) {
      auto result = inner.Perform(
          std::forward_as_tuple(std::forward<decltype(args)>(args)...));
      promise->set(result);
      return result;
    };
  }

 private:
  std::shared_ptr<Promise<R>> promise_;
  A action_;
};

}  // namespace process::detail

// NOLINTBEGIN(readability-identifier-naming): libprocess's names.
template <int index, typename T>
auto FutureArg(process::Future<T>* future) {
  return [promise = process::detail::promiseFor(future)](auto&&... args) {
    promise->set(process::detail::argumentAt<index>(args...));
  };
}

template <int index, typename Field, typename T>
auto FutureArgField(Field field, process::Future<T>* future) {
  return
      [field, promise = process::detail::promiseFor(future)](auto&&... args) {
        promise->set(*(process::detail::argumentAt<index>(args...).*field));
      };
}

template <int index, typename Field, typename T>
auto FutureArgNotPointerField(Field field, process::Future<T>* future) {
  return
      [field, promise = process::detail::promiseFor(future)](auto&&... args) {
        promise->set(process::detail::argumentAt<index>(args...).*field);
      };
}

template <typename T>
auto FutureSatisfy(process::Future<T>* future, T value) {
  return [value = std::move(value),
          promise = process::detail::promiseFor(future)](auto&&... /*args*/) {
    promise->set(value);
  };
}

inline auto FutureSatisfy(process::Future<process::Nothing>* future) {
  return FutureSatisfy(future, process::Nothing());
}

template <typename R, typename A>
process::detail::FutureResultAction<R, A> FutureResult(
    process::Future<R>* future, const A& action) {
  return process::detail::FutureResultAction<R, A>(future, action);
}
// NOLINTEND(readability-identifier-naming)
