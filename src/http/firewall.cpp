// The vocabulary of <process/firewall.hpp>: the connection a rule is shown
// and the rule that disables endpoints.
#include <process/firewall.hpp>

#include <process/process.hpp>

namespace process {

namespace network::inet {
Try<Address> Socket::address() const {
  if (local_.isNone()) {
    return Error("the local address is not known");
  }
  return local_.get();
}

Try<Address> Socket::peer() const {
  if (peer_.isNone()) {
    return Error("the peer's address is not known");
  }
  return peer_.get();
}
}  // namespace network::inet

namespace firewall {
DisabledEndpointsFirewallRule::DisabledEndpointsFirewallRule(
    const std::set<std::string>& paths) {
  for (const std::string& path : paths) {
    paths_.insert(process::absolutePath(path));
  }
}

Option<http::Response> DisabledEndpointsFirewallRule::apply(
    const network::inet::Socket& /*socket*/, const http::Request& request) {
  if (paths_.contains(request.url.path)) {
    return http::Forbidden("Endpoint '" + request.url.path + "' is disabled");
  }
  return None();
}
}  // namespace firewall

}  // namespace process
