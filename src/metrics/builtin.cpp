#include "metrics/builtin.hpp"

#include <cctype>
#include <functional>
#include <string>
#include <utility>

#include <process/clock.hpp>
#include <process/drop_reason.hpp>

#include "metrics/machine.hpp"
#include "runtime/runtime.hpp"

namespace process::metrics::internal {

namespace {

// A metric read by a function of the context, at snapshot time.
class Builtin final : public Metric {
 public:
  Builtin(std::string name, Kind kind, std::function<Future<double>()> read)
      : Metric(std::move(name), None()), kind_(kind), read_(std::move(read)) {}

  Future<double> value() const override { return read_(); }
  Kind kind() const override { return kind_; }

 private:
  const Kind kind_;
  const std::function<Future<double>()> read_;
};

// "invalid UPID" → "invalid_upid".
std::string snakeCase(const char* text) {
  std::string name(text);
  for (char& c : name) {
    c = c == ' ' ? '_' : static_cast<char>(std::tolower(c));
  }
  return name;
}

// libprocess's System process publishes these under its id, "system";
// every node here has them, whether or not its system endpoints are served.
// A figure the machine does not give fails, and the snapshot leaves it out.
void addMachineGauges(std::vector<Owned<Metric>>& made) {
  using Figure = Option<double> MachineFigures::*;
  const std::pair<const char*, Figure> gauges[] = {
      {"system/load_1min", &MachineFigures::load1min},
      {"system/load_5min", &MachineFigures::load5min},
      {"system/load_15min", &MachineFigures::load15min},
      {"system/cpus_total", &MachineFigures::cpus},
      {"system/mem_total_bytes", &MachineFigures::memTotalBytes},
      {"system/mem_free_bytes", &MachineFigures::memFreeBytes},
  };
  for (const auto& [name, figure] : gauges) {
    made.push_back(Owned<Metric>(new Builtin(
        name, Metric::Kind::kGauge, [figure = figure]() -> Future<double> {
          const Option<double> value = machineFigures().*figure;
          if (value.isNone()) {
            return Failure("not given by this machine");
          }
          return value.get();
        })));
  }
}

}  // namespace

std::vector<Owned<Metric>> builtinMetrics(detail::ContextImpl& context) {
  using detail::RuntimeCounters;
  using Kind = Metric::Kind;
  std::vector<Owned<Metric>> made;
  auto add = [&made](std::string name, Kind kind,
                     std::function<double()> read) {
    made.push_back(Owned<Metric>(
        new Builtin("procession/" + std::move(name), kind, std::move(read))));
  };
  auto number = [](auto value) { return static_cast<double>(value); };
  detail::ContextImpl* c = &context;

  add("processes", Kind::kGauge,
      [c, number] { return number(c->registry.size()); });
  add("processes_spawned", Kind::kCounter,
      [c, number] { return number(c->registry.inserted()); });
  add("processes_terminated", Kind::kCounter,
      [c, number] { return number(c->registry.removed()); });
  auto counted = [&](const char* name, RuntimeCounters::Kind kind) {
    add(name, Kind::kCounter,
        [c, kind, number] { return number(c->counters.total(kind)); });
  };
  counted("events_run", RuntimeCounters::kEventsRun);
  counted("messages_sent", RuntimeCounters::kMessagesSent);
  counted("messages_received", RuntimeCounters::kMessagesReceived);
  add("messages_dropped", Kind::kCounter,
      [c, number] { return number(c->drops.total()); });
  for (size_t i = 0; i < kDropReasons; ++i) {
    const auto reason = static_cast<DropReason>(i);
    add("messages_dropped/" + snakeCase(toString(reason)), Kind::kCounter,
        [c, reason, number] { return number(c->drops.of(reason)); });
  }
  add("connections_outbound", Kind::kGauge, [c, number] {
    return number(c->transport->figures().outboundConnections);
  });
  add("connections_inbound", Kind::kGauge, [c, number] {
    return number(c->transport->figures().inboundConnections);
  });
  add("bytes_in", Kind::kCounter,
      [c, number] { return number(c->transport->figures().bytesIn); });
  add("bytes_out", Kind::kCounter,
      [c, number] { return number(c->transport->figures().bytesOut); });
  for (size_t i = 0; i < 5; ++i) {
    add("http_requests/" + std::to_string(i + 1) + "xx", Kind::kCounter,
        [c, i, number] {
          return number(c->transport->figures().httpResponses[i]);
        });
  }
  add("event_queue_depth_max", Kind::kGauge,
      [c, number] { return number(c->deepestQueue()); });
  add("uptime_secs", Kind::kGauge,
      [c] { return (Clock::now() - c->startedAt).secs(); });
  addMachineGauges(made);
  return made;
}

}  // namespace process::metrics::internal
