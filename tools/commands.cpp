// `procession send` and `procession ping`: see commands.hpp.
#include "commands.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <process/context.hpp>
#include <process/process.hpp>

#include "connection.hpp"
#include "node.hpp"
#include "runtime/runtime.hpp"
#include "transport/message_codec.hpp"

namespace procession_cli {

using process::Address;
using process::Error;
using process::Try;
using process::UPID;
using process::http::internal::DecodedResponse;

namespace {

template <typename T>
std::string text(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Printable: a byte that is not printable ASCII as \xNN, a backslash as \\.
std::string escaped(const std::string& bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\\') {
      out += "\\\\";
    } else if (byte >= ' ' && byte < 0x7f) {
      out += c;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", byte);
      out += hex;
    }
  }
  return out;
}

// What comes back to the throw-away node, counted for --replies.
class Replies {
 public:
  void add(const UPID& from, const std::string& name, const std::string& body) {
    std::lock_guard<std::mutex> guard(mutex_);
    const std::string line =
        "message " + name + " from " + text(from) + ": " + escaped(body);
    if (released_) {
      std::cout << line << std::endl;
    } else {
      held_.push_back(line);  // A reply may overtake the answer.
    }
    ++count_;
    changed_.notify_all();
  }

  // Prints what came before the answer was printed, and the rest as it
  // comes.
  void release() {
    std::lock_guard<std::mutex> guard(mutex_);
    for (const std::string& line : held_) {
      std::cout << line << std::endl;
    }
    held_.clear();
    released_ = true;
  }

  // Until `count` arrived (0: no count) or `wait` passed.
  void await(int count, std::chrono::nanoseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, wait, [&] { return count > 0 && count_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> held_;
  bool released_ = false;
  int count_ = 0;
};

// The sender's process. It installs no handlers: whatever a peer sends back
// to it goes to `replies` (printed, with --wait), else is dropped.
class CliProcess : public process::Process<CliProcess> {
 public:
  explicit CliProcess(Replies* replies)
      : process::Process<CliProcess>("procession-cli"), replies_(replies) {}

 protected:
  void initialize() override {
    if (replies_ != nullptr) {
      Replies* replies = replies_;
      process::detail::Runtime::extras(*this).unhandled =
          [replies](const UPID& from, const std::string& name,
                    const std::string& body) {
            replies->add(from, name, body);
          };
    }
  }

 private:
  Replies* replies_;
};

bool canListen(const process::net::IP& ip) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(ip.value());
  const bool ok = fd >= 0 &&
                  bind(fd, reinterpret_cast<const sockaddr*>(&address),
                       sizeof(address)) == 0 &&
                  listen(fd, 1) == 0;
  if (fd >= 0) {
    close(fd);
  }
  return ok;
}

// `--from` as given ("" when it was not), checked before anything is sent.
Try<std::string> givenSender(const Common& options) {
  if (options.from.empty()) {
    return std::string();
  }
  Try<UPID> from = parseUpid(options.from);
  if (from.isError()) {
    return Error("--from: " + from.error());
  }
  return text(from.get());
}

// The sender when no --from is given: a real node, a Context listening on
// the IP our connection leaves from, with a process "procession-cli". A
// real node rather than a made-up UPID because a peer may answer a message
// with one of its own (send(from, …)), which then reaches a live node
// instead of a refused port that the peer logs, and a libprocess peer may
// check the sender's IP against the connection's. It costs a listening
// socket and one worker thread, for a tool that runs once.
std::string startSender(const Address& local,
                        std::unique_ptr<process::Context>& node,
                        Replies* replies = nullptr) {
  // The Context aborts if it cannot listen: check first (cannot fail for
  // the address of a connected socket, but a tool must not abort).
  process::Context::Options nodeOptions;
  nodeOptions.ip = canListen(local.ip) ? text(local.ip) : "127.0.0.1";
  nodeOptions.port = 0;
  nodeOptions.workers = 1;
  node = std::make_unique<process::Context>(nodeOptions);
  return text(node->spawn(new CliProcess(replies), true));
}

Try<std::string> readBody(const std::string& body) {
  if (body.empty() || body[0] != '@') {
    return body;
  }
  const std::string path = body.substr(1);
  const std::string failure = "cannot read the body from '" + path + "': ";
  FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Error(failure + std::strerror(errno));
  }
  std::string content;
  char buffer[64 * 1024];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    content.append(buffer, n);
  }
  const int error = std::ferror(file) != 0 ? errno : 0;
  if (file != stdin) {
    std::fclose(file);
  }
  if (error != 0) {
    return Error(failure + std::strerror(error));
  }
  return content;
}

std::string statusOf(const DecodedResponse& response) {
  return std::to_string(response.status) +
         (response.reason.empty() ? "" : " " + response.reason);
}

// "404 Not Found: no process 'x' at 127.0.0.1:5050"; other refusals carry
// the first line of the peer's explanation, if it gave one.
std::string describe(const DecodedResponse& response, const UPID& to) {
  std::string line = statusOf(response);
  if (response.status == 404) {
    return line + ": no process '" + to.id + "' at " + text(to.address);
  }
  if (response.status / 100 != 2 && !response.body.empty()) {
    std::string reason = response.body.substr(0, 200);
    reason = reason.substr(0, reason.find_first_of("\r\n"));
    for (char& c : reason) {
      c = static_cast<unsigned char>(c) < ' ' || c == 0x7f ? '?' : c;
    }
    line += ": " + reason;
  }
  return line;
}

long long micros(Clock::duration duration) {
  return std::llround(
      std::chrono::duration<double, std::micro>(duration).count());
}

void summarise(const UPID& to, std::vector<Clock::duration> trips,
               const std::map<std::string, int>& statuses) {
  std::sort(trips.begin(), trips.end());
  Clock::duration total{0};
  for (const Clock::duration& trip : trips) {
    total += trip;
  }
  std::cout << "--- " << to << ": " << trips.size() << " round trip"
            << (trips.size() == 1 ? "" : "s") << ", answered";
  const char* separator = " ";
  for (const auto& [status, count] : statuses) {
    std::cout << separator << status << " (" << count << ")";
    separator = ", ";
  }
  std::cout << "\nmin/avg/max/p50 = " << micros(trips.front()) << "/"
            << micros(total / static_cast<int64_t>(trips.size())) << "/"
            << micros(trips.back()) << "/"
            << micros(trips[(trips.size() - 1) / 2]) << " µs" << std::endl;
}

}  // namespace

int send(const SendOptions& options) {
  Try<UPID> to = parseUpid(options.to);
  if (to.isError()) {
    return fail(to.error(), kUsage);
  }
  if (options.name.empty()) {
    return fail("a message needs a NAME", kUsage);
  }
  Try<std::string> from = givenSender(options);
  if (from.isError()) {
    return fail(from.error(), kUsage);
  }
  Try<std::string> body = readBody(options.body);
  if (body.isError()) {
    return fail(body.error(), kNoInput);
  }
  auto connection = Connection::open(to->address, options.timeout);
  if (connection.isError()) {
    return fail(connection.error(), kNoAnswer);
  }
  // Declared before the node, which is destroyed first: its process may be
  // printing a reply until then.
  Replies replies;
  const bool waiting = options.wait.count() > 0;
  if (waiting && !from->empty()) {
    return fail("--wait needs the tool's own node: leave out --from", kUsage);
  }
  std::unique_ptr<process::Context> node;
  if (from->empty()) {
    from = startSender(connection.get()->local(), node,
                       waiting ? &replies : nullptr);
  }
  std::string request;
  process::transport::encodeMessage(from.get(), to->id, to->address,
                                    options.name, body.get(), request);
  auto response = connection.get()->exchange(request, options.timeout);
  if (response.isError()) {
    return fail(response.error(), kNoAnswer);
  }
  std::cout << describe(response.get(), to.get()) << std::endl;
  if (waiting) {
    replies.release();
    replies.await(options.replies, options.wait);
    node.reset();  // No reply is printed after this.
  }
  return response->status / 100 == 2 ? kOk : kRefused;
}

int ping(const PingOptions& options) {
  Try<UPID> to = parseUpid(options.to);
  if (to.isError()) {
    return fail(to.error(), kUsage);
  }
  if (options.count < 1) {
    return fail("--count: at least 1 round trip", kUsage);
  }
  if (options.name.empty()) {
    return fail("--name: a message needs a name", kUsage);
  }
  Try<std::string> from = givenSender(options);
  if (from.isError()) {
    return fail(from.error(), kUsage);
  }
  const Clock::time_point start = Clock::now();
  auto opened = Connection::open(to->address, options.timeout);
  if (opened.isError()) {
    return fail(opened.error(), kNoAnswer);
  }
  const Clock::duration connecting = Clock::now() - start;
  std::unique_ptr<Connection> connection = std::move(opened.get());
  std::unique_ptr<process::Context> node;
  if (from->empty()) {
    from = startSender(connection->local(), node);
  }
  std::string request;
  process::transport::encodeMessage(from.get(), to->id, to->address,
                                    options.name, "", request);
  if (!options.quiet) {
    std::cout << options.name << " to " << to.get() << " from " << from.get()
              << ", connected in " << micros(connecting) << " µs" << std::endl;
  }

  std::vector<Clock::duration> trips;
  std::map<std::string, int> statuses;
  int status = kOk;
  for (int i = 1; i <= options.count; ++i) {
    if (i > 1 && options.interval.count() > 0) {
      std::this_thread::sleep_for(options.interval);
    }
    if (connection == nullptr) {  // the node closed the last one
      auto reopened = Connection::open(to->address, options.timeout);
      if (reopened.isError()) {
        status = fail(reopened.error(), kNoAnswer);
        break;
      }
      connection = std::move(reopened.get());
    }
    const Clock::time_point sent = Clock::now();
    auto response = connection->exchange(request, options.timeout);
    if (response.isError()) {
      status = fail(response.error(), kNoAnswer);
      break;
    }
    const Clock::duration trip = Clock::now() - sent;
    trips.push_back(trip);
    ++statuses[statusOf(response.get())];
    if (!options.quiet) {
      std::cout << "round trip " << i << ": " << statusOf(response.get())
                << ", " << micros(trip) << " µs" << std::endl;
    }
    if (!response->keepAlive) {
      connection.reset();
    }
  }
  if (!trips.empty()) {
    summarise(to.get(), trips, statuses);
  }
  return status;
}

}  // namespace procession_cli
