// TEST_AWAIT_TIMEOUT: how long the AWAIT_* macros of <process/gtest.hpp> wait
// by default (15 seconds). A test binary's main may change it before the
// tests run, as Mesos does from its --test_await_timeout flag:
//
//   process::TEST_AWAIT_TIMEOUT = Seconds(60);
//
// Ours: an inline variable, so no library has to define it (libprocess
// defines it in its own .cpp); an `extern Duration TEST_AWAIT_TIMEOUT;`
// written by the user still agrees with it.
#pragma once

#include <process/duration.hpp>

namespace process {

// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
inline Duration TEST_AWAIT_TIMEOUT = Seconds(15);

}  // namespace process
