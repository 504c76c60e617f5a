// say(...): prints one whole line, even when several threads print at once,
// so the examples' output reads in order.
#pragma once

#include <iostream>
#include <mutex>
#include <sstream>

template <typename... Args>
void say(const Args&... args) {
  static std::mutex mutex;
  std::ostringstream line;
  (line << ... << args) << '\n';
  std::lock_guard<std::mutex> guard(mutex);
  std::cout << line.str() << std::flush;
}
