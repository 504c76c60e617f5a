// The metrics every context has from the start, under procession/: its
// processes, events, messages (and drops by reason), connections, bytes,
// HTTP answers by status class, deepest event queue and uptime. Each is
// read when a snapshot is taken from what the runtime and the network
// count anyway (runtime/counters.hpp, Registry, Transport::figures), so
// they add nothing to the hot paths.
#pragma once

#include <vector>

#include <process/metrics/metric.hpp>
#include <process/owned.hpp>

namespace process::detail {
class ContextImpl;
}

namespace process::metrics::internal {

std::vector<Owned<Metric>> builtinMetrics(detail::ContextImpl& context);

}  // namespace process::metrics::internal
