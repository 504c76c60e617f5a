// Nothing: the value of a computation that has no value, so that a
// Future<Nothing> stands where another library would use a future of void.
#pragma once

#include <ostream>

namespace process {

struct Nothing {
  friend constexpr bool operator==(Nothing, Nothing) { return true; }
  friend std::ostream& operator<<(std::ostream& stream, Nothing) {
    return stream << "Nothing";
  }
};

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::Nothing;
