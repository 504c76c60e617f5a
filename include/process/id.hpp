// ID::generate: unique names for processes, "prefix(1)", "prefix(2)", … with
// one counter per prefix, as libprocess names them on the wire.
#pragma once

#include <string>

namespace process::ID {

std::string generate(const std::string& prefix = "");

}  // namespace process::ID
