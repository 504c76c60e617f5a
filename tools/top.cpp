// `procession top`: see inspect.hpp.
#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include <process/duration.hpp>

#include "inspect.hpp"
#include "node.hpp"
#include "table.hpp"

namespace procession_cli {

using process::Address;
using process::Try;

namespace {

struct Row {
  std::string id;
  std::optional<double> queued;           // none: unresponsive
  std::optional<double> eventsRun;        // none: unresponsive, or libprocess
  std::optional<double> eventsPerSecond;  // none: no earlier frame
  std::string state;
};

// What one frame shows, kept for the next one's rates.
struct Seen {
  std::chrono::steady_clock::time_point at;
  std::map<std::string, double> metrics;
  std::map<std::string, double> eventsRun;  // by process id
};

std::string rateOf(double now, std::optional<double> before, double seconds) {
  return before && seconds > 0 ? formatRate((now - *before) / seconds) : "-";
}

std::vector<Row> rowsOf(const nlohmann::json& processes) {
  std::vector<Row> rows;
  for (const nlohmann::json& process : processes) {
    Row row{stringAt(process, "id"), numberAt(process, "queued"),
            numberAt(process, "events_run"), std::nullopt,
            stringAt(process, "state")};
    if (!row.queued && !process.contains("queued")) {  // libprocess
      row.queued = static_cast<double>(arrayAt(process, "events").size());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// The busiest first: the unresponsive (inside one long event), then by
// events run per second, then by events queued, then by id.
void sortBusiestFirst(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    const auto key = [](const Row& row) {
      return std::pair(row.queued ? row.eventsPerSecond.value_or(-1) : 1e300,
                       row.queued.value_or(1e300));
    };
    return key(a) != key(b) ? key(a) > key(b) : a.id < b.id;
  });
}

class Top {
 public:
  Top(NodeClient& node, const TopOptions& options)
      : node_(node), options_(options) {}

  int frame(int n, std::string& out) {
    nlohmann::json processes;
    nlohmann::json metrics;
    const std::string query = "?" + node_.inspectionTimeout();
    if (const int exit = fetchJson(node_, "/__processes__" + query, processes);
        exit != kOk) {
      return exit;
    }
    if (const int exit = fetchJson(node_, "/metrics/snapshot" + query, metrics);
        exit != kOk) {
      return exit;
    }
    if (!processes.is_array() || !metrics.is_object()) {
      return fail("/__processes__ or /metrics/snapshot has another shape",
                  kNoAnswer);
    }
    if (options_.refresh.json) {
      out = nlohmann::json{{"processes", processes}, {"metrics", metrics}}
                .dump() +
            "\n";
      return kOk;
    }
    Seen now{std::chrono::steady_clock::now(), {}, {}};
    for (const auto& [name, value] : metrics.items()) {
      if (value.is_number()) {
        now.metrics[name] = value.get<double>();
      }
    }
    out = heading(n) + totals(now, processes.size());
    std::vector<Row> rows = rowsOf(processes);
    const double seconds =
        std::chrono::duration<double>(now.at - seen_.at).count();
    double queuedTotal = 0;
    for (Row& row : rows) {
      queuedTotal += row.queued.value_or(0);
      if (!row.eventsRun) {
        continue;
      }
      now.eventsRun[row.id] = *row.eventsRun;
      const auto before = seen_.eventsRun.find(row.id);
      if (before != seen_.eventsRun.end() && seconds > 0) {
        row.eventsPerSecond = (*row.eventsRun - before->second) / seconds;
      }
    }
    sortBusiestFirst(rows);
    Table table({{"EVENTS/s", Table::kRight},
                 {"QUEUED", Table::kRight},
                 {"STATE", Table::kLeft},
                 {"ID", Table::kLeft}});
    for (const Row& row : rows) {
      if (table.rows() == static_cast<size_t>(options_.rows)) {
        break;
      }
      table.add({row.eventsPerSecond ? formatRate(*row.eventsPerSecond) : "-",
                 row.queued ? formatNumber(*row.queued) : "-",
                 row.state.empty() ? "-" : row.state, row.id});
    }
    out += formatNumber(queuedTotal) + " event" +
           (queuedTotal == 1 ? "" : "s") + " queued\n\n" + table.render();
    if (rows.size() > table.rows()) {
      out +=
          "... and " + std::to_string(rows.size() - table.rows()) + " more\n";
    }
    seen_ = std::move(now);
    return kOk;
  }

 private:
  std::string heading(int n) const {
    std::ostringstream out;
    out << "procession top " << node_.address() << ", every "
        << process::Duration(options_.refresh.interval) << ", refresh " << n;
    if (options_.refresh.count > 0) {
      out << " of " << options_.refresh.count;
    }
    out << (redraws(options_.refresh) ? " (Ctrl-C stops)" : "") << "\n";
    return out.str();
  }

  // Rates of the node's built-in counters since the last frame ("-" for
  // the first, and for a node without them: libprocess).
  std::string totals(const Seen& now, size_t processes) const {
    const double seconds =
        std::chrono::duration<double>(now.at - seen_.at).count();
    auto rate = [&](const std::string& name) {
      const auto current = now.metrics.find("procession/" + name);
      const auto last = seen_.metrics.find("procession/" + name);
      return current == now.metrics.end()
                 ? std::string("-")
                 : rateOf(current->second,
                          last == seen_.metrics.end()
                              ? std::nullopt
                              : std::optional(last->second),
                          seconds);
    };
    auto gauge = [&](const std::string& name) {
      const auto found = now.metrics.find("procession/" + name);
      return found == now.metrics.end() ? std::string("-")
                                        : formatNumber(found->second);
    };
    return "events " + rate("events_run") + "/s, messages in " +
           rate("messages_received") + "/s, out " + rate("messages_sent") +
           "/s, connections in " + gauge("connections_inbound") + ", out " +
           gauge("connections_outbound") + "\n" + std::to_string(processes) +
           " process" + (processes == 1 ? "" : "es") + ", ";
  }

  NodeClient& node_;
  const TopOptions& options_;
  Seen seen_;
};

}  // namespace

int top(const TopOptions& options) {
  Try<Address> address = parseNode(options.node);
  if (address.isError()) {
    return fail(address.error(), kUsage);
  }
  NodeClient node(address.get(), options.timeout);
  Top view(node, options);
  return refresh(options.refresh, [&view](int n, std::string& out) {
    return view.frame(n, out);
  });
}

}  // namespace procession_cli
