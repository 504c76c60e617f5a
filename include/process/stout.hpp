// The stout vocabulary at global scope, as stout declares it: Option, None,
// Some, Try, Result, Error, ErrnoError, SocketError, Nothing, Duration and
// its units, stringify and the `lambda` namespace, so that Mesos-style code
// names them unqualified from any namespace with one include. The
// <stout/option.hpp> … headers include this one, so `#include
// <stout/option.hpp>` works unchanged.
//
// clang-format off
//   #include <process/stout.hpp>
//   namespace mesos::internal {
//   Try<Option<Duration>> timeout(const std::string& flag) {
//     if (flag.empty()) return None();
//     Try<Duration> d = Duration::parse(flag);
//     if (d.isError()) return Error("bad --timeout: " + d.error());
//     return Some(d.get());
//   }
//   }  // namespace mesos::internal
// clang-format on
//
// Each vocabulary header declares its own names at global scope, as stout's
// headers do, so any Procession header that brings a type (future.hpp brings
// Option, Try, Nothing, Duration…) brings its global name too, as in
// libprocess. The names are the process:: types themselves
// (using-declarations), so code that also writes `using namespace process;`
// sees one entity, not two.
#pragma once

#include <process/duration.hpp>
#include <process/error.hpp>
#include <process/lambda.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/owned.hpp>
#include <process/result.hpp>
#include <process/stringify.hpp>
#include <process/try.hpp>
