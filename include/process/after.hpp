// after(d): a Future<Nothing> that becomes ready once `d` has passed on the
// Clock. Discarding it cancels the timer and discards the future.
#pragma once

#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process {

Future<Nothing> after(const Duration& duration);

}  // namespace process
