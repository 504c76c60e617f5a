// The default context's TLS settings, from libprocess's LIBPROCESS_SSL_*
// variables (docs/guide.md, "TLS").
#pragma once

#include <process/context.hpp>

namespace process::detail {

// Throws std::invalid_argument naming a variable whose value is not one
// of its kind (a boolean, a number, legacy/openssl).
Context::Tls tlsFromEnvironment();

}  // namespace process::detail
