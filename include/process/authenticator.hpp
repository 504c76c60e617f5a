// HTTP authentication: who sent a request. A route given a realm
// (ProcessBase::route(name, realm, help, handler)) runs the authenticator
// set for that realm before its handler, which then sees the principal:
//
//   http::authentication::setAuthenticator(
//       "admin", Owned<http::authentication::Authenticator>(
//                    new http::authentication::BasicAuthenticator(
//                        "admin", {{"alice", "secret"}})));
//   route("/stop", "admin", "Stops the node.",
//         [](const http::Request&,
//            const Option<http::authentication::Principal>& principal) {
//           return http::OK("bye, " + stringify(principal.get()) + "\n");
//         });
//
// No credentials (or wrong ones) get 401 with `WWW-Authenticate: Basic
// realm="admin"`; a route whose realm has no authenticator runs without
// one, its handler seeing no principal (as in libprocess).
// Authorization (http::authorization::setCallbacks, process/http.hpp)
// runs after authentication. Ours: authenticators belong to a context; the
// free functions without a Context act on the default one.
#pragma once

#include <ostream>
#include <string>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/owned.hpp>

namespace process {

class Context;

namespace http::authentication {

// An authenticated principal: a value, claims, or both.
struct Principal {
  Principal() = delete;

  // NOLINTNEXTLINE(google-explicit-constructor): libprocess converts too.
  Principal(const Option<std::string>& value) : value(value) {}
  Principal(const Option<std::string>& value, const StringMap<>& claims)
      : value(value), claims(claims) {}

  bool operator==(const Principal& that) const {
    return value == that.value && claims == that.claims;
  }
  bool operator==(const std::string& that) const { return value == that; }
  bool operator!=(const std::string& that) const { return !(*this == that); }

  Option<std::string> value;
  StringMap<> claims;  // ours: ordered (libprocess: a hashmap)
};

// The value alone when there are no claims, else libprocess's JSON:
// {"value":"alice","claims":{"role":"admin"}}.
std::ostream& operator<<(std::ostream& stream, const Principal& principal);

// Exactly one is set: the principal (authenticated), unauthorized (a new
// challenge) or forbidden (no challenge).
struct AuthenticationResult {
  Option<Principal> principal;
  Option<Unauthorized> unauthorized;
  Option<Forbidden> forbidden;
};

// One authentication scheme. authenticate() may be called from any thread,
// for many requests at once; its future must complete (nothing times it
// out).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Future<AuthenticationResult> authenticate(const Request& request) = 0;
  virtual std::string scheme() const = 0;
};

// The "Basic" scheme against fixed credentials (user name -> password).
// Ours: no process behind it; the check runs on the caller's thread.
class BasicAuthenticator : public Authenticator {
 public:
  BasicAuthenticator(const std::string& realm, const StringMap<>& credentials);

  Future<AuthenticationResult> authenticate(const Request& request) override;
  std::string scheme() const override;

 private:
  std::string realm_;
  StringMap<> credentials_;
};

// Routes of `realm` are authenticated by `authenticator` from now on
// (replacing any); unset: by none. Ready once in force.
Future<Nothing> setAuthenticator(const std::string& realm,
                                 Owned<Authenticator> authenticator);
Future<Nothing> unsetAuthenticator(const std::string& realm);
Future<Nothing> setAuthenticator(Context& context, const std::string& realm,
                                 Owned<Authenticator> authenticator);
Future<Nothing> unsetAuthenticator(Context& context, const std::string& realm);

}  // namespace http::authentication

// http::authorization::setCallbacks/unsetCallbacks (process/http.hpp) for
// one of the program's own contexts.
namespace http::authorization {
void setCallbacks(Context& context, const AuthorizationCallbacks& callbacks);
void unsetCallbacks(Context& context);
}  // namespace http::authorization

}  // namespace process
