// The procession tool (tools/), run as a child process against a node of
// this test: what it prints, its exit status, and what the node received.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <list>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/pid.hpp>
#include <process/process.hpp>

#include "cli_run.hpp"

using namespace process;
using cli_testing::lines;
using cli_testing::Outcome;
using cli_testing::runCli;
using cli_testing::Socket;

namespace {

struct Message {
  UPID from;
  std::string name;
  std::string body;
};

// Records the messages called by the names it is made with.
class Receiver : public Process<Receiver> {
 public:
  explicit Receiver(const std::vector<std::string>& names)
      : Process<Receiver>("receiver") {
    for (const std::string& name : names) {
      install(name, [this, name](const UPID& from, const std::string& body) {
        received_.push_back({from, name, body});
        notify();
      });
    }
  }

  // Ready with every message received so far once there are `count`.
  Future<std::vector<Message>> waitFor(size_t count) {
    waiters_.emplace_back(count, Promise<std::vector<Message>>());
    Future<std::vector<Message>> future = waiters_.back().second.future();
    notify();
    return future;
  }

 private:
  void notify() {
    for (auto waiter = waiters_.begin(); waiter != waiters_.end();) {
      if (received_.size() >= waiter->first) {
        waiter->second.set(received_);
        waiter = waiters_.erase(waiter);
      } else {
        ++waiter;
      }
    }
  }

  std::vector<Message> received_;
  std::list<std::pair<size_t, Promise<std::vector<Message>>>> waiters_;
};

// A node of its own making: for each of up to `connections` connections it
// reads one request without a body, writes `reply` and closes.
class FakePeer {
 public:
  FakePeer(std::string reply, int connections)
      : listener_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    EXPECT_EQ(0, bind(listener_, reinterpret_cast<sockaddr*>(&address), size));
    EXPECT_EQ(0, listen(listener_, 16));
    EXPECT_EQ(0, getsockname(listener_, reinterpret_cast<sockaddr*>(&address),
                             &size));
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, reply = std::move(reply), connections] {
      for (int i = 0; i < connections && serve(reply); ++i) {
        accepted_.fetch_add(1);
      }
    });
  }
  ~FakePeer() {
    shutdown(listener_, SHUT_RDWR);  // wakes a waiting accept
    thread_.join();
    close(listener_);
  }
  FakePeer(const FakePeer&) = delete;
  FakePeer& operator=(const FakePeer&) = delete;

  std::string upid() const { return "fake@127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_.load(); }

 private:
  // Waits up to a minute for `fd` to be readable.
  static bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return poll(&entry, 1, 60 * 1000) == 1 && (entry.revents & POLLIN) != 0;
  }

  bool serve(const std::string& reply) {
    if (!readable(listener_)) {
      return false;
    }
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      return false;
    }
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos && readable(fd)) {
      const ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n <= 0) {
        break;
      }
      request.append(buffer, static_cast<size_t>(n));
    }
    const bool wrote = write(fd, reply.data(), reply.size()) ==
                       static_cast<ssize_t>(reply.size());
    close(fd);
    return wrote;
  }

  int listener_;
  uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

class CliTest : public ::testing::Test {
 protected:
  CliTest()
      : receiver_({"test.hello", "mesos.internal.RegisterSlaveMessage",
                   "procession.ping"}),
        node_(Context::Options{.ip = "127.0.0.1", .port = 0, .workers = 2}),
        pid_(node_.spawn(receiver_)) {}

  // "id@127.0.0.1:<the node's port>".
  std::string upid(const std::string& id = "receiver") const {
    return id + "@127.0.0.1:" + std::to_string(node_.address().port);
  }

  // The messages received, once there are `count`; none more arrives before
  // this returns once the tool that sent them has exited.
  std::vector<Message> received(size_t count) {
    Future<std::vector<Message>> messages =
        dispatch(pid_, [this, count] { return receiver_.waitFor(count); });
    EXPECT_TRUE(messages.await(Seconds(15))) << "no " << count << " messages";
    return messages.isReady() ? messages.get() : std::vector<Message>();
  }

  // Destroyed in reverse: the node terminates and waits for the receiver.
  Receiver receiver_;
  Context node_;
  UPID pid_;
};

TEST_F(CliTest, SendDeliversNameAndBodyAndReports202) {
  Outcome run = runCli({"send", upid(), "test.hello", "hello, world"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("202 Accepted\n", run.out);
  EXPECT_EQ("", run.err);

  std::vector<Message> messages = received(1);
  ASSERT_EQ(1u, messages.size());
  EXPECT_EQ("test.hello", messages[0].name);
  EXPECT_EQ("hello, world", messages[0].body);
  // From a real node of the tool's: its process, at a port of its own.
  EXPECT_EQ("procession-cli", messages[0].from.id);
  EXPECT_EQ(net::IP::parse("127.0.0.1").get(), messages[0].from.address.ip);
  EXPECT_NE(0, messages[0].from.address.port);
  EXPECT_NE(node_.address().port, messages[0].from.address.port);
}

TEST_F(CliTest, SendWithoutBodySendsAnEmptyOne) {
  Outcome run = runCli({"send", upid(), "mesos.internal.RegisterSlaveMessage"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("202 Accepted\n", run.out);
  std::vector<Message> messages = received(1);
  ASSERT_EQ(1u, messages.size());
  EXPECT_EQ("mesos.internal.RegisterSlaveMessage", messages[0].name);
  EXPECT_EQ("", messages[0].body);
}

TEST_F(CliTest, SendReadsTheBodyFromAFile) {
  std::string body(200 * 1024, '\0');
  std::mt19937 random(7);
  for (char& c : body) {
    c = static_cast<char>(random());
  }
  body += std::string("\r\n0\r\n\r\n\0end", 12);
  const std::string path =
      ::testing::TempDir() + "procession_cli_body_" + std::to_string(getpid());
  {
    std::ofstream file(path, std::ios::binary);
    file.write(body.data(), static_cast<std::streamsize>(body.size()));
  }
  Outcome run = runCli({"send", upid(), "test.hello", "@" + path});
  std::remove(path.c_str());
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("202 Accepted\n", run.out);
  std::vector<Message> messages = received(1);
  ASSERT_EQ(1u, messages.size());
  EXPECT_EQ(body.size(), messages[0].body.size());
  EXPECT_TRUE(body == messages[0].body);
}

TEST_F(CliTest, SendReadsTheBodyFromStandardInput) {
  Outcome run =
      runCli({"send", upid(), "test.hello", "@-"}, {.input = "from stdin\n"});
  EXPECT_EQ(0, run.status) << run.err;
  std::vector<Message> messages = received(1);
  ASSERT_EQ(1u, messages.size());
  EXPECT_EQ("from stdin\n", messages[0].body);
}

TEST_F(CliTest, AMissingBodyFileIsAnError) {
  Outcome run = runCli({"send", upid(), "test.hello", "@/nonexistent/body"});
  EXPECT_EQ(66, run.status);
  EXPECT_EQ("", run.out);
  EXPECT_EQ(
      "procession: cannot read the body from '/nonexistent/body': No such "
      "file or directory\n",
      run.err);
}

TEST_F(CliTest, TheSenderCanBeGiven) {
  Outcome run = runCli({"send", "--from", "scheduler(1)@10.1.2.3:4242", upid(),
                        "test.hello", "x"});
  EXPECT_EQ(0, run.status) << run.err;
  std::vector<Message> messages = received(1);
  ASSERT_EQ(1u, messages.size());
  EXPECT_EQ("scheduler(1)@10.1.2.3:4242", stringify(messages[0].from));

  // Checked before connecting: a usage error, whatever the receiver.
  run = runCli({"send", "x@127.0.0.1:1", "test.hello", "--from", "nobody"});
  EXPECT_EQ(64, run.status);
  EXPECT_EQ("procession: --from: 'nobody' is not a UPID (id@ip:port): no '@'\n",
            run.err);
}

TEST_F(CliTest, AHostNameIsResolved) {
  Outcome run = runCli(
      {"send", "receiver@localhost:" + std::to_string(node_.address().port),
       "test.hello", "by name"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("202 Accepted\n", run.out);
  EXPECT_EQ("by name", received(1).at(0).body);
}

// Answers each "test.echo" with two messages to its sender.
class Echo : public Process<Echo> {
 public:
  Echo() : Process<Echo>("echo") {
    install("test.echo", [this](const UPID& from, const std::string& body) {
      send(from, "test.echoed", body);
      send(from, "test.again", "");
    });
  }
};

// With --wait the tool's node lives on after the answer, and prints what
// comes back to it: the peer reaches a live node, not a closed port.
TEST_F(CliTest, SendWaitPrintsTheReplies) {
  Echo echo;
  node_.spawn(echo);
  const uint64_t dropped = node_.droppedMessages();
  Outcome run = runCli({"send", "--wait", "30s", "--replies", "2", upid("echo"),
                        "test.echo", "hi \x01\\"});
  terminate(echo);
  wait(echo);
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("", run.err);
  const std::vector<std::string> out = lines(run.out);
  ASSERT_EQ(3u, out.size()) << run.out;
  EXPECT_EQ("202 Accepted", out[0]);
  const std::string sender = " from " + upid("echo") + ": ";
  EXPECT_EQ("message test.echoed" + sender + "hi \\x01\\\\", out[1]);
  EXPECT_EQ("message test.again" + sender, out[2]);
  EXPECT_EQ(dropped, node_.droppedMessages());

  run = runCli({"send", "--replies", "2", upid("echo"), "test.echo"});
  EXPECT_EQ(64, run.status);
}

TEST_F(CliTest, AnUnknownProcessIs404) {
  Outcome run = runCli({"send", upid("nobody"), "test.hello", "x"});
  EXPECT_EQ(2, run.status);
  EXPECT_EQ("404 Not Found: no process 'nobody' at 127.0.0.1:" +
                std::to_string(node_.address().port) + "\n",
            run.out);
  EXPECT_EQ("", run.err);
}

TEST_F(CliTest, ARefusedConnectionIsOneLine) {
  Socket closed(false);
  const std::string port = std::to_string(closed.port());
  Outcome run = runCli({"send", "x@127.0.0.1:" + port, "test.hello"});
  EXPECT_EQ(3, run.status);
  EXPECT_EQ("", run.out);
  EXPECT_EQ("procession: cannot connect to 127.0.0.1:" + port +
                ": Connection refused\n",
            run.err);
}

TEST_F(CliTest, ASilentNodeTimesOut) {
  Socket silent(true);
  const std::string port = std::to_string(silent.port());
  Outcome run = runCli(
      {"send", "--timeout", "200ms", "x@127.0.0.1:" + port, "test.hello"});
  EXPECT_EQ(3, run.status);
  EXPECT_EQ("procession: no answer from 127.0.0.1:" + port + " within 200ms\n",
            run.err);
}

TEST_F(CliTest, AnAnswerThatIsNotHttpIsOneLine) {
  FakePeer peer("SSH-2.0-OpenSSH_9.2\r\n", 1);
  Outcome run = runCli({"send", peer.upid(), "test.hello"});
  EXPECT_EQ(3, run.status);
  EXPECT_EQ("", run.out);
  EXPECT_EQ(1u, lines(run.err).size()) << run.err;
  EXPECT_EQ(0u, run.err.find("procession: 127.0.0.1:" + peer.upid().substr(15) +
                             " answered with something that is not HTTP"))
      << run.err;
}

TEST_F(CliTest, NoAnswerBeforeTheNodeClosesIsOneLine) {
  FakePeer peer("", 1);
  Outcome run = runCli({"send", peer.upid(), "test.hello"});
  EXPECT_EQ(3, run.status);
  EXPECT_EQ("procession: 127.0.0.1:" + peer.upid().substr(15) +
                " closed the connection without answering\n",
            run.err);
}

TEST_F(CliTest, OtherRefusalsCarryTheNodesReason) {
  FakePeer peer(
      "HTTP/1.1 400 Bad Request\r\nContent-Length: 16\r\n\r\n"
      "bad sender\r\nmore",
      1);
  Outcome run = runCli({"send", peer.upid(), "test.hello"});
  EXPECT_EQ(2, run.status);
  EXPECT_EQ("400 Bad Request: bad sender\n", run.out);
}

TEST_F(CliTest, PingReconnectsWhenTheNodeClosesAfterAnswering) {
  FakePeer peer(
      "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: "
      "0\r\n\r\n",
      3);
  Outcome run = runCli({"ping", "-q", "-c", "3", peer.upid()});
  EXPECT_EQ(0, run.status) << run.err;
  ASSERT_EQ(2u, lines(run.out).size()) << run.out;
  EXPECT_EQ("--- " + peer.upid() + ": 3 round trips, answered 202 Accepted (3)",
            lines(run.out)[0]);
  EXPECT_EQ(3, peer.accepted());
}

TEST_F(CliTest, ABadUpidIsOneLine) {
  Outcome run = runCli({"send", "foo", "test.hello"});
  EXPECT_EQ(64, run.status);
  EXPECT_EQ("", run.out);
  EXPECT_EQ("procession: 'foo' is not a UPID (id@ip:port): no '@'\n", run.err);

  run = runCli({"send", "x@127.0.0.1:99999", "test.hello"});
  EXPECT_EQ(64, run.status);
  EXPECT_EQ(
      "procession: 'x@127.0.0.1:99999' is not a UPID (id@ip:port): Port 99999 "
      "is out of range\n",
      run.err);

  run = runCli({"ping", "@127.0.0.1:1"});
  EXPECT_EQ(64, run.status);
  EXPECT_EQ("procession: '@127.0.0.1:1' is not a UPID (id@ip:port): empty id\n",
            run.err);
}

TEST_F(CliTest, PingReportsEachRoundTripAndASummary) {
  Outcome run = runCli({"ping", upid(), "--count", "5"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("", run.err);
  std::vector<std::string> output = lines(run.out);
  ASSERT_EQ(8u, output.size()) << run.out;
  EXPECT_EQ(0u, output[0].find("procession.ping to " + upid() +
                               " from procession-cli@127.0.0.1:"))
      << output[0];
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(0u, output[i].find("round trip " + std::to_string(i) +
                                 ": 202 Accepted, "))
        << output[i];
  }
  EXPECT_EQ("--- " + upid() + ": 5 round trips, answered 202 Accepted (5)",
            output[6]);
  long long min = 0, avg = 0, max = 0, p50 = 0;
  ASSERT_EQ(
      4, std::sscanf(output[7].c_str(), "min/avg/max/p50 = %lld/%lld/%lld/%lld",
                     &min, &avg, &max, &p50))
      << output[7];
  EXPECT_LE(min, avg);
  EXPECT_LE(avg, max);
  EXPECT_LE(min, p50);
  EXPECT_LE(p50, max);

  std::vector<Message> messages = received(5);
  ASSERT_EQ(5u, messages.size());
  for (const Message& message : messages) {
    EXPECT_EQ("procession.ping", message.name);
    EXPECT_EQ("", message.body);
  }
}

TEST_F(CliTest, PingCountsA404AsAnAnswer) {
  Outcome run = runCli({"ping", "-q", "-c", "3", "-i", "1ms", upid("nobody")});
  EXPECT_EQ(0, run.status) << run.err;
  std::vector<std::string> output = lines(run.out);
  ASSERT_EQ(2u, output.size()) << run.out;
  EXPECT_EQ(
      "--- " + upid("nobody") + ": 3 round trips, answered 404 Not Found (3)",
      output[0]);
}

TEST_F(CliTest, PingOfAnUnreachableNodeIsOneLine) {
  Socket closed(false);
  const std::string port = std::to_string(closed.port());
  Outcome run = runCli({"ping", "x@127.0.0.1:" + port});
  EXPECT_EQ(3, run.status);
  EXPECT_EQ("", run.out);
  EXPECT_EQ("procession: cannot connect to 127.0.0.1:" + port +
                ": Connection refused\n",
            run.err);
}

TEST_F(CliTest, HelpListsTheCommandsAndExitStatuses) {
  Outcome run = runCli({"--help"});
  EXPECT_EQ(0, run.status);
  EXPECT_NE(std::string::npos, run.out.find("send"));
  EXPECT_NE(std::string::npos, run.out.find("ping"));
  EXPECT_NE(std::string::npos, run.out.find("Exit status"));

  run = runCli({"send", "--help"});
  EXPECT_EQ(0, run.status);
  EXPECT_NE(std::string::npos, run.out.find("@file"));
}

TEST_F(CliTest, UsageErrorsAreOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{},
        {"send"},
        {"bogus"},
        {"send", upid(), "test.hello", "--timeout", "soon"},
        {"ping", upid(), "--count", "0"},
        {"send", upid(), "test.hello", "--no-such-option"}}) {
    Outcome run = runCli(args);
    EXPECT_EQ(64, run.status) << run.err;
    EXPECT_EQ("", run.out);
    EXPECT_EQ(1u, lines(run.err).size()) << run.err;
    EXPECT_EQ(0u, run.err.find("procession: ")) << run.err;
  }
}

}  // namespace
