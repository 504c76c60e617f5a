// RouteGuards (route_guard.hpp), a context's firewall rules,
// authenticators, authorization callbacks and system realms, and the
// public functions that change them: firewall::install,
// http::authentication::setAuthenticator/unsetAuthenticator and
// http::authorization::setCallbacks/unsetCallbacks.
#include <glog/logging.h>

#include <exception>
#include <utility>

#include "runtime/route_guard.hpp"
#include "runtime/runtime.hpp"

namespace process {
namespace detail {

RouteGuards::RouteGuards(const Context::Options& options)
    : errorDetails(options.httpErrorDetails),
      readwriteRealm_(options.readwriteAuthenticationRealm),
      readonlyRealm_(options.readonlyAuthenticationRealm) {}

void RouteGuards::installFirewall(
    std::vector<Owned<firewall::FirewallRule>>&& rules) {
  auto installed =
      std::make_shared<const std::vector<Owned<firewall::FirewallRule>>>(
          std::move(rules));
  const bool any = !installed->empty();
  std::lock_guard<std::mutex> guard(mutex_);
  rules_ = std::move(installed);
  firewalled_.store(any, std::memory_order_release);
}

Option<http::Response> RouteGuards::applyFirewall(
    const Option<Address>& local, const http::Request& request) const {
  if (!firewalled_.load(std::memory_order_acquire)) {
    return None();
  }
  std::shared_ptr<const std::vector<Owned<firewall::FirewallRule>>> rules;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    rules = rules_;
  }
  const network::inet::Socket socket(local, request.client);
  for (const Owned<firewall::FirewallRule>& rule : *rules) {
    Option<http::Response> refusal = None();
    try {
      refusal = rule->apply(socket, request);
    } catch (const std::exception& e) {
      LOG(WARNING) << "A firewall rule threw for '" << request.url.path
                   << "' (refused): " << e.what();
      refusal = http::InternalServerError("Internal Server Error\n");
    } catch (...) {
      refusal = http::InternalServerError("Internal Server Error\n");
    }
    if (refusal.isSome()) {
      VLOG(1) << "Returning '" << refusal->status << "' for '"
              << request.url.path << "' (firewall rule forbids request)";
      return refusal;
    }
  }
  return None();
}

void RouteGuards::setAuthenticator(
    const std::string& realm,
    Owned<http::authentication::Authenticator> which) {
  CHECK(which.get() != nullptr) << "a null authenticator for realm " << realm;
  std::lock_guard<std::mutex> guard(mutex_);
  authenticators_[realm] = std::move(which);
}

void RouteGuards::unsetAuthenticator(const std::string& realm) {
  std::lock_guard<std::mutex> guard(mutex_);
  authenticators_.erase(realm);
}

std::shared_ptr<http::authentication::Authenticator> RouteGuards::authenticator(
    const std::string& realm) const {
  std::lock_guard<std::mutex> guard(mutex_);
  const auto found = authenticators_.find(realm);
  if (found == authenticators_.end()) {
    return nullptr;
  }
  return found->second;
}

void RouteGuards::setCallbacks(
    const http::authorization::AuthorizationCallbacks& set) {
  auto callbacks =
      std::make_shared<const http::authorization::AuthorizationCallbacks>(set);
  std::lock_guard<std::mutex> guard(mutex_);
  callbacks_ = std::move(callbacks);
  authorizing_.store(true, std::memory_order_release);
}

void RouteGuards::unsetCallbacks() {
  std::lock_guard<std::mutex> guard(mutex_);
  callbacks_ = nullptr;
  authorizing_.store(false, std::memory_order_release);
}

http::authorization::AuthorizationCallbacks::mapped_type
RouteGuards::callbackFor(const std::string& path) const {
  std::shared_ptr<const http::authorization::AuthorizationCallbacks> callbacks;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    callbacks = callbacks_;
  }
  if (callbacks == nullptr) {
    return {};
  }
  const auto found = callbacks->find(path);
  return found == callbacks->end() ? nullptr : found->second;
}

Option<std::string> RouteGuards::realmFor(SystemAccess access) const {
  std::lock_guard<std::mutex> guard(mutex_);
  switch (access) {
    case SystemAccess::kReadOnly:
      return readonlyRealm_;
    case SystemAccess::kReadWrite:
      return readwriteRealm_;
    case SystemAccess::kNone:
      break;
  }
  return None();
}

void RouteGuards::setSystemRealms(const Option<std::string>& readwrite,
                                  const Option<std::string>& readonly) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (readwrite.isSome()) {
    readwriteRealm_ = readwrite;
  }
  if (readonly.isSome()) {
    readonlyRealm_ = readonly;
  }
}

}  // namespace detail

namespace firewall {
void install(std::vector<Owned<FirewallRule>>&& rules) {
  install(Context::instance(), std::move(rules));
}
void install(Context& context, std::vector<Owned<FirewallRule>>&& rules) {
  detail::implOf(context).guards->installFirewall(std::move(rules));
}
}  // namespace firewall

namespace http::authentication {
Future<Nothing> setAuthenticator(const std::string& realm,
                                 Owned<Authenticator> authenticator) {
  return setAuthenticator(Context::instance(), realm, std::move(authenticator));
}
Future<Nothing> unsetAuthenticator(const std::string& realm) {
  return unsetAuthenticator(Context::instance(), realm);
}
Future<Nothing> setAuthenticator(Context& context, const std::string& realm,
                                 Owned<Authenticator> authenticator) {
  detail::implOf(context).guards->setAuthenticator(realm,
                                                   std::move(authenticator));
  return Nothing();
}
Future<Nothing> unsetAuthenticator(Context& context, const std::string& realm) {
  detail::implOf(context).guards->unsetAuthenticator(realm);
  return Nothing();
}
}  // namespace http::authentication

namespace http::authorization {
void setCallbacks(const AuthorizationCallbacks& callbacks) {
  setCallbacks(Context::instance(), callbacks);
}
void unsetCallbacks() {
  unsetCallbacks(Context::instance());
}
void setCallbacks(Context& context, const AuthorizationCallbacks& callbacks) {
  detail::implOf(context).guards->setCallbacks(callbacks);
}
void unsetCallbacks(Context& context) {
  detail::implOf(context).guards->unsetCallbacks();
}
}  // namespace http::authorization

}  // namespace process
