// The command lines of `processes`, `metrics`, `help` and `top` (CLI11),
// apart from procession.cpp's send and ping.
//
//   CLI::App app;
//   InspectCommands inspect(app);   // adds the four subcommands
//   app.parse(argc, argv);
//   if (std::optional<int> status = inspect.run(timeout)) return *status;
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "inspect.hpp"

namespace procession_cli {

class InspectCommands {
 public:
  explicit InspectCommands(CLI::App& app);

  // The exit status of the one of ours that was parsed, run with the
  // common --timeout; nullopt when another command was parsed.
  std::optional<int> run(std::chrono::nanoseconds timeout);

  // `--watch` followed by something that is not a duration takes no value
  // (so `metrics NODE --watch procession/` filters): it becomes
  // `--watch=1`. CLI11 alone would take the filter for the interval.
  static std::vector<std::string> withWatchValues(
      std::vector<std::string> args);

 private:
  CLI::App* processes_;
  CLI::App* metrics_;
  CLI::App* help_;
  CLI::App* top_;
  InspectOptions processesOptions_;
  MetricsOptions metricsOptions_;
  HelpOptions helpOptions_;
  TopOptions topOptions_;
  CLI::Option* watch_ = nullptr;
  CLI::Option* metricsCount_ = nullptr;
  CLI::Option* topCount_ = nullptr;
  std::string watchInterval_;
  std::string topInterval_ = "1";
};

}  // namespace procession_cli
