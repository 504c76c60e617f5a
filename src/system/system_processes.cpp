// The hook the runtime calls as a context is made
// (runtime/system_processes.hpp): the node's own processes, spawned on it
// and managed (deleted as they terminate with the context).
#include "runtime/system_processes.hpp"

#include <process/logging.hpp>

#include "runtime/runtime.hpp"
#include "system/makers.hpp"

namespace process::detail {

void startSystemProcesses(ContextImpl& context) {
  ProcessBase* const processes[] = {
      system::makeProcessesProcess(), system::makeNetworkProcess(context),
      system::makeHelpProcess(), new Logging(), system::makeStatsProcess()};
  for (ProcessBase* process : processes) {
    // An id the program took first (it spawned its own "help") keeps it.
    const UPID pid = context.spawn(process, true);
    if (pid) {
      context.systemProcesses.push_back(pid);
    }
  }
}

}  // namespace process::detail
