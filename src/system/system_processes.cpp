// The hook the runtime calls as a context is made
// (runtime/system_processes.hpp): the node's own processes, spawned on it
// and managed (deleted as they terminate with the context).
#include "runtime/system_processes.hpp"

#include <process/logging.hpp>

#include "metrics/metrics_process.hpp"
#include "runtime/runtime.hpp"
#include "system/makers.hpp"

namespace process::detail {

void startSystemProcesses(ContextImpl& context) {
  // The registry runs whether or not its endpoints are served:
  // metrics::add works either way.
  metrics::internal::startRegistry(context);
  if (!context.systemEndpoints) {
    return;
  }
  ProcessBase* const processes[] = {
      system::makeProcessesProcess(), system::makeNetworkProcess(context),
      system::makeHelpProcess(),      new Logging(),
      system::makeStatsProcess(),     system::makeUiProcess()};
  for (ProcessBase* process : processes) {
    // An id the program took first (it spawned its own "help") keeps it.
    const UPID pid = context.spawn(process, true);
    if (pid) {
      context.addSystemProcess(pid);
    }
  }
}

}  // namespace process::detail
