// The procession tool run as a child process, for tests/cli_test.cpp and
// tests/cli_inspect_test.cpp: its exit status and what it printed.
//
//   Outcome run = runCli({"ping", "x@127.0.0.1:5050"});
//   EXPECT_EQ(0, run.status) << run.err;
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace cli_testing {

struct Outcome {
  int status = -1;  // the exit status; 128 + N when killed by signal N
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string input;      // on standard input (under a pipe's capacity)
  bool terminal = false;  // standard output a pseudo-terminal, not a pipe
};

// Runs the tool with `args`. A child still running after a minute is
// killed.
inline Outcome runCli(const std::vector<std::string>& args,
                      const RunOptions& options = {}) {
  std::vector<std::string> all{PROCESSION_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : all) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  int in[2], out[2], err[2];
  EXPECT_EQ(0, pipe2(in, O_CLOEXEC));
  if (options.terminal) {
    // out[0] the master (ours), out[1] the child's terminal.
    EXPECT_EQ(0, openpty(&out[0], &out[1], nullptr, nullptr, nullptr));
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    fcntl(out[1], F_SETFD, FD_CLOEXEC);
  } else {
    EXPECT_EQ(0, pipe2(out, O_CLOEXEC));
  }
  EXPECT_EQ(0, pipe2(err, O_CLOEXEC));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  pid_t child = -1;
  Outcome run;
  const int spawned =
      posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  EXPECT_EQ(0, spawned) << "cannot run " << argv[0];
  if (spawned == 0 && !options.input.empty()) {
    EXPECT_EQ(static_cast<ssize_t>(options.input.size()),
              write(in[1], options.input.data(), options.input.size()));
  }
  close(in[1]);

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::minutes(1);
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open = 2;
  while (spawned == 0 && open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ADD_FAILURE() << "the tool still runs after a minute: killed";
      kill(child, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0) {
      continue;  // EINTR
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && fds[i].revents != 0) {
        char buffer[4096];
        const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
        if (n > 0) {
          sinks[i]->append(buffer, static_cast<size_t>(n));
        } else {  // a pipe's end, or EIO: the terminal has no writer left
          fds[i].fd = -1;
          --open;
        }
      }
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  if (spawned == 0 && waitpid(child, &status, 0) == child) {
    run.status =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return run;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    result.push_back(line);
  }
  return result;
}

// A socket on 127.0.0.1 at a port of its own: bound only (connections are
// refused) or listening (connections succeed, and nothing ever answers).
class Socket {
 public:
  explicit Socket(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    EXPECT_EQ(0, bind(fd_, reinterpret_cast<sockaddr*>(&address), size));
    if (listening) {
      EXPECT_EQ(0, listen(fd_, 16));
    }
    EXPECT_EQ(0,
              getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size));
    port_ = ntohs(address.sin_port);
  }
  ~Socket() { close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

}  // namespace cli_testing
