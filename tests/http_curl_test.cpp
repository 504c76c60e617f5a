// The HTTP server of a node, with curl as the client: what an ordinary HTTP
// client sends (GET with a query, POST bodies, keep-alive across URLs,
// HTTP/1.0, streamed answers read as they come) reaches the routes, and what
// they answer reaches curl. curl runs as a child (posix_spawn); the tests
// are skipped where /usr/bin/curl is missing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/owned.hpp>
#include <process/pipe.hpp>
#include <process/process.hpp>

extern char** environ;

using namespace process;
using namespace process::http;

namespace {

// See http_server_test.cpp: keeps glog's mktime() calls quiet under TSan.
[[maybe_unused]] const bool kTimeZoneSet =
    ::setenv("TZ", ":/etc/localtime", 0) == 0;

using SteadyClock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

constexpr char kCurl[] = "/usr/bin/curl";
// How long the test waits for curl or the node; curl itself gives up sooner.
constexpr Ms kWait{15000};

#define SKIP_WITHOUT_CURL()                         \
  do {                                              \
    if (::access(kCurl, X_OK) != 0) {               \
      GTEST_SKIP() << kCurl << " is not installed"; \
    }                                               \
  } while (false)

struct Outcome {
  int status = -1;  // curl's exit status; 128 + N if killed by signal N
  std::string out;
  std::string err;
};

// A curl child: its standard output and error are read by the test, its
// standard input is `input`. Every run is quiet but for errors (-sS), goes
// through no proxy, globs nothing, and gives up after 10 seconds.
class Curl {
 public:
  explicit Curl(const std::vector<std::string>& args,
                const std::string& input = "") {
    std::vector<std::string> all{kCurl,       "-sS",        "--noproxy", "*",
                                 "--globoff", "--max-time", "10"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : all) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2 failed";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    const int spawned =
        posix_spawn(&child_, kCurl, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (spawned != 0) {
      ADD_FAILURE() << "cannot run " << kCurl;
      child_ = -1;
      ::close(in[1]);
      ::close(out[0]);
      ::close(err[0]);
      return;
    }
    // Under a pipe's capacity: written at once, then end of file.
    if (!input.empty() && ::write(in[1], input.data(), input.size()) !=
                              static_cast<ssize_t>(input.size())) {
      ADD_FAILURE() << "cannot feed curl its input";
    }
    ::close(in[1]);
    fds_[0] = out[0];
    fds_[1] = err[0];
  }

  ~Curl() {
    if (child_ > 0) {
      ::kill(child_, SIGKILL);
      finish();
    }
  }

  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;

  // True once curl's output holds `text` (what it printed so far is in
  // output()).
  bool waitForOutput(const std::string& text) {
    const auto deadline = SteadyClock::now() + kWait;
    while (outcome_.out.find(text) == std::string::npos) {
      if (!pump(deadline)) {
        return false;
      }
    }
    return true;
  }

  const std::string& output() const { return outcome_.out; }

  // Waits for curl to end (killing it if it outlives the test's wait).
  Outcome finish() {
    const auto deadline = SteadyClock::now() + kWait;
    while (pump(deadline)) {
    }
    if (child_ > 0) {
      if (fds_[0] >= 0 || fds_[1] >= 0) {
        ADD_FAILURE() << "curl still runs after " << kWait.count()
                      << " ms: killed";
        ::kill(child_, SIGKILL);
      }
      int status = 0;
      if (::waitpid(child_, &status, 0) == child_) {
        outcome_.status =
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      child_ = -1;
    }
    for (int& fd : fds_) {
      if (fd >= 0) {
        ::close(fd);
        fd = -1;
      }
    }
    return outcome_;
  }

 private:
  // Reads what curl wrote: false once both pipes ended or past `deadline`.
  bool pump(SteadyClock::time_point deadline) {
    if (fds_[0] < 0 && fds_[1] < 0) {
      return false;
    }
    pollfd p[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
    const auto left =
        std::chrono::duration_cast<Ms>(deadline - SteadyClock::now()).count();
    const int ready = ::poll(p, 2, left < 0 ? 0 : static_cast<int>(left));
    if (ready < 0) {
      return errno == EINTR;
    }
    if (ready == 0) {
      return false;
    }
    std::string* sinks[2] = {&outcome_.out, &outcome_.err};
    for (int i = 0; i < 2; ++i) {
      if (fds_[i] >= 0 && p[i].revents != 0) {
        char buffer[16 * 1024];
        const ssize_t got = ::read(fds_[i], buffer, sizeof(buffer));
        if (got > 0) {
          sinks[i]->append(buffer, static_cast<size_t>(got));
        } else if (got == 0 || errno != EINTR) {
          ::close(fds_[i]);
          fds_[i] = -1;
        }
      }
    }
    return true;
  }

  pid_t child_ = -1;
  int fds_[2] = {-1, -1};
  Outcome outcome_;
};

Outcome curl(const std::vector<std::string>& args,
             const std::string& input = "") {
  return Curl(args, input).finish();
}

// curl's output with -w "\n%{http_code}" split into (body, status).
std::pair<std::string, std::string> bodyAndCode(const std::string& out) {
  const size_t newline = out.rfind('\n');
  if (newline == std::string::npos) {
    return {"", out};
  }
  return {out.substr(0, newline), out.substr(newline + 1)};
}

// ---------------------------------------------------------------------------
// The developer guide's sample, completed with its braces, on the default
// context as the guide has it.

Future<Response> testing(const std::map<std::string, std::string>& query) {
  const auto value = query.find("value");
  if (value == query.end()) {
    return BadRequest("no value\n");
  }
  return OK(value->second);
}

class HttpProcess : public Process<HttpProcess> {
 public:
  virtual void initialize() {
    route("/testing", None(),
          [](const Request& request) { return testing(request.url.query); });
  }
};

class Http {
 public:
  Http() : process(new HttpProcess()) { spawn(process.get()); }

  virtual ~Http() {
    terminate(process.get());
    wait(process.get());
  }

  Owned<HttpProcess> process;
};

std::string url(const UPID& pid, const std::string& rest) {
  std::ostringstream text;
  text << "http://" << pid.address << "/" << pid.id << rest;
  return text.str();
}

TEST(HttpCurl, GuideHttpProcessAnswersTesting) {
  SKIP_WITHOUT_CURL();
  Http http;
  const UPID pid = http.process->self();

  const Outcome run =
      curl({"-w", "\n%{http_code}", url(pid, "/testing?value=42")});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ(std::make_pair(std::string("42"), std::string("200")),
            bodyAndCode(run.out));

  const Outcome missing = curl({"-w", "\n%{http_code}", url(pid, "/testing")});
  EXPECT_EQ("400", bodyAndCode(missing.out).second);
}

// ---------------------------------------------------------------------------
// A node of the test's own, with routes that tell what they received.

// What the routes saw, for the test to check.
class Seen {
 public:
  void add(const Request& request) {
    std::lock_guard<std::mutex> guard(mutex_);
    requests_.push_back(request);
    changed_.notify_all();
  }
  bool waitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kWait,
                             [&] { return requests_.size() >= count; });
  }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> guard(mutex_);
    return requests_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Request> requests_;
};

// The request, in a form a test can compare.
std::string describe(const Request& request) {
  std::string text = request.method + " " + request.url.path;
  for (const auto& [key, value] : request.url.query) {
    text += " [" + key + "=" + value + "]";
  }
  return text + " " + std::to_string(request.body.size()) + ":" + request.body;
}

class Node : public Process<Node> {
 public:
  Node(Seen& seen, Promise<Pipe::Writer>& stream)
      : Process<Node>("node"), seen_(seen), stream_(stream) {}

 protected:
  void initialize() override {
    route("/describe", None(), [this](const Request& request) {
      seen_.add(request);
      return OK(describe(request));
    });
    route("/header", None(), [this](const Request& request) {
      seen_.add(request);
      return OK(request.headers.get("x-test").getOrElse("none"));
    });
    route("/throws", None(), [](const Request&) -> Future<Response> {
      throw std::runtime_error("kaboom");
    });
    route("/stream", None(), [this](const Request&) {
      Pipe pipe;
      stream_.set(pipe.writer());
      return OK(pipe.reader());
    });
  }

 private:
  Seen& seen_;
  Promise<Pipe::Writer>& stream_;
};

class HttpCurlNode : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_CURL();
    context_ = std::make_unique<Context>(Context::Options{.workers = 2});
    node_ = context_->spawn(new Node(seen_, stream_), true);
    base_ = "http://" + stringify(context_->address()) + "/node";
  }
  void TearDown() override {
    // Handlers use seen_ and stream_: the context goes first.
    context_.reset();
  }

  static std::string stringify(const Address& address) {
    std::ostringstream text;
    text << address;
    return text.str();
  }

  Seen seen_;
  Promise<Pipe::Writer> stream_;
  std::unique_ptr<Context> context_;
  UPID node_;
  std::string base_;
};

TEST_F(HttpCurlNode, GetWithAQuery) {
  const Outcome run = curl(
      {"-w", "\n%{http_code}", base_ + "/describe/a%20b?x=%41&y=1+2&z=%26"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ(std::make_pair(
                std::string("GET /node/describe/a b [x=A] [y=1 2] [z=&] 0:"),
                std::string("200")),
            bodyAndCode(run.out));
}

TEST_F(HttpCurlNode, PostWithABody) {
  const Outcome run = curl({"-w", "\n%{http_code}", "--data-binary",
                            "hello=world&x", base_ + "/describe"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ(std::make_pair(std::string("POST /node/describe 13:hello=world&x"),
                           std::string("200")),
            bodyAndCode(run.out));
  ASSERT_TRUE(seen_.waitFor(1));
  EXPECT_EQ("application/x-www-form-urlencoded",
            seen_.requests()[0].headers.get("content-type"));
}

TEST_F(HttpCurlNode, PostWithABinaryBodyFromStandardInput) {
  std::string body;
  for (int i = 0; i < 50000; ++i) {
    body += static_cast<char>(i % 256);
  }
  const Outcome run = curl(
      {"-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@-", "-H",
       "Content-Type: application/octet-stream", base_ + "/describe"},
      body);
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("200", run.out);
  ASSERT_TRUE(seen_.waitFor(1));
  EXPECT_EQ(body, seen_.requests()[0].body);
}

TEST_F(HttpCurlNode, PostOfTwoMebibytes) {
  // curl asks "Expect: 100-continue" for a body this big, and waits a
  // second for "100 Continue" before sending it: the node answers at once.
  std::string body(2 * 1024 * 1024, 'b');
  body.back() = 'e';
  char path[] = "/tmp/http_curl_test.XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(static_cast<ssize_t>(body.size()),
            ::write(fd, body.data(), body.size()));
  ::close(fd);
  const Outcome run =
      curl({"-v", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary",
            std::string("@") + path, base_ + "/describe"});
  ::unlink(path);
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("200", run.out);
  EXPECT_NE(std::string::npos, run.err.find("Expect: 100-continue")) << run.err;
  EXPECT_NE(std::string::npos, run.err.find("< HTTP/1.1 100 Continue"))
      << run.err;
  ASSERT_TRUE(seen_.waitFor(1));
  EXPECT_EQ(body, seen_.requests()[0].body);
}

TEST_F(HttpCurlNode, HeadersReachTheHandler) {
  const Outcome run = curl({"-H", "X-TEST: shouted", base_ + "/header"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ("shouted", run.out);
}

TEST_F(HttpCurlNode, TwoUrlsShareOneKeptAliveConnection) {
  const Outcome run = curl({"-v", "-w", "\n%{http_code}\n",
                            base_ + "/describe?n=1", base_ + "/describe?n=2"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ(
      "GET /node/describe [n=1] 0:\n200\nGET /node/describe [n=2] 0:\n200\n",
      run.out);
  EXPECT_NE(std::string::npos, run.err.find("Re-using existing connection"))
      << run.err;
  ASSERT_TRUE(seen_.waitFor(2));
  const std::vector<Request> requests = seen_.requests();
  ASSERT_TRUE(requests[0].client.isSome());
  ASSERT_TRUE(requests[1].client.isSome());
  EXPECT_EQ(requests[0].client.get(), requests[1].client.get());
  EXPECT_TRUE(requests[0].keepAlive);
}

TEST_F(HttpCurlNode, Http10ClosesAfterEachAnswer) {
  const Outcome run = curl({"--http1.0", "-w", "\n%{http_code}\n",
                            base_ + "/describe?n=1", base_ + "/describe?n=2"});
  EXPECT_EQ(0, run.status) << run.err;
  EXPECT_EQ(
      "GET /node/describe [n=1] 0:\n200\nGET /node/describe [n=2] 0:\n200\n",
      run.out);
  ASSERT_TRUE(seen_.waitFor(2));
  const std::vector<Request> requests = seen_.requests();
  EXPECT_FALSE(requests[0].keepAlive);
  EXPECT_FALSE(requests[1].keepAlive);
  ASSERT_TRUE(requests[0].client.isSome());
  ASSERT_TRUE(requests[1].client.isSome());
  EXPECT_NE(requests[0].client.get(), requests[1].client.get());
}

TEST_F(HttpCurlNode, RefusedPaths) {
  const std::string root = base_.substr(0, base_.size() - 5);
  const std::vector<std::pair<std::string, std::string>> cases{
      {base_ + "/../node/describe", "400"},
      {base_ + "/%2e%2e/node/describe", "400"},
      {root + "/nobody/describe", "404"},
      {base_ + "/nothing", "404"},
      {base_ + "/throws", "500"},
  };
  for (const auto& [target, code] : cases) {
    const Outcome run =
        curl({"--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", target});
    EXPECT_EQ(0, run.status) << target << ": " << run.err;
    EXPECT_EQ(code, run.out) << target;
  }
}

TEST_F(HttpCurlNode, StreamedAnswerArrivesPieceByPiece) {
  Curl run({"-N", "-D", "-", base_ + "/stream"});
  Future<Pipe::Writer> stream = stream_.future();
  AWAIT_READY(stream);
  Pipe::Writer writer = stream.get();
  ASSERT_TRUE(writer.write("alpha\n"));
  // curl prints each piece as it comes: the stream is still open.
  ASSERT_TRUE(run.waitForOutput("alpha\n")) << run.output();
  ASSERT_TRUE(writer.write("beta\n"));
  ASSERT_TRUE(run.waitForOutput("beta\n")) << run.output();
  ASSERT_TRUE(writer.close());

  const Outcome outcome = run.finish();
  EXPECT_EQ(0, outcome.status) << outcome.err;
  EXPECT_EQ(0u, outcome.out.rfind("HTTP/1.1 200 OK\r\n", 0)) << outcome.out;
  EXPECT_NE(std::string::npos,
            outcome.out.find("Transfer-Encoding: chunked\r\n"));
  const size_t body = outcome.out.find("\r\n\r\n");
  ASSERT_NE(std::string::npos, body);
  EXPECT_EQ("alpha\nbeta\n", outcome.out.substr(body + 4));
}

}  // namespace
