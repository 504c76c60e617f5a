// The refreshing commands' loop: see refresh.hpp.
#include "refresh.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <iostream>

#include "commands.hpp"

namespace procession_cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

void onInterrupt(int /*signal*/) {
  interrupted = 1;
}

// Without SA_RESTART, so that the wait between frames returns at once.
void catchInterrupts() {
  struct sigaction action {};
  action.sa_handler = onInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Until `deadline` or an interrupt.
void pauseUntil(std::chrono::steady_clock::time_point deadline) {
  while (interrupted == 0) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return;
    }
    poll(nullptr, 0, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
  }
}

}  // namespace

bool redraws(const Refresh& options) {
  return !options.json && isatty(STDOUT_FILENO) == 1;
}

int refresh(const Refresh& options,
            const std::function<int(int frame, std::string& out)>& frame) {
  catchInterrupts();
  const bool redrawing = redraws(options);
  auto started = std::chrono::steady_clock::now();
  for (int n = 1; options.count == 0 || n <= options.count; ++n) {
    if (n > 1) {
      pauseUntil(started + options.interval);
      started = std::chrono::steady_clock::now();
    }
    if (interrupted != 0) {
      break;
    }
    std::string out;
    if (const int status = frame(n, out); status != kOk) {
      return status;
    }
    if (redrawing) {
      std::cout << "\x1b[H\x1b[2J" << out << std::flush;
    } else {
      std::cout << (n > 1 && !options.json ? "\n" : "") << out << std::flush;
    }
  }
  return kOk;
}

}  // namespace procession_cli
