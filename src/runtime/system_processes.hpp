// The node's own processes: the metrics registry and its endpoints
// (src/metrics), /__processes__, /__network__, /help, /logging/toggle and
// /system/stats.json (src/system), started when the context is made; all
// but the metrics registry only with Context::Options::systemEndpoints.
//
// The runtime cannot include the layers that define them, so, as with
// makeTransport(), it declares the hook and the library's highest layer
// defines it (src/system/system_processes.cpp); tests/seam links a fake
// that starts nothing. The hook spawns each into `context` and names it
// with ContextImpl::addSystemProcess, so that finalize() leaves it running.
#pragma once

#include <process/process.hpp>

#include "runtime/route_guard.hpp"

namespace process::detail {

class ContextImpl;

// Spawns the system processes of `context` (on it). Called at the end of
// the context's making.
void startSystemProcesses(ContextImpl& context);

// Requests for paths of `process` that none of its routes match go to
// `handler` (instead of a 404): the help process serves /help/<id>/<name>
// for every id. On the process, or before it is spawned.
// They are read-only endpoints (as /help is).
void routeUnmatched(ProcessBase& process,
                    ProcessBase::HttpRequestHandler handler);

// Which of the context's realms (Context::Options'
// readonlyAuthenticationRealm, readwriteAuthenticationRealm) guards a
// system endpoint (SystemAccess, runtime/route_guard.hpp): libprocess's
// choice, /logging/toggle read-write and the others read-only.
// ProcessBase::route for a system endpoint: the realm is the one the
// context names for `access` when a request comes (None: open), so that
// process::initialize() can still set it after the endpoint exists.
void routeSystem(ProcessBase& process, const std::string& name,
                 SystemAccess access, const Option<std::string>& help,
                 ProcessBase::HttpRequestHandler handler);

}  // namespace process::detail
