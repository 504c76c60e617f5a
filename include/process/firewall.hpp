// The endpoint firewall: rules that every HTTP request for a route passes
// before its process sees it (messages between nodes are not requests for
// routes and are not shown). The first rule to answer answers the request;
// its process never runs:
//
//   std::vector<Owned<firewall::FirewallRule>> rules;
//   rules.emplace_back(new firewall::DisabledEndpointsFirewallRule(
//       {"/logging/toggle", "/__processes__"}));
//   firewall::install(std::move(rules));  // declared in process/process.hpp
//
// Ours: installed per context (firewall::install(context, rules) for one
// of the program's own); a rule is shown the connection as a
// network::inet::Socket that tells its two addresses and nothing more.
#pragma once

#include <set>
#include <string>

#include <process/address.hpp>
#include <process/http.hpp>
#include <process/option.hpp>
#include <process/try.hpp>

namespace process {

namespace network::inet {
using Address = ::process::Address;

// The connection a request came on, as a firewall rule sees it. Ours:
// libprocess passes its socket; this one can only be asked its addresses.
class Socket {
 public:
  Socket(const Option<Address>& local, const Option<Address>& peer)
      : local_(local), peer_(peer) {}
  // This node's end.
  Try<Address> address() const;
  // The client's end.
  Try<Address> peer() const;

 private:
  Option<Address> local_;
  Option<Address> peer_;
};
}  // namespace network::inet

namespace firewall {

// Called on the node's network thread for each request, possibly from
// several threads at once for different connections: keep it quick and
// thread-safe. A response refuses the request; None lets it through.
class FirewallRule {
 public:
  FirewallRule() = default;
  virtual ~FirewallRule() = default;
  virtual Option<http::Response> apply(const network::inet::Socket& socket,
                                       const http::Request& request) = 0;
};

// Refuses, with 403 Forbidden, requests whose path is one of `paths`
// exactly (each taken through process::absolutePath, as libprocess does).
class DisabledEndpointsFirewallRule : public FirewallRule {
 public:
  explicit DisabledEndpointsFirewallRule(const std::set<std::string>& paths);

  Option<http::Response> apply(const network::inet::Socket& socket,
                               const http::Request& request) override;

 private:
  std::set<std::string> paths_;
};

}  // namespace firewall
}  // namespace process
