// procession-test-peer: a Procession node in an OS process of its own, for
// network_process_test. It listens where LIBPROCESS_IP and LIBPROCESS_PORT
// say, prints the UPID of its process "echo" on stdout, and serves:
//
//   "echo"  body   -> "echo" with the same body, back to the sender
//   "count"        -> "count" with the number of "echo" messages so far
//   "link"  upid   -> links to `upid`, answers "linked"; when that link's
//                     exited() runs, sends "exited" with the upid's text
//                     to whoever asked
//   "quit"         -> the program ends (exit status 0)
//
// and its process "pbecho" (same address) answers a procession.test.Ping
// with a procession.test.Pong whose sequence is one more, by reply().
//
// With PEER_RECORD naming a file (made and sized by the test), its process
// "sink" records the body of each "seq" message it runs, a number, into
// that file mapped MAP_SHARED: word 0 counts them, word 1 + i is the i-th.
// The record survives the peer's SIGKILL (network_flood_test).
//
// It also ends, with status 0, when its stdin closes.
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <process/pid.hpp>
#include <process/process.hpp>
#include <process/protobuf.hpp>

#include "protos/protobuf_test.pb.h"

using namespace process;

namespace {

class Echo : public Process<Echo> {
 public:
  explicit Echo(int quitFd) : Process<Echo>("echo"), quitFd_(quitFd) {}

 protected:
  void initialize() override {
    install("echo", &Echo::echo);
    install("count", &Echo::count);
    install("link", &Echo::linkTo);
    install("quit", &Echo::quit);
  }

  void exited(const UPID& pid) override {
    auto asker = askers_.find(pid);
    if (asker != askers_.end()) {
      send(asker->second, "exited", stringify(pid));
      askers_.erase(asker);
    }
  }

 private:
  void echo(const UPID& from, const std::string& body) {
    ++echoes_;
    send(from, "echo", body);
  }

  void count(const UPID& from, const std::string& /*body*/) {
    send(from, "count", std::to_string(echoes_));
  }

  void linkTo(const UPID& from, const std::string& body) {
    const UPID pid(body);
    askers_[pid] = from;
    link(pid);
    send(from, "linked", body);
  }

  void quit(const UPID& /*from*/, const std::string& /*body*/) {
    const char byte = 'q';
    while (::write(quitFd_, &byte, 1) < 0 && errno == EINTR) {
    }
  }

  const int quitFd_;
  uint64_t echoes_ = 0;
  std::map<UPID, UPID> askers_;  // linkee -> who asked for the link
};

class ProtobufEcho : public ProtobufProcess<ProtobufEcho> {
 public:
  ProtobufEcho() : ProcessBase("pbecho") {
    install<procession::test::Ping>(&ProtobufEcho::ping);
  }

 private:
  void ping(const procession::test::Ping& message) {
    procession::test::Pong pong;
    pong.set_sequence(message.sequence() + 1);
    reply(pong);
  }
};

class Sink : public Process<Sink> {
 public:
  Sink(uint64_t* record, size_t capacity)
      : Process<Sink>("sink"), record_(record), capacity_(capacity) {}

 protected:
  void initialize() override {
    install("seq", [this](const UPID&, const std::string& body) {
      const uint64_t count = record_[0];
      if (count < capacity_) {
        record_[1 + count] = std::strtoull(body.c_str(), nullptr, 10);
        // The count last: a word counted is a word written.
        __atomic_store_n(&record_[0], count + 1, __ATOMIC_RELEASE);
      }
    });
  }

 private:
  uint64_t* const record_;
  const size_t capacity_;
};

// The record PEER_RECORD names, mapped; null without one.
uint64_t* mapRecord(size_t* capacity) {
  const char* path = std::getenv("PEER_RECORD");
  if (path == nullptr) {
    return nullptr;
  }
  const int fd = ::open(path, O_RDWR | O_CLOEXEC);
  struct stat status {};
  if (fd < 0 || ::fstat(fd, &status) != 0 || status.st_size < 16) {
    std::perror("PEER_RECORD");
    std::exit(1);
  }
  void* mapped = ::mmap(nullptr, static_cast<size_t>(status.st_size),
                        PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
  *capacity = static_cast<size_t>(status.st_size) / sizeof(uint64_t) - 1;
  return static_cast<uint64_t*>(mapped);
}

}  // namespace

int main() {
  // As in the tests: glog's timestamps with TZ unset look like a race
  // inside glibc to ThreadSanitizer. Before any thread starts.
  ::setenv("TZ", "UTC", 0);

  int quit[2];
  if (::pipe(quit) != 0) {
    std::perror("pipe");
    return 1;
  }

  Echo echo(quit[1]);
  const UPID self = spawn(echo);
  if (!self) {
    std::cerr << "procession-test-peer: cannot spawn 'echo'" << std::endl;
    return 1;
  }
  ProtobufEcho protobufEcho;
  if (!spawn(protobufEcho)) {
    std::cerr << "procession-test-peer: cannot spawn 'pbecho'" << std::endl;
    return 1;
  }
  size_t capacity = 0;
  uint64_t* record = mapRecord(&capacity);
  std::unique_ptr<Sink> sink;
  if (record != nullptr) {
    sink = std::make_unique<Sink>(record, capacity);
    spawn(*sink);
  }
  std::cout << self << std::endl;

  // Until "quit" arrives or stdin closes.
  for (;;) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {quit[0], POLLIN, 0}};
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      std::perror("poll");
      break;
    }
    if (fds[1].revents != 0) {
      break;
    }
    if (fds[0].revents != 0) {
      char buffer[256];
      const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof(buffer));
      if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
        break;  // closed
      }
    }
  }

  if (sink != nullptr) {
    terminate(*sink);
    wait(*sink);
  }
  terminate(protobufEcho);
  wait(protobufEcho);
  terminate(echo);
  wait(echo);
  return 0;
}
