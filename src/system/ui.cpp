// The "__ui__" process (ours; libprocess has no such page): GET /__ui__,
// one self-contained HTML page (system/ui/index.html, embedded at build
// time) whose script polls the node's own JSON endpoints and draws them.
// The node serves the bytes and nothing else: the page asks the other
// system processes, through the same server and limits as any client.
#include <string>

#include <process/help.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "runtime/system_processes.hpp"
#include "system/makers.hpp"
#include "system/ui_page.hpp"

namespace process::system {
namespace {

// The page needs its inline script and style and its own node, nothing
// more: a browser that honours this loads nothing from anywhere else, even
// if a process id or a route name in the tables tried to make it.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string uiHelp() {
  return HELP(
      TLDR("A live page of this node: processes, network, metrics."),
      DESCRIPTION(
          "An HTML page for a browser. Its script polls /__processes__,",
          "/__network__, /metrics/snapshot and /system/stats.json every",
          "second and shows the node's address and uptime, its processes",
          "(sortable, filterable), peers and inbound connections, every",
          "metric, and plots of the last minutes of message and event",
          "rates and the deepest queue. Nothing is fetched from elsewhere."),
      AUTHENTICATION(false));
}

http::Response page(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return http::MethodNotAllowed({"GET", "HEAD"}, request.method);
  }
  http::OK response(std::string(kUiPage), "text/html; charset=utf-8");
  response.headers["Content-Security-Policy"] = kContentSecurityPolicy;
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Cache-Control"] = "no-cache";
  return response;
}

class UiProcess final : public Process<UiProcess> {
 public:
  UiProcess() : ProcessBase("__ui__") {}

 protected:
  void initialize() override {
    detail::routeSystem(*this, "/", detail::SystemAccess::kReadOnly, uiHelp(),
                        [](const http::Request& request) {
                          return Future<http::Response>(page(request));
                        });
  }
};

}  // namespace

ProcessBase* makeUiProcess() {
  return new UiProcess();
}

}  // namespace process::system
