// The loop of the refreshing commands (metrics --watch, top): a frame every
// interval until --count frames or an interrupt. On a terminal each frame
// replaces the last (ANSI home and clear); elsewhere frames follow each
// other, a blank line apart, or one JSON object a line.
//
//   return refresh({.count = 2, .interval = 1s}, [&](int frame, std::string&
//   out) {
//     out = "frame " + std::to_string(frame) + "\n";
//     return kOk;
//   });
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace procession_cli {

struct Refresh {
  int count = 0;  // frames to print; 0: until interrupted
  std::chrono::nanoseconds interval = std::chrono::seconds(1);
  bool json = false;  // frames are one line each: no clearing, no blank line
};

// Runs `frame(n, out)` for n = 1, 2, … and prints `out`, every
// `interval` from the start of the last. A frame that returns another
// status than kOk ends the loop with it (its one line on stderr). SIGINT
// and SIGTERM end it after the frame in progress, with kOk.
int refresh(const Refresh& options,
            const std::function<int(int frame, std::string& out)>& frame);

// Whether the frames of `options` replace each other on the screen.
bool redraws(const Refresh& options);

}  // namespace procession_cli
