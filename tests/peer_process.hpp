// PeerProcess: a procession-test-peer (tests/peer/peer.cpp) started as a
// child OS process, for the tests of nodes in different OS processes.
//
//   START_PEER(peer);                       // or START_PEER(peer, port)
//   client->tell(peer->echo(), "echo", "hi");
//   peer->kill9();
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <process/pid.hpp>

#ifndef PEER_BINARY
#error "PEER_BINARY: the path of procession-test-peer (tests/CMakeLists.txt)"
#endif

extern char** environ;

namespace peer_process {

using process::UPID;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// How long a peer may take to start and print its UPID (sanitizers).
constexpr milliseconds kStartup = std::chrono::seconds(15);

// A procession-test-peer child. The destructor kills it (SIGKILL) if it is
// still running and reaps it, so that a failed test leaves nothing behind.
class PeerProcess {
 public:
  // Starts the peer listening on 127.0.0.1:`port` (0: any free port) and
  // reads the UPID it prints. Check ok() (and failure()) afterwards. With
  // `inherit`, the child is started as most programs start theirs: only
  // descriptors marked close-on-exec are left behind.
  // `environment` adds variables (such as "PROCESSION_PEER_TIMEOUT=3secs").
  explicit PeerProcess(uint16_t port = 0, bool inherit = false,
                       const std::vector<std::string>& extra = {}) {
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      failure_ = std::string("pipe2: ") + std::strerror(errno);
      closeAll({in[0], in[1], out[0], out[1]});
      return;
    }
    stdin_ = in[1];
    stdout_ = out[0];

    std::vector<std::string> environment;
    for (char** variable = environ; *variable != nullptr; ++variable) {
      if (std::strncmp(*variable, "LIBPROCESS_", 11) != 0) {
        environment.emplace_back(*variable);
      }
    }
    environment.emplace_back("LIBPROCESS_IP=127.0.0.1");
    environment.emplace_back("LIBPROCESS_PORT=" + std::to_string(port));
    environment.emplace_back("LIBPROCESS_NUM_WORKER_THREADS=2");
    environment.insert(environment.end(), extra.begin(), extra.end());
    std::vector<char*> envp;
    for (std::string& variable : environment) {
      envp.push_back(variable.data());
    }
    envp.push_back(nullptr);
    std::string path = PEER_BINARY;
    char* argv[] = {path.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    if (!inherit) {
      // None of our sockets may live on in the child.
      posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    }
    const int spawned = ::posix_spawn(&pid_, path.c_str(), &actions, nullptr,
                                      argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    closeAll({in[0], out[1]});
    if (spawned != 0) {
      pid_ = -1;
      failure_ = "posix_spawn " + path + ": " + std::strerror(spawned);
      return;
    }
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    readUpid();
  }

  ~PeerProcess() {
    closeStdin();
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap(kStartup);
    }
    closeAll({stdout_, pidfd_});
  }

  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  bool ok() const { return failure_.empty(); }
  const std::string& failure() const { return failure_; }

  // The peer's echo process.
  const UPID& echo() const { return echo_; }

  void kill9() { signal(SIGKILL); }

  void signal(int number) {
    ASSERT_GT(pid_, 0);
    ASSERT_EQ(0, ::kill(pid_, number)) << std::strerror(errno);
  }

  void closeStdin() {
    if (stdin_ >= 0) {
      ::close(stdin_);
      stdin_ = -1;
    }
  }

  // Waits up to `timeout` for the peer to end and reaps it: its wait
  // status, or nothing if it is still running.
  std::optional<int> reap(milliseconds timeout) {
    if (pid_ <= 0) {
      return status_;
    }
    const auto deadline = SteadyClock::now() + timeout;
    for (;;) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        status_ = status;
        return status_;
      }
      if (done < 0 && errno != EINTR) {
        ADD_FAILURE() << "waitpid: " << std::strerror(errno);
        pid_ = -1;
        return std::nullopt;
      }
      const auto left = std::chrono::duration_cast<milliseconds>(
          deadline - SteadyClock::now());
      if (left.count() <= 0) {
        return std::nullopt;
      }
      if (pidfd_ >= 0) {
        // Readable once the child has ended.
        pollfd fd{pidfd_, POLLIN, 0};
        ::poll(&fd, 1, static_cast<int>(left.count()));
      } else {
        std::this_thread::sleep_for(std::min(left, milliseconds(5)));
      }
    }
  }

 private:
  static void closeAll(std::initializer_list<int> fds) {
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }

  // The first line the peer prints is its echo's UPID.
  void readUpid() {
    const auto deadline = SteadyClock::now() + kStartup;
    std::string line;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<milliseconds>(
          deadline - SteadyClock::now());
      if (left.count() <= 0) {
        failure_ = "no UPID from the peer within " +
                   std::to_string(kStartup.count()) + " ms";
        return;
      }
      pollfd fd{stdout_, POLLIN, 0};
      const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) {
        failure_ = std::string("poll: ") + std::strerror(errno);
        return;
      }
      if (ready <= 0) {
        continue;
      }
      char buffer[256];
      const ssize_t got = ::read(stdout_, buffer, sizeof(buffer));
      if (got == 0) {
        failure_ = "the peer ended before printing its UPID: '" + line + "'";
        return;
      }
      if (got > 0) {
        line.append(buffer, static_cast<size_t>(got));
      }
    }
    line.resize(line.find('\n'));
    echo_ = UPID(line);
    if (!echo_ || echo_.address.port == 0) {
      failure_ = "the peer printed '" + line + "', not a UPID";
    }
  }

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::optional<int> status_;
  std::string failure_;
  UPID echo_;
};

// Starts a peer into `name` (a std::unique_ptr<PeerProcess>), or fails
// the test.
#define START_PEER(name, ...)                             \
  auto name = std::make_unique<PeerProcess>(__VA_ARGS__); \
  ASSERT_TRUE(name->ok()) << "starting the peer: " << name->failure()

}  // namespace peer_process

using peer_process::kStartup;
using peer_process::PeerProcess;
