// select(futures): READY with the first of a std::set of futures to become
// READY. As in libprocess it is declared in <process/future.hpp>; this header
// is kept for code that includes it by this name.
//
//   std::set<Future<int>> futures = {a, b, c};
//   select(futures).then([](const Future<int>& first) { return first.get(); });
#pragma once

#include <process/future.hpp>
