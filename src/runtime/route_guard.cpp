// The guards of a context's routes (route_guard.hpp): the firewall,
// authentication, authorization, and the generic 500.
#include "runtime/route_guard.hpp"

#include <glog/logging.h>

#include <exception>
#include <utility>

#include <process/defer.hpp>

#include "runtime/runtime.hpp"

namespace process::detail {
namespace {

using http::authentication::AuthenticationResult;
using http::authentication::Authenticator;
using http::authentication::Principal;

// A peer can make these happen at will: the first hundred are logged, then
// every thousandth.
bool shouldLog() {
  static std::atomic<uint64_t> count{0};
  const uint64_t n = count.fetch_add(1, std::memory_order_relaxed) + 1;
  return n <= 100 || n % 1000 == 0;
}

// A route's handler failed or threw: the reason goes to the log, the
// client is told only that it failed (unless the context is for
// development). Never the request's headers: they may carry credentials.
http::Response internalError(bool details, const std::string& path,
                             const std::string& reason) {
  if (shouldLog()) {
    LOG(WARNING) << "Returning '500 Internal Server Error' for '" << path
                 << "': " << reason;
  }
  return http::InternalServerError(details ? reason + "\n"
                                           : "Internal Server Error\n");
}

// "/<id><route>", the path authorization callbacks are looked up by.
std::string endpointPath(const UPID& self, const Route& route) {
  return "/" + self.id + (route.name == "/" ? "" : route.name);
}

Future<http::Response> callHandler(bool details, const std::string& path,
                                   const Route& route,
                                   const http::Request& request,
                                   const Option<Principal>& principal) {
  Future<http::Response> response;
  try {
    response = route.authenticated ? route.authenticated(request, principal)
                                   : route.handler(request);
  } catch (const std::exception& e) {
    return internalError(details, path,
                         std::string("the handler threw: ") + e.what());
  } catch (...) {
    return internalError(details, path, "the handler threw");
  }
  if (response.isReady()) {
    return response;
  }
  if (response.isFailed()) {
    return internalError(details, path, response.failure());
  }
  return response.repair([details, path](const Future<http::Response>& failed) {
    return internalError(details, path, failed.failure());
  });
}

// Where a request stands after a guard: answered (401, 403, 500) or let
// through, with the principal authentication found.
struct Admission {
  Option<http::Response> answer;
  Option<Principal> principal;
};

Admission admit(const Future<AuthenticationResult>& done, bool details,
                const std::string& path, const std::string& realm) {
  const auto failed = [&](const std::string& why) {
    return Admission{
        internalError(details, path,
                      "authentication in realm '" + realm + "' failed: " + why),
        None()};
  };
  if (done.isFailed()) {
    return failed(done.failure());
  }
  if (!done.isReady()) {
    return failed(done.isDiscarded() ? "discarded" : "abandoned");
  }
  const AuthenticationResult& result = done.get();
  const int set = (result.principal.isSome() ? 1 : 0) +
                  (result.unauthorized.isSome() ? 1 : 0) +
                  (result.forbidden.isSome() ? 1 : 0);
  if (set != 1) {
    return failed(
        "an authenticator must return exactly one of a principal, an "
        "Unauthorized response or a Forbidden response");
  }
  if (result.unauthorized.isSome()) {
    return Admission{result.unauthorized.get(), None()};
  }
  if (result.forbidden.isSome()) {
    return Admission{result.forbidden.get(), None()};
  }
  if (result.principal->value.isNone() && result.principal->claims.empty()) {
    return failed("a principal needs a value or claims");
  }
  return Admission{None(), result.principal};
}

// The authenticator's answer as an Admission, which always comes (a
// future the authenticator abandons answers 500 too).
Future<Admission> authenticate(Authenticator& authenticator,
                               const http::Request& request, bool details,
                               const std::string& path,
                               const std::string& realm) {
  Future<AuthenticationResult> result;
  try {
    result = authenticator.authenticate(request);
  } catch (const std::exception& e) {
    result = Failure(std::string("the authenticator threw: ") + e.what());
  } catch (...) {
    result = Failure("the authenticator threw");
  }
  auto promise = std::make_shared<Promise<Admission>>();
  result
      .onAny([promise, details, path,
              realm](const Future<AuthenticationResult>& done) {
        promise->set(admit(done, details, path, realm));
      })
      .onAbandoned([promise, details, path, realm] {
        promise->set(
            admit(Future<AuthenticationResult>(), details, path, realm));
      });
  return promise->future();
}

// The authorization callback's answer as an Admission (403 for false).
Future<Admission> authorize(
    const http::authorization::AuthorizationCallbacks::mapped_type& callback,
    const http::Request& request, const Option<Principal>& principal,
    bool details, const std::string& path) {
  if (!callback) {
    return Admission{None(), principal};
  }
  Future<bool> allowed;
  try {
    allowed = callback(request, principal);
  } catch (const std::exception& e) {
    allowed = Failure(std::string("the callback threw: ") + e.what());
  } catch (...) {
    allowed = Failure("the callback threw");
  }
  auto promise = std::make_shared<Promise<Admission>>();
  const auto decide = [promise, principal, details,
                       path](const Future<bool>& done) {
    if (done.isReady()) {
      promise->set(done.get() ? Admission{None(), principal}
                              : Admission{http::Forbidden(), None()});
      return;
    }
    promise->set(Admission{
        internalError(
            details, path,
            "authorization failed: " +
                (done.isFailed() ? done.failure() : std::string("discarded"))),
        None()});
  };
  allowed.onAny(decide).onAbandoned([decide] { decide(Future<bool>()); });
  return promise->future();
}

// `next`'s admission, once `previous` has completed too.
Future<Admission> after(const Future<Nothing>& previous,
                        const Future<Admission>& next) {
  auto promise = std::make_shared<Promise<Admission>>();
  previous.onAny([next, promise] {
    next.onAny([promise](const Future<Admission>& admission) {
      promise->associate(admission);
    });
  });
  return promise->future();
}

}  // namespace

Future<http::Response> serveRoute(RouteGuards& guards, const UPID& self,
                                  RouteOrder& order, const Route& route,
                                  const http::Request& request) {
  const std::string path = endpointPath(self, route);
  const bool details = guards.errorDetails;
  const Option<std::string> realm = route.access == SystemAccess::kNone
                                        ? route.realm
                                        : guards.realmFor(route.access);
  std::shared_ptr<Authenticator> authenticator;
  if (realm.isSome()) {
    authenticator = guards.authenticator(realm.get());
    if (authenticator == nullptr) {
      VLOG(2) << "Request for '" << path << "' requires authentication in "
              << "realm '" << realm.get() << "' but no authenticator is set";
    }
  }
  if (authenticator == nullptr && !guards.authorizing() &&
      (order == nullptr || order->isReady())) {
    return callHandler(details, path, route, request, None());
  }
  // This request's turn: the next guarded request of the process goes on
  // once this one's handler was called (or it was answered without), so
  // handlers run in the order requests came. Set on the process.
  if (order == nullptr) {
    order = std::make_shared<Future<Nothing>>(Nothing());
  }
  auto turn = std::make_shared<Promise<Nothing>>();
  const Future<Nothing> previous = *order;
  *order = turn->future();
  Future<Admission> authenticated =
      authenticator != nullptr
          ? authenticate(*authenticator, request, details, path, realm.get())
          : Future<Admission>(Admission{});
  return after(previous, authenticated)
      .then(defer(self,
                  [&guards, self, turn, route, request, path, details](
                      const Admission& admission) -> Future<http::Response> {
                    if (admission.answer.isSome()) {
                      turn->set(Nothing());
                      return admission.answer.get();
                    }
                    return authorize(guards.callbackFor(path), request,
                                     admission.principal, details, path)
                        .then(defer(self, [turn, route, request, path,
                                           details](const Admission& allowed) {
                          turn->set(Nothing());
                          if (allowed.answer.isSome()) {
                            return Future<http::Response>(allowed.answer.get());
                          }
                          return callHandler(details, path, route, request,
                                             allowed.principal);
                        }));
                  }));
}

}  // namespace process::detail
