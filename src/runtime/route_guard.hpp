// What stands between an HTTP request and a route's handler: the context's
// firewall (before the process is found), authentication by the route's
// realm, authorization by endpoint path, and the generic 500 a throwing or
// failing handler answers. Shared by the files of src/runtime only.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <process/authenticator.hpp>
#include <process/context.hpp>
#include <process/firewall.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

namespace process::detail {

struct Route;

// Which of the context's realms guards a system endpoint (libprocess:
// /logging/toggle is read-write, the others read-only); kNone for the
// program's routes, whose realm is their own.
enum class SystemAccess : uint8_t { kNone, kReadOnly, kReadWrite };

// One context's firewall rules, authenticators, authorization callbacks
// and system realms. Read on every request, changed rarely: each is a
// snapshot behind one mutex, copied out before it is used, so a rule, an
// authenticator or a callback never runs under the lock.
class RouteGuards {
 public:
  explicit RouteGuards(const Context::Options& options);

  void installFirewall(std::vector<Owned<firewall::FirewallRule>>&& rules);
  // The first refusal of the installed rules, on the network's thread.
  Option<http::Response> applyFirewall(const Option<Address>& local,
                                       const http::Request& request) const;

  void setAuthenticator(const std::string& realm,
                        Owned<http::authentication::Authenticator> which);
  void unsetAuthenticator(const std::string& realm);
  // Null if `realm` has none.
  std::shared_ptr<http::authentication::Authenticator> authenticator(
      const std::string& realm) const;

  void setCallbacks(const http::authorization::AuthorizationCallbacks& set);
  void unsetCallbacks();
  bool authorizing() const {
    return authorizing_.load(std::memory_order_acquire);
  }
  // The callback for endpoint `path`, empty if there is none.
  http::authorization::AuthorizationCallbacks::mapped_type callbackFor(
      const std::string& path) const;

  // The realm `access` names (None: the endpoint is open).
  Option<std::string> realmFor(SystemAccess access) const;
  void setSystemRealms(const Option<std::string>& readwrite,
                       const Option<std::string>& readonly);

  // Whether a 500's body carries its reason (for development).
  const bool errorDetails;

 private:
  mutable std::mutex mutex_;
  std::atomic<bool> firewalled_{false};
  std::atomic<bool> authorizing_{false};
  std::shared_ptr<const std::vector<Owned<firewall::FirewallRule>>> rules_;
  std::map<std::string, std::shared_ptr<http::authentication::Authenticator>>
      authenticators_;
  std::shared_ptr<const http::authorization::AuthorizationCallbacks> callbacks_;
  Option<std::string> readwriteRealm_;
  Option<std::string> readonlyRealm_;
};

// The order of a process's guarded requests: the last one's turn, which
// passes once its handler was called. Each waits for the one before it, so
// handlers run in the order the requests came (as libprocess's per-process
// sequence); authenticators are asked at once. Touched on the process only.
using RouteOrder = std::shared_ptr<Future<Nothing>>;

// Serves `request` with `route` of `self`, on that process: at once when
// nothing guards it, else through the realm's authenticator and the
// endpoint's authorization callback first.
Future<http::Response> serveRoute(RouteGuards& guards, const UPID& self,
                                  RouteOrder& order, const Route& route,
                                  const http::Request& request);

}  // namespace process::detail
