// The processes every context runs for its operators (the metrics
// registry and its endpoints, …), started when the context is made.
//
// The runtime cannot include the layers that define them, so, as with
// makeTransport(), it declares the hook and the library's higher layers
// define it (src/metrics/start.cpp); tests/seam links a fake that starts
// nothing. The hook spawns each into `context` and names it with
// ContextImpl::addSystemProcess, so that finalize() leaves it running.
#pragma once

namespace process::detail {

class ContextImpl;

void startSystemProcesses(ContextImpl& context);

}  // namespace process::detail
