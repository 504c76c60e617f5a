// Logging (process/logging.hpp): /logging/toggle. FLAGS_v is set through
// gflags (SetCommandLineOption), under its lock, as glog's own flag.
#include <process/logging.hpp>

#include <gflags/gflags.h>
#include <glog/logging.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include <process/delay.hpp>
#include <process/help.hpp>

#include "runtime/system_processes.hpp"

namespace process {
namespace {

void setLevel(int32_t level) {
  if (Logging::level() != level) {
    LOG(INFO) << "Setting verbose logging level to " << level;
    gflags::SetCommandLineOption("v", std::to_string(level).c_str());
  }
}

Try<int> parseLevel(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 ||
      value < INT_MIN || value > INT_MAX) {
    return Error("Failed to convert '" + text + "' to a number");
  }
  return static_cast<int>(value);
}

std::string toggleHelp() {
  return HELP(
      TLDR("Sets the logging verbosity level for a specified duration."),
      DESCRIPTION(
          "Raises glog's verbosity (`FLAGS_v`, what `VLOG(n)` obeys) to",
          "`level` for `duration`, then puts back the level the node started",
          "with. The library logs at levels 1 to 3; a program's own `VLOG`",
          "lines follow the same level. With no parameters, answers the",
          "level now.", "", "Query parameters:", "",
          ">        level=VALUE          Verbosity level (e.g., 1, 2, 3)",
          ">        duration=VALUE       How long to keep it (e.g., 10secs,",
          ">                             15mins)"),
      AUTHENTICATION(false));
}

}  // namespace

Logging::Logging(const Option<std::string>& authenticationRealm)
    : ProcessBase("logging"), original_(level()), realm_(authenticationRealm) {}

int32_t Logging::level() {
  std::string value;
  if (!gflags::GetCommandLineOption("v", &value)) {
    return 0;
  }
  return static_cast<int32_t>(std::strtol(value.c_str(), nullptr, 10));
}

void Logging::initialize() {
  if (realm_.isSome()) {
    route("/toggle", realm_.get(), toggleHelp(),
          [this](const http::Request& request,
                 const Option<http::authentication::Principal>&) {
            return toggle(request);
          });
    return;
  }
  // The node's own: behind the context's read-write realm, if it names one.
  detail::routeSystem(
      *this, "/toggle", detail::SystemAccess::kReadWrite, toggleHelp(),
      [this](const http::Request& request) { return toggle(request); });
}

Future<http::Response> Logging::toggle(const http::Request& request) {
  const Option<std::string> level = request.url.query.get("level");
  const Option<std::string> duration = request.url.query.get("duration");
  if (level.isNone() && duration.isNone()) {
    return http::OK(std::to_string(Logging::level()) + "\n");
  }
  if (duration.isNone()) {
    return http::BadRequest("Expecting 'duration=value' in query.\n");
  }
  if (level.isNone()) {
    return http::BadRequest("Expecting 'level=value' in query.\n");
  }
  Try<int> parsed = parseLevel(level.get());
  if (parsed.isError()) {
    return http::BadRequest(parsed.error() + ".\n");
  }
  if (parsed.get() < 0) {
    return http::BadRequest("Invalid level '" + level.get() + "'.\n");
  }
  if (parsed.get() < original_) {
    return http::BadRequest("'" + level.get() + "' < original level.\n");
  }
  Try<Duration> lasting = Duration::parse(duration.get());
  if (lasting.isError()) {
    return http::BadRequest(lasting.error() + ".\n");
  }
  if (lasting.get() < Duration::zero()) {
    return http::BadRequest("Invalid duration '" + duration.get() + "'.\n");
  }
  return set_level(parsed.get(), lasting.get()).then([] {
    return http::Response(http::OK());
  });
}

Future<Nothing> Logging::set_level(int level, const Duration& duration) {
  setLevel(level);
  if (level != original_) {
    timeout_ = Timeout::in(duration);
    delay(timeout_.remaining(), self(), &Logging::revert);
  }
  return Nothing();
}

void Logging::revert() {
  // Only the latest toggle's timer puts the level back.
  if (timeout_.remaining() == Duration::zero()) {
    setLevel(original_);
  }
}

}  // namespace process
