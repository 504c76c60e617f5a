// GET /__ui__ (ours): the node's live page. Plain HTTP for what the node
// serves (one self-contained HTML page, 404 without the system endpoints,
// the node's limits), and a real browser, Debian's headless chromium run as
// a child, for what the page shows once its script has polled the node:
// the processes, the peers, the metrics, sorting and filtering from the
// address's fragment, and a clear message for an endpoint that fails. The
// browser tests are skipped where /usr/bin/chromium is missing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/process.hpp>

#include "reaper.hpp"
#include "system_helpers.hpp"

extern char** environ;

using namespace process;
using system_test::get;

namespace {

using SteadyClock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

constexpr char kChromium[] = "/usr/bin/chromium";
constexpr int kMessages = 12;
// Past this the browser is killed (its whole process group) and, up to
// kAttempts times, run again: a loaded machine or a sanitized node may make
// one run miss its first render, never all of them.
constexpr Ms kBrowserLimit{60000};
constexpr int kAttempts = 3;

#define SKIP_WITHOUT_CHROMIUM()                         \
  do {                                                  \
    if (::access(kChromium, X_OK) != 0) {               \
      GTEST_SKIP() << kChromium << " is not installed"; \
    }                                                   \
  } while (false)

struct Outcome {
  int status = -1;  // the exit status; 128 + N if killed by signal N
  bool timedOut = false;
  std::string out;
  std::string err;
};

// Runs `args` as a child in a process group of its own, reading its output
// as it comes; kills the group if it outlives `limit`. `home` is its HOME
// and XDG directories, so that nothing it keeps (a crash database, caches)
// is left in the user's.
Outcome run(const std::vector<std::string>& args, const std::string& home,
            Ms limit) {
  Outcome outcome;
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    outcome.err = std::string("pipe2: ") + std::strerror(errno);
    return outcome;
  }
  std::vector<std::string> copies = args;
  std::vector<char*> argv;
  for (std::string& arg : copies) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (std::strncmp(*variable, "HOME=", 5) != 0 &&
        std::strncmp(*variable, "XDG_", 4) != 0) {
      environment.emplace_back(*variable);
    }
  }
  for (const char* name :
       {"HOME=", "XDG_CONFIG_HOME=", "XDG_CACHE_HOME=", "XDG_DATA_HOME="}) {
    environment.push_back(name + home);
  }
  std::vector<char*> envp;
  for (std::string& variable : environment) {
    envp.push_back(variable.data());
  }
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t child = -1;
  const int spawned = ::posix_spawn(&child, argv[0], &actions, &attributes,
                                    argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out[1]);
  ::close(err[1]);
  if (spawned != 0) {
    ::close(out[0]);
    ::close(err[0]);
    outcome.err = std::string("posix_spawn: ") + std::strerror(spawned);
    return outcome;
  }

  const auto deadline = SteadyClock::now() + limit;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  int open = 2;
  while (open > 0) {
    const auto left =
        std::chrono::duration_cast<Ms>(deadline - SteadyClock::now()).count();
    if (left <= 0) {
      outcome.timedOut = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      char buffer[65536];
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  // Whatever is left of the group (renderers, a hung browser) goes now.
  ::kill(-child, SIGKILL);
  int status = 0;
  if (::waitpid(child, &status, 0) == child) {
    outcome.status =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  for (pollfd& fd : fds) {
    if (fd.fd >= 0) {
      ::close(fd.fd);
    }
  }
  return outcome;
}

// A fresh profile (and home) per run: parallel tests never share one, and
// the browser leaves nothing behind.
class Profile {
 public:
  Profile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ui-page-test-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~Profile() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  Profile(const Profile&) = delete;
  Profile& operator=(const Profile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Headless chromium that can reach nothing but 127.0.0.1: every host name
// fails to resolve, no proxy is asked. `--virtual-time-budget` lets the
// page's timers run (about four polls) before the DOM is dumped or the
// screenshot taken; virtual time waits while a fetch is pending.
std::vector<std::string> chromium(const Profile& profile,
                                  const std::vector<std::string>& what) {
  std::vector<std::string> args = {
      kChromium,
      "--headless",
      "--disable-gpu",
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-breakpad",
      "--no-proxy-server",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--enable-logging=stderr",
      "--virtual-time-budget=4000",
      "--user-data-dir=" + profile.path()};
  args.insert(args.end(), what.begin(), what.end());
  return args;
}

std::string uiUrl(const Context& node, const std::string& fragment = "") {
  std::ostringstream url;
  url << "http://" << node.address() << "/__ui__" << fragment;
  return url.str();
}

// The page's DOM once its script has rendered at least one poll, with
// what the browser logged (its console included).
Outcome renderedDom(const std::string& url) {
  Outcome outcome;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    Profile profile;
    outcome = run(chromium(profile, {"--dump-dom", url}), profile.path(),
                  kBrowserLimit);
    if (outcome.out.find("data-refreshes=\"0\"") == std::string::npos &&
        outcome.out.find("data-refreshes=\"") != std::string::npos) {
      return outcome;
    }
    std::cerr << "chromium attempt " << attempt << " rendered nothing (exit "
              << outcome.status << (outcome.timedOut ? ", timed out" : "")
              << "); stderr:\n"
              << outcome.err.substr(0, 2000) << std::endl;
  }
  return outcome;
}

// What the page logged that means it is broken: a script error, or a load
// its Content-Security-Policy refused (something from outside the node).
void expectCleanConsole(const std::string& log) {
  EXPECT_EQ(std::string::npos, log.find("Uncaught")) << log;
  EXPECT_EQ(std::string::npos, log.find("Refused to")) << log;
}

int count(const std::string& text, const std::string& what) {
  int found = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++found;
  }
  return found;
}

// The number in the value cell of `metric`'s row of the metrics table.
double metricValue(const std::string& dom, const std::string& metric) {
  const std::regex row(
      "<tr data-metric=\"" + metric +
      "\"><td[^>]*>[^<]*</td><td[^>]*data-value=\"([0-9.e+-]+)\"");
  std::smatch match;
  if (!std::regex_search(dom, match, row)) {
    ADD_FAILURE() << "no row for " << metric << " in the metrics table";
    return -1;
  }
  return std::stod(match[1]);
}

class Sink : public Process<Sink> {
 public:
  Sink() : ProcessBase("ui-sink") {}
  Future<Nothing> all() { return all_.future(); }

 protected:
  void initialize() override {
    install("ping", [this](const UPID&, const std::string&) {
      if (++received_ == kMessages) {
        all_.set(Nothing());
      }
    });
  }

 private:
  int received_ = 0;
  Promise<Nothing> all_;
};

class Worker : public Process<Worker> {
 public:
  Worker(const std::string& id, Option<UPID> to)
      : ProcessBase(id), to_(std::move(to)) {}

 protected:
  void initialize() override {
    route("/state", None(), [](const http::Request&) {
      return Future<http::Response>(http::OK("{}", "application/json"));
    });
    if (to_.isSome()) {
      for (int i = 0; i < kMessages; ++i) {
        send(to_.get(), "ping", "body");
      }
    }
  }

 private:
  const Option<UPID> to_;
};

// A node with three known processes, one of which has sent kMessages to a
// second node (acknowledged before the browser looks), and one whose id is
// markup the page must show as text.
class UiNode : public ::testing::Test {
 protected:
  void SetUp() override {
    peer.spawn(sink);
    reaper.add(sink.self());
    sender = std::make_unique<Worker>("ui-sender", sink.self());
    for (Worker* worker : {&alpha, &beta, &markup, sender.get()}) {
      node.spawn(*worker);
      reaper.add(worker->self());
    }
    AWAIT_READY(sink.all());
  }

  Context node;
  Context peer;
  Sink sink;
  Worker alpha{"ui-worker-alpha", None()};
  Worker beta{"ui-worker-beta", None()};
  Worker markup{"<b id=\"injected\">", None()};
  std::unique_ptr<Worker> sender;
  Reaper reaper;  // last: terminates the processes before they go
};

TEST(UiPage, ServesOneSelfContainedPage) {
  Context node;
  Future<http::Response> response = get(node, "__ui__");
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::OK().status, response);
  EXPECT_EQ("text/html; charset=utf-8", response->headers.get("Content-Type"));
  const std::string policy =
      response->headers.get("Content-Security-Policy").getOrElse("");
  EXPECT_NE(std::string::npos, policy.find("default-src 'none'")) << policy;
  EXPECT_NE(std::string::npos, policy.find("connect-src 'self'")) << policy;
  const std::string& page = response->body;
  EXPECT_EQ(0u, page.rfind("<!DOCTYPE html>", 0));
  EXPECT_NE(std::string::npos, page.find("id=\"processes-table\""));
  EXPECT_NE(std::string::npos, page.find("</html>"));
  // Nothing from anywhere else: no URL with a scheme or a network path, no
  // script, style sheet, image or import by reference.
  for (const char* external :
       {"https?:", "//[a-z0-9]", "<script[^>]*src", "<link[^>]*stylesheet",
        "@import", "url\\(", "<img", "<iframe", "href=\"(?!data:)"}) {
    EXPECT_FALSE(
        std::regex_search(page, std::regex(external, std::regex::icase)))
        << "the page references something outside the node: " << external;
  }
}

TEST(UiPage, AnswersGetOnly) {
  Context node;
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(
      http::MethodNotAllowed({"GET"}).status,
      http::post(UPID("__ui__", node.address()), None(), None(), "x",
                 "text/plain"));
}

TEST(UiPage, AbsentWithoutTheSystemEndpoints) {
  Context::Options options;
  options.systemEndpoints = false;
  Context node(options);
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::NotFound().status, get(node, "__ui__"));
}

TEST(UiPage, TheNodesRequestLimitsGuardIt) {
  Context::Options options;
  options.limits.maxHeaderBytes = 1024;
  Context node(options);
  const http::Headers big = {{"X-Padding", std::string(4096, 'x')}};
  AWAIT_EXPECT_RESPONSE_STATUS_EQ(http::RequestHeaderFieldsTooLarge().status,
                                  get(node, "__ui__", "", "", big));
}

TEST_F(UiNode, ChromiumRendersTheProcessesPeersAndMetrics) {
  SKIP_WITHOUT_CHROMIUM();
  const Outcome browser = renderedDom(uiUrl(node));
  const std::string& dom = browser.out;
  ASSERT_NE(std::string::npos, dom.find("data-refreshes=")) << browser.err;
  expectCleanConsole(browser.err);

  EXPECT_NE(std::string::npos, dom.find("id=\"status\" data-state=\"live\""))
      << dom;
  std::ostringstream address;
  address << node.address();
  EXPECT_NE(std::string::npos,
            dom.find("id=\"node-address\">" + address.str() + "<"));
  for (const char* id : {"ui-worker-alpha", "ui-worker-beta", "ui-sender",
                         "__processes__", "__ui__", "metrics"}) {
    EXPECT_EQ(1, count(dom, std::string("data-process-id=\"") + id + "\""))
        << id;
  }
  EXPECT_NE(std::string::npos, dom.find("/state")) << "the workers' route";
  // The id that is markup is text in the table, not an element.
  EXPECT_EQ(std::string::npos, dom.find("<b id=\"injected\">"));
  EXPECT_NE(std::string::npos, dom.find("&lt;b id=\"injected\"&gt;"));

  std::ostringstream peerAddress;
  peerAddress << peer.address();
  EXPECT_NE(std::string::npos,
            dom.find("data-peer-address=\"" + peerAddress.str() + "\""));
  EXPECT_GE(metricValue(dom, "procession/messages_sent"), kMessages);
  EXPECT_GT(metricValue(dom, "procession/uptime_secs"), 0);
  EXPECT_EQ(std::string::npos, dom.find("class=\"error shown\"")) << dom;
  // A rate needs two polls; the queue depth is plotted from the first.
  const std::regex points(
      "id=\"plot-queue-depth\"[^>]*data-points=\"([0-9]+)\"");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(dom, match, points));
  EXPECT_GE(std::stoi(match[1]), 1);
  EXPECT_NE(std::string::npos, dom.find("<polyline class=\"line\""));
}

TEST_F(UiNode, TheFragmentFiltersAndSortsTheProcesses) {
  SKIP_WITHOUT_CHROMIUM();
  const Outcome browser =
      renderedDom(uiUrl(node, "#filter=ui-worker&sort=-id"));
  const std::string& dom = browser.out;
  expectCleanConsole(browser.err);
  const size_t beta = dom.find("data-process-id=\"ui-worker-beta\"");
  const size_t alpha = dom.find("data-process-id=\"ui-worker-alpha\"");
  ASSERT_NE(std::string::npos, beta) << browser.err;
  ASSERT_NE(std::string::npos, alpha);
  EXPECT_LT(beta, alpha) << "descending by id";
  EXPECT_EQ(2, count(dom, "data-process-id=")) << "only the filter's";
  EXPECT_NE(std::string::npos,
            dom.find("data-sort=\"id\" aria-sort=\"descending\""));
  EXPECT_NE(std::string::npos, dom.find("id=\"process-count\">2 of "));
}

TEST_F(UiNode, AFailingEndpointIsShownNotBlank) {
  SKIP_WITHOUT_CHROMIUM();
  const UPID stats("system", node.address());
  terminate(stats);
  ASSERT_TRUE(wait(stats, Seconds(15)));
  const Outcome browser = renderedDom(uiUrl(node));
  const std::string& dom = browser.out;
  const std::regex error(
      "class=\"error shown\" data-error-for=\"stats\">Could not load "
      "/system/stats.json: HTTP 404");
  EXPECT_TRUE(std::regex_search(dom, error)) << dom;
  EXPECT_NE(std::string::npos, dom.find("data-state=\"partial\""));
  // The rest of the page still works.
  EXPECT_NE(std::string::npos, dom.find("data-process-id=\"ui-worker-alpha\""));
  EXPECT_GE(metricValue(dom, "procession/messages_sent"), kMessages);
}

TEST_F(UiNode, ChromiumTakesAScreenshot) {
  SKIP_WITHOUT_CHROMIUM();
  const std::string file =
      (std::filesystem::current_path() / "ui_page_test.png").string();
  std::filesystem::remove(file);
  Profile profile;
  const Outcome browser = run(
      chromium(profile,
               {"--screenshot=" + file, "--window-size=1280,900", uiUrl(node)}),
      profile.path(), kBrowserLimit);
  ASSERT_FALSE(browser.timedOut) << browser.err;
  std::ifstream png(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(png)),
                    std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 8u) << browser.err;
  EXPECT_EQ(std::string("\x89PNG\r\n\x1a\n", 8), bytes.substr(0, 8));
  // A blank page compresses to a few hundred bytes; a dashboard does not.
  EXPECT_GT(bytes.size(), 20000u) << file;
}

}  // namespace
