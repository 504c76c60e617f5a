// The system processes, one maker per file of src/system; the hook
// (system_processes.cpp) spawns them on their context, managed.
#pragma once

#include <process/process.hpp>

namespace process::detail {
class ContextImpl;
}  // namespace process::detail

namespace process::system {

ProcessBase* makeProcessesProcess();                        // processes.cpp
ProcessBase* makeNetworkProcess(detail::ContextImpl& ctx);  // network.cpp
ProcessBase* makeHelpProcess();                             // help_process.cpp
ProcessBase* makeStatsProcess();                            // stats.cpp
ProcessBase* makeUiProcess();                               // ui.cpp

}  // namespace process::system
