// `procession processes` and `procession help`: see inspect.hpp.
#include "inspect.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "node.hpp"
#include "table.hpp"

namespace procession_cli {

using process::Address;
using process::Try;

namespace {

std::string joined(const nlohmann::json& strings) {
  std::string text;
  for (const nlohmann::json& one : strings) {
    text += (text.empty() ? "" : " ") +
            (one.is_string() ? one.get<std::string>() : one.dump());
  }
  return text;
}

// The summary of a help text, for nodes that give none (libprocess): the
// line under "### TL;DR; ###".
std::string summaryOf(const nlohmann::json& endpoint) {
  std::string summary = stringAt(endpoint, "tldr");
  if (!summary.empty()) {
    return summary;
  }
  const std::string text = stringAt(endpoint, "text");
  static constexpr std::string_view kHeading = "### TL;DR; ###\n";
  const size_t heading = text.find(kHeading);
  if (heading == std::string::npos) {
    return "";
  }
  const size_t start = heading + kHeading.size();
  return text.substr(start, text.find('\n', start) - start);
}

// "/metrics/snapshot" for the route "/snapshot" of "metrics"; "/x" for "/".
std::string pathOf(const std::string& id, const std::string& route) {
  std::string path = "/" + id + route;
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
  }
  return path;
}

void addRoutes(Table& table, const nlohmann::json& process) {
  const std::string id = stringAt(process, "id");
  for (const nlohmann::json& endpoint : arrayAt(process, "endpoints")) {
    table.add({pathOf(id, stringAt(endpoint, "name")), summaryOf(endpoint)});
  }
}

// One route's help, from its process's list (for the route "/", which
// /help/<id>/<route> cannot name, and for nodes without ?format=json there).
int routeFromList(NodeClient& node, const HelpOptions& options,
                  const std::string& route, const nlohmann::json& list,
                  nlohmann::json& found) {
  for (const nlohmann::json& process : arrayAt(list, "processes")) {
    if (stringAt(process, "id") != options.process) {
      continue;
    }
    if (route.empty()) {
      found = process;
      return kOk;
    }
    for (const nlohmann::json& endpoint : arrayAt(process, "endpoints")) {
      if (stringAt(endpoint, "name") == route) {
        found = endpoint;
        found["id"] = options.process;
        return kOk;
      }
    }
  }
  std::ostringstream where;
  where << node.address();
  return fail(
      "no help for '" + pathOf(options.process, route) + "' at " + where.str(),
      kRefused);
}

}  // namespace

int processes(const InspectOptions& options) {
  Try<Address> address = parseNode(options.node);
  if (address.isError()) {
    return fail(address.error(), kUsage);
  }
  NodeClient node(address.get(), options.timeout);
  nlohmann::json list;
  if (const int exit =
          fetchJson(node, "/__processes__?" + node.inspectionTimeout(), list);
      exit != kOk) {
    return exit;
  }
  if (!list.is_array()) {
    return fail("/__processes__ is not a list of processes", kNoAnswer);
  }
  if (options.json) {
    std::cout << list.dump(2) << std::endl;
    return kOk;
  }
  Table table({{"ID", Table::kLeft},
               {"QUEUED", Table::kRight},
               {"STATE", Table::kLeft},
               {"LINKS", Table::kRight},
               {"LINKERS", Table::kRight},
               {"ROUTES", Table::kLeft}});
  double queuedTotal = 0;
  for (const nlohmann::json& process : list) {
    // libprocess gives only "events": its length is what is queued.
    std::optional<double> queued = numberAt(process, "queued");
    if (!queued && !process.contains("queued")) {
      queued = static_cast<double>(arrayAt(process, "events").size());
    }
    queuedTotal += queued.value_or(0);
    const std::string state = stringAt(process, "state");
    table.add({stringAt(process, "id"), queued ? formatNumber(*queued) : "-",
               state.empty() ? "-" : state,
               std::to_string(arrayAt(process, "links").size()),
               std::to_string(arrayAt(process, "linkers").size()),
               joined(arrayAt(process, "routes"))});
  }
  std::cout << table.render() << table.rows() << " process"
            << (table.rows() == 1 ? "" : "es") << ", "
            << formatNumber(queuedTotal) << " event"
            << (queuedTotal == 1 ? "" : "s") << " queued" << std::endl;
  return kOk;
}

int help(const HelpOptions& options) {
  Try<Address> address = parseNode(options.node);
  if (address.isError()) {
    return fail(address.error(), kUsage);
  }
  NodeClient node(address.get(), options.timeout);
  std::string route = options.route;
  if (!route.empty() && route.front() != '/') {
    route = "/" + route;
  }
  const bool wholeProcess = options.process.empty() || route.empty();
  const std::string query = "?format=json&" + node.inspectionTimeout();
  nlohmann::json answer;
  if (options.process.empty() || route == "/") {
    if (const int exit = fetchJson(node, "/help" + query, answer);
        exit != kOk) {
      return exit;
    }
  } else {
    std::string target = "/help/" + pathSegment(options.process);
    for (size_t at = 1; at < route.size();) {
      const size_t slash = std::min(route.find('/', at), route.size());
      target += "/" + pathSegment(route.substr(at, slash - at));
      at = slash + 1;
    }
    std::string body;
    if (const int exit = fetchText(node, target + query, body); exit != kOk) {
      return exit;
    }
    answer = nlohmann::json::parse(body, nullptr, false);
    // A libprocess node gives JSON only for /help: look there.
    if (answer.is_discarded()) {
      if (const int exit = fetchJson(node, "/help" + query, answer);
          exit != kOk) {
        return exit;
      }
    }
  }
  // The route "/" (which /help/<id>/<route> cannot name), or a libprocess
  // node's whole list: the part asked for.
  if (!options.process.empty() && answer.contains("processes")) {
    nlohmann::json list = std::move(answer);
    if (const int exit = routeFromList(node, options, route, list, answer);
        exit != kOk) {
      return exit;
    }
  }
  if (options.json) {
    std::cout << answer.dump(2) << std::endl;
    return kOk;
  }
  if (!wholeProcess) {
    std::string text = stringAt(answer, "text");
    std::cout << text << (text.empty() || text.back() != '\n' ? "\n" : "")
              << std::flush;
    return kOk;
  }
  Table table({{"", Table::kLeft}, {"", Table::kLeft}});
  if (options.process.empty()) {
    for (const nlohmann::json& process : arrayAt(answer, "processes")) {
      addRoutes(table, process);
    }
  } else {
    addRoutes(table, answer);
  }
  std::cout << table.render() << std::flush;
  return kOk;
}

}  // namespace procession_cli
