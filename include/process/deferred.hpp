// Deferred: a callable that, when invoked, dispatches its work to a process
// instead of running it on the caller's thread. defer() makes them
// (process/defer.hpp); Deferred<R(Args...)> is the named, type-erased form:
//
//   Deferred<void(int)> deferred = defer(process, [](int i) { ... });
#pragma once

#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <process/dispatch.hpp>
#include <process/pid.hpp>

namespace process {

template <typename Signature>
class Deferred : public std::function<Signature> {
 public:
  using std::function<Signature>::function;
};

namespace detail {

// The pid of one of the library's executor processes, where defer(f)
// without a pid runs f.
UPID executorPid();

template <typename V>
struct IsReferenceWrapper : std::false_type {};
template <typename V>
struct IsReferenceWrapper<std::reference_wrapper<V>> : std::true_type {};

// The method a deferred call dispatches (G::Method), which filters are shown
// as libprocess shows them; void for a lambda.
template <typename G>
struct MethodOfDeferred {
  using type = void;
};
template <typename G>
requires requires {
  typename G::Method;
}
struct MethodOfDeferred<G> {
  using type = typename G::Method;
};
template <typename G>
using MethodOf = typename MethodOfDeferred<G>::type;

// A callable g(process, args...) plus where to run it. Invoking it
// dispatches g with copies of the arguments.
template <typename G>
class DeferredCall {
 public:
  DeferredCall(std::optional<UPID> pid, G g)
      : pid_(std::move(pid)), g_(std::move(g)) {}

  // Copies the work, so it needs a copyable one; a Deferred holding a
  // move-only capture or argument is invoked once, as an rvalue (which is
  // how futures call their callbacks).
  template <typename... Args>
  requires(std::is_copy_constructible_v<G>&& std::is_invocable_v<
           G&, ProcessBase&, std::decay_t<Args>&&...>) auto
  operator()(Args&&... args) const& {
    return dispatchTo<MethodOf<G>>(
        target(), [g = g_, ... stored = std::decay_t<Args>(std::forward<Args>(
                               args))](ProcessBase& process) mutable {
          return std::invoke(g, process, std::move(stored)...);
        });
  }

  template <typename... Args>
  requires std::is_invocable_v<G&, ProcessBase&, std::decay_t<Args> &&...> auto
  operator()(Args&&... args) && {
    return dispatchTo<MethodOf<G>>(
        target(), [g = std::move(g_),
                   ... stored = std::decay_t<Args>(std::forward<Args>(args))](
                      ProcessBase& process) mutable {
          return std::invoke(g, process, std::move(stored)...);
        });
  }

 private:
  UPID target() const { return pid_ ? *pid_ : executorPid(); }

  std::optional<UPID> pid_;
  G g_;
};

// defer(pid, lambda): the lambda ignores the process it runs on.
template <typename F>
struct DeferredFunction {
  F f;
  template <typename... Args>
  requires std::is_invocable_v<F&, Args&&...>
  auto operator()(ProcessBase&, Args&&... args)
      -> std::invoke_result_t<F&, Args&&...> {
    return std::invoke(f, std::forward<Args>(args)...);
  }
};

// A bound argument, handed to the method as an rvalue: a nested bind
// expression that moves the value out (once: a DeferredMethod runs once).
template <typename V>
struct MovedOut {
  V* value;
  template <typename... Ignored>
  V&& operator()(Ignored&&... /*callArguments*/) const {
    return std::move(*value);
  }
};

// Placeholders, reference_wrappers and bind expressions keep std::bind's
// meaning; any other bound value is moved into the call, so that move-only
// arguments (std::unique_ptr, a Promise) can be bound.
template <typename V>
decltype(auto) passBound(V& value) {
  if constexpr (std::is_placeholder_v < V >> 0 ||
                std::is_bind_expression_v<V> || IsReferenceWrapper<V>::value) {
    return (value);
  } else {
    return std::bind(MovedOut<V>{&value});
  }
}

// defer(pid, &T::method, bound...): bound arguments may be placeholders
// (lambda::_1 …) filled with the arguments the Deferred is invoked with.
template <typename T, typename MethodType, typename... Bound>
struct DeferredMethod {
  using Method = MethodType;
  using Binder = decltype(std::bind(std::declval<Method>(), std::declval<T*>(),
                                    passBound(std::declval<Bound&>())...));
  Method method;
  std::tuple<Bound...> bound;

  template <typename... Args>
  requires std::is_invocable_v<Binder&, Args&&...>
  auto operator()(ProcessBase& process, Args&&... args)
      -> std::invoke_result_t<Binder&, Args&&...> {
    return std::apply(
        [&](auto&... values) {
          return std::bind(method, detail::downcast<T>(&process),
                           passBound(values)...)(std::forward<Args>(args)...);
        },
        bound);
  }
};

}  // namespace detail

// libprocess's name for what defer() returns, kept for code that spells it.
template <typename G>
// NOLINTNEXTLINE(bugprone-reserved-identifier)
using _Deferred = detail::DeferredCall<G>;

}  // namespace process
