// The tool's durations: see durations.hpp.
#include "durations.hpp"

#include <algorithm>
#include <cctype>

#include <process/duration.hpp>
#include <process/error.hpp>

namespace procession_cli {

process::Try<std::chrono::nanoseconds> parseDuration(const std::string& option,
                                                     std::string text) {
  const bool plain = !text.empty() &&
                     std::isdigit(static_cast<unsigned char>(text.back())) != 0;
  if (plain) {
    text += "secs";
  } else if (text.size() > 1 && text.back() == 's' &&
             (std::isdigit(static_cast<unsigned char>(text[text.size() - 2])) !=
                  0 ||
              text[text.size() - 2] == '.')) {
    text += "ecs";
  }
  process::Try<process::Duration> duration = process::Duration::parse(text);
  if (duration.isError()) {
    return process::Error(option + ": " + duration.error());
  }
  if (duration->ns() < 0) {
    return process::Error(option + ": a duration cannot be negative");
  }
  constexpr std::chrono::nanoseconds kLongest = std::chrono::hours(24 * 365);
  return std::min(std::chrono::nanoseconds(duration->ns()), kLongest);
}

}  // namespace procession_cli
