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
// The names are the process:: types themselves (using-declarations), so code
// that also writes `using namespace process;` sees one entity, not two.
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

using process::Days;
using process::Duration;
using process::ErrnoError;
using process::Error;
using process::Hours;
using process::Microseconds;
using process::Milliseconds;
using process::Minutes;
using process::Nanoseconds;
using process::None;
using process::Nothing;
using process::Option;
using process::Owned;
using process::Result;
using process::Seconds;
using process::SocketError;
using process::Some;
using process::stringify;
using process::Try;
using process::Weeks;

namespace lambda = process::lambda;
