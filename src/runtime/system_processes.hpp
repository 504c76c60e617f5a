// The node's own processes (/__processes__, /__network__, /help,
// /logging/toggle, /system/stats.json): the runtime starts them as a
// context is made, unless Context::Options::systemEndpoints is off. They
// live in a higher layer (src/system), which defines the hook; tests/seam,
// which links the runtime alone, defines a fake.
#pragma once

#include <process/process.hpp>

namespace process::detail {

class ContextImpl;

// Spawns the system processes of `context` (on it) and records them in
// context.systemProcesses. Called at the end of the context's making.
void startSystemProcesses(ContextImpl& context);

// Requests for paths of `process` that none of its routes match go to
// `handler` (instead of a 404): the help process serves /help/<id>/<name>
// for every id. On the process, or before it is spawned.
void routeUnmatched(ProcessBase& process,
                    ProcessBase::HttpRequestHandler handler);

}  // namespace process::detail
