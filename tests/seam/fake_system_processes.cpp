// The runtime's hook for the processes the layers above start in every
// context (runtime/system_processes.hpp): the runtime alone starts none.
#include "runtime/system_processes.hpp"

namespace process::detail {

void startSystemProcesses(ContextImpl& /*context*/) {}

}  // namespace process::detail
