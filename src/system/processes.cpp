// /__processes__: every process of the node with its queued events, in
// libprocess's shape (an array of {"id", "events": [...]}), with ours
// beside: "queued", "events_run", "state", "links", "linkers", "routes".
#include <nlohmann/json.hpp>

#include <process/http.hpp>
#include <process/process.hpp>

#include "runtime/inspection.hpp"
#include "runtime/runtime.hpp"
#include "runtime/system_processes.hpp"
#include "system/inspect_all.hpp"
#include "system/makers.hpp"

namespace process::system {
namespace {

nlohmann::json eventJson(const detail::QueuedEventInfo& event, const UPID& to) {
  nlohmann::json json = {{"type", event.type}};
  if (std::string_view(event.type) == "MESSAGE") {
    json["name"] = event.name;
    json["from"] = event.from;
    json["to"] = std::string(to);
    json["body"] = event.body;
  } else if (std::string_view(event.type) == "HTTP") {
    json["method"] = event.method;
    json["url"] = event.url;
  }
  return json;
}

nlohmann::json pidsJson(const std::vector<UPID>& pids) {
  nlohmann::json json = nlohmann::json::array();
  for (const UPID& pid : pids) {
    json.push_back(std::string(pid));
  }
  return json;
}

nlohmann::json processJson(const Inspected& inspected) {
  nlohmann::json json = {{"id", inspected.pid.id}};
  if (inspected.info.isNone()) {
    json["events"] = nlohmann::json::array();
    json["queued"] = nullptr;
    json["events_run"] = nullptr;
    json["state"] = "unresponsive";
    json["links"] = nlohmann::json::array();
    json["linkers"] = nlohmann::json::array();
    json["routes"] = nlohmann::json::array();
    return json;
  }
  const detail::ProcessInfo& info = inspected.info.get();
  nlohmann::json events = nlohmann::json::array();
  for (const detail::QueuedEventInfo& event : info.events) {
    events.push_back(eventJson(event, info.pid));
  }
  json["events"] = std::move(events);
  json["queued"] = info.queued;
  json["events_run"] = info.eventsRun;
  json["state"] = info.state;
  json["links"] = pidsJson(info.links);
  json["linkers"] = pidsJson(info.linkers);
  nlohmann::json routes = nlohmann::json::array();
  for (const detail::RouteInfo& route : info.routes) {
    routes.push_back(route.name);
  }
  json["routes"] = std::move(routes);
  return json;
}

class ProcessesProcess final : public Process<ProcessesProcess> {
 public:
  ProcessesProcess() : ProcessBase("__processes__") {}

 protected:
  void initialize() override {
    // As libprocess: no help text for this one.
    detail::routeSystem(
        *this, "/", detail::SystemAccess::kReadOnly, None(),
        [this](const http::Request& request) { return processes(request); });
  }

 private:
  Future<http::Response> processes(const http::Request& request) {
    Try<Duration> timeout = inspectionTimeout(request);
    if (timeout.isError()) {
      return http::BadRequest(timeout.error() + ".\n");
    }
    detail::ContextImpl& context = *detail::Runtime::contextOf(*this);
    const Option<std::string> jsonp = request.url.query.get("jsonp");
    return inspectAll(detail::processesOf(context), timeout.get())
        .then([jsonp](const std::vector<Inspected>& inspected) {
          nlohmann::json array = nlohmann::json::array();
          for (const Inspected& one : inspected) {
            array.push_back(processJson(one));
          }
          return http::Response(http::OK(array, jsonp));
        });
  }
};

}  // namespace

ProcessBase* makeProcessesProcess() {
  return new ProcessesProcess();
}

}  // namespace process::system
