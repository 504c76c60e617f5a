// The help process ("help"): /help, /help/<id>, /help/<id>/<route>, from
// the help texts processes gave to route(), read on each process through
// an inspection (runtime/inspection.hpp) when asked; libprocess's Help
// keeps a copy of every text instead.
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <process/help.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "runtime/inspection.hpp"
#include "runtime/runtime.hpp"
#include "runtime/system_processes.hpp"
#include "system/inspect_all.hpp"
#include "system/makers.hpp"

namespace process::system {
namespace {

// A route's name as a path under its process: "/toggle" of "logging" is
// "logging/toggle"; "/" of "x" is "x".
std::string usagePath(const std::string& id, const std::string& name) {
  std::string path = id + name;
  while (!path.empty() && path.back() == '/') {
    path.pop_back();
  }
  return path;
}

// The help page of one route.
std::string routeText(const std::string& id, const detail::RouteInfo& route) {
  const std::string path = "/" + usagePath(id, route.name);
  if (route.help.isNone()) {
    return "## No help page for `" + path + "`\n";
  }
  return "### USAGE ###\n" + USAGE(path) + "\n" + route.help.get();
}

// The summary of a help text: the line under "### TL;DR; ###", else its
// first line that is not blank.
std::string tldrOf(const Option<std::string>& help) {
  if (help.isNone()) {
    return "";
  }
  const std::string& text = help.get();
  static constexpr std::string_view kHeading = "### TL;DR; ###\n";
  size_t start = text.find(kHeading);
  start = start == std::string::npos ? 0 : start + kHeading.size();
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) {
      return text.substr(start, end - start);
    }
    start = end + 1;
  }
  return "";
}

using Routes = std::vector<detail::RouteInfo>;

// Appends the pieces to `text`, without temporaries.
void append(std::string& text, std::initializer_list<std::string_view> pieces) {
  for (const std::string_view piece : pieces) {
    text += piece;
  }
}

nlohmann::json endpointJson(const std::string& id,
                            const detail::RouteInfo& route) {
  return {{"name", route.name},
          {"text", routeText(id, route)},
          {"tldr", tldrOf(route.help)}};
}

nlohmann::json processJson(const std::string& id, const Routes& routes) {
  nlohmann::json endpoints = nlohmann::json::array();
  for (const detail::RouteInfo& route : routes) {
    endpoints.push_back(endpointJson(id, route));
  }
  return {{"id", id}, {"endpoints", std::move(endpoints)}};
}

std::string escapeHtml(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '&':
        escaped += "&amp;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

// Markdown to curl and HTTPie (as libprocess), a page showing it to
// anything else (ours: the Markdown as preformatted text; libprocess
// renders it with a script).
http::Response markdownAnswer(const http::Request& request,
                              const std::string& markdown) {
  const Option<std::string> agent = request.headers.get("User-Agent");
  if (agent.isSome() &&
      (agent->rfind("curl", 0) == 0 || agent->rfind("HTTPie", 0) == 0)) {
    return http::OK(markdown, "text/x-markdown");
  }
  return http::OK(
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
      "<title>Help</title></head><body><pre>" +
          escapeHtml(markdown) + "</pre></body></html>",
      "text/html");
}

class HelpProcess final : public Process<HelpProcess> {
 public:
  HelpProcess() : ProcessBase("help") {}

 protected:
  void initialize() override {
    auto handler = [this](const http::Request& request) {
      return help(request);
    };
    detail::routeSystem(*this, "/", detail::SystemAccess::kReadOnly, None(),
                        handler);
    detail::routeUnmatched(*this, handler);
  }

 private:
  Future<http::Response> help(const http::Request& request) {
    Try<Duration> timeout = inspectionTimeout(request);
    if (timeout.isError()) {
      return http::BadRequest(timeout.error() + ".\n");
    }
    // /help[/<id>[/<name…>]]
    std::vector<std::string> parts;
    const std::string& path = request.url.path;
    for (size_t at = 0; at < path.size();) {
      const size_t slash = std::min(path.find('/', at), path.size());
      if (slash > at) {
        parts.push_back(path.substr(at, slash - at));
      }
      at = slash + 1;
    }
    if (parts.size() <= 1) {
      return contents(request, timeout.get());
    }
    std::string name;
    for (size_t i = 2; i < parts.size(); ++i) {
      name += "/" + parts[i];
    }
    return forProcess(request, parts[1], name, timeout.get());
  }

  // /help: every process that has routes, each route with its summary.
  Future<http::Response> contents(const http::Request& request,
                                  const Duration& timeout) {
    std::vector<UPID> pids = detail::processesOf(context());
    std::erase_if(pids, [](const UPID& pid) { return !described(pid.id); });
    return inspectAll(pids, timeout)
        .then([request](const std::vector<Inspected>& inspected) {
          std::map<std::string, Routes> helps;
          for (const Inspected& one : inspected) {
            if (one.info.isSome() && !one.info->routes.empty()) {
              helps[one.pid.id] = one.info->routes;
            }
          }
          if (request.url.query.get("format") == Some(std::string("json"))) {
            nlohmann::json processes = nlohmann::json::array();
            for (const auto& [id, routes] : helps) {
              processes.push_back(processJson(id, routes));
            }
            return http::Response(
                http::OK(nlohmann::json{{"processes", std::move(processes)}}));
          }
          std::string document = "## HELP\n";
          std::string references;
          for (const auto& [id, routes] : helps) {
            append(document, {"> [/", id, "][", id, "]\n"});
            append(references, {"[", id, "]: help/", id, "\n"});
            for (const detail::RouteInfo& route : routes) {
              const std::string tldr = tldrOf(route.help);
              append(document, {">     /", usagePath(id, route.name),
                                tldr.empty() ? "" : ": ", tldr, "\n"});
            }
          }
          return markdownAnswer(request, document + "\n" + references);
        });
  }

  // /help/<id> and /help/<id>/<name>.
  Future<http::Response> forProcess(const http::Request& request,
                                    const std::string& id,
                                    const std::string& name,
                                    const Duration& timeout) {
    const std::string none = "No help available for '/" + id + "'.\n";
    if (!described(id)) {
      return http::BadRequest(none);
    }
    return inspectAll({UPID(id, context().address)}, timeout)
        .then([request, id, name,
               none](const std::vector<Inspected>& inspected) {
          if (inspected.empty() || inspected[0].info.isNone() ||
              inspected[0].info->routes.empty()) {
            return http::Response(http::BadRequest(none));
          }
          const Routes& routes = inspected[0].info->routes;
          const bool json =
              request.url.query.get("format") == Some(std::string("json"));
          if (name.empty()) {
            if (json) {
              return http::Response(http::OK(processJson(id, routes)));
            }
            std::string document = "## `/" + id + "` ##\n";
            std::string references;
            for (const detail::RouteInfo& route : routes) {
              const std::string path = usagePath(id, route.name);
              const std::string tldr = tldrOf(route.help);
              append(document, {"> [/", path, "][", path, "]",
                                tldr.empty() ? "" : " ", tldr, "\n"});
              append(references, {"[", path, "]: ", path, "\n"});
            }
            return markdownAnswer(request, document + "\n" + references);
          }
          for (const detail::RouteInfo& route : routes) {
            if (route.name == name) {
              if (json) {
                nlohmann::json answer = endpointJson(id, route);
                answer["id"] = id;
                return http::Response(http::OK(answer));
              }
              return markdownAnswer(request, routeText(id, route) + "\n");
            }
          }
          return http::Response(http::BadRequest("No help available for '/" +
                                                 id + name + "'.\n"));
        });
  }

  // As libprocess: help is not given for help itself nor /__processes__.
  static bool described(const std::string& id) {
    return id != "help" && id != "__processes__";
  }

  detail::ContextImpl& context() { return *detail::Runtime::contextOf(*this); }
};

}  // namespace

ProcessBase* makeHelpProcess() {
  return new HelpProcess();
}

}  // namespace process::system
