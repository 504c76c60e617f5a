// The HTTP server of a node: route(name, help, handler) on a process, and
// what a client sees on the wire. A request that is not a libprocess message
// goes to the process its first path segment names, to the route the rest
// names (longest '/'-prefix); the handler runs on the process and may answer
// later; answers leave in request order; a Pipe answer is sent chunked; the
// limits of Context::Limits hold for routes as for messages. The test plays
// the client with raw POSIX sockets, byte for byte.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/nothing.hpp>
#include <process/pipe.hpp>
#include <process/process.hpp>

#include "gate.hpp"
#include "wire_socket.hpp"

using namespace process;
using namespace process::http;
using namespace std::string_literals;

namespace {

// While TZ is unset, glibc re-reads the time zone on every mktime(), under a
// lock ThreadSanitizer cannot see; glog logging from two threads then looks
// like a race in tzset_internal. Naming the default zone changes nothing
// else.
[[maybe_unused]] const bool kTimeZoneSet =
    ::setenv("TZ", ":/etc/localtime", 0) == 0;

using SteadyClock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

// How long the test waits for anything the node should do.
constexpr Ms kWait{10000};

using wire::equalsIgnoreCase;
using wire::remainingMs;

// One answer as it came on the wire.
struct Reply {
  int status = 0;  // 0: no whole answer, see `error`
  std::string statusLine;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;
  std::vector<std::string> chunks;  // of a chunked body, in order
  std::string error;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
      if (equalsIgnoreCase(field, name)) {
        return value;
      }
    }
    return std::nullopt;
  }
};

std::ostream& operator<<(std::ostream& stream, const Reply& reply) {
  stream << "'" << reply.statusLine << "'";
  if (!reply.error.empty()) {
    stream << " (" << reply.error << ")";
  }
  return stream << " body '" << reply.body << "'";
}

// A TCP connection to a node, written and read by hand.
class Client {
 public:
  explicit Client(const Address& address) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in in = wire::toSockaddr(address);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&in),
                              sizeof(in)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Sends nothing more (the node reads an end of file), still reading.
  void shutdownSending() { ::shutdown(fd_, SHUT_WR); }

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  // The address the node sees this connection come from.
  Address local() const {
    sockaddr_in in{};
    socklen_t length = sizeof(in);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&in), &length);
    return Address(net::IP(ntohl(in.sin_addr.s_addr)), ntohs(in.sin_port));
  }

  // All of `data` in as few writes as the kernel allows.
  bool send(std::string_view data) {
    const auto deadline = SteadyClock::now() + kWait;
    while (!data.empty()) {
      const ssize_t sent =
          ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        data.remove_prefix(static_cast<size_t>(sent));
      } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remainingMs(deadline)) <= 0) {
          return false;
        }
      } else if (!(sent < 0 && errno == EINTR)) {
        return false;
      }
    }
    return true;
  }

  // The status line and headers of the next answer.
  Reply readHead() {
    const auto deadline = SteadyClock::now() + kWait;
    Reply reply;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) {
        reply.error = "no whole head (got '" + buffer_ + "')";
        return reply;
      }
    }
    const std::string head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    size_t lineEnd = head.find("\r\n");
    reply.statusLine = head.substr(0, lineEnd);
    for (size_t start = lineEnd + 2; start < head.size(); start = lineEnd + 2) {
      lineEnd = head.find("\r\n", start);
      const std::string line = head.substr(start, lineEnd - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) {
        reply.error = "bad header line '" + line + "'";
        return reply;
      }
      const size_t value = line.find_first_not_of(' ', colon + 1);
      reply.headers.emplace_back(
          line.substr(0, colon),
          value == std::string::npos ? "" : line.substr(value));
    }
    if (reply.statusLine.size() < 12 ||
        reply.statusLine.compare(0, 9, "HTTP/1.1 ") != 0) {
      reply.error = "bad status line";
      return reply;
    }
    reply.status = std::atoi(reply.statusLine.c_str() + 9);
    const auto encoding = reply.header("Transfer-Encoding");
    reply.chunked =
        encoding.has_value() && equalsIgnoreCase(*encoding, "chunked");
    return reply;
  }

  // The next chunk of a chunked body: "" for the last one, nullopt if none
  // comes (or it is malformed).
  std::optional<std::string> readChunk() {
    const auto deadline = SteadyClock::now() + kWait;
    const std::optional<std::string> sizeLine = line(deadline);
    if (!sizeLine.has_value() || sizeLine->empty()) {
      return std::nullopt;
    }
    char* end = nullptr;
    const size_t size = std::strtoul(sizeLine->c_str(), &end, 16);
    if (*end != '\0') {
      return std::nullopt;
    }
    if (size == 0) {
      const std::optional<std::string> trailer = line(deadline);  // no trailers
      return trailer.has_value() && trailer->empty()
                 ? std::optional<std::string>("")
                 : std::nullopt;
    }
    while (buffer_.size() < size + 2) {
      if (!fill(deadline)) {
        return std::nullopt;
      }
    }
    if (buffer_.compare(size, 2, "\r\n") != 0) {
      return std::nullopt;
    }
    std::string chunk = buffer_.substr(0, size);
    buffer_.erase(0, size + 2);
    return chunk;
  }

  // A whole answer: Content-Length or chunked, or none for 1xx/204/304.
  Reply read() {
    Reply reply = readHead();
    if (reply.status == 0 || reply.status / 100 == 1 || reply.status == 204 ||
        reply.status == 304) {
      return reply;
    }
    const auto deadline = SteadyClock::now() + kWait;
    if (reply.chunked) {
      for (;;) {
        std::optional<std::string> chunk = readChunk();
        if (!chunk.has_value()) {
          reply.status = 0;
          reply.error = "chunked body cut short";
          return reply;
        }
        if (chunk->empty()) {
          return reply;
        }
        reply.body += *chunk;
        reply.chunks.push_back(std::move(*chunk));
      }
    }
    const auto length = reply.header("Content-Length");
    if (!length.has_value()) {
      reply.status = 0;
      reply.error = "neither Content-Length nor chunked";
      return reply;
    }
    const size_t size = std::stoul(*length);
    while (buffer_.size() < size) {
      if (!fill(deadline)) {
        reply.status = 0;
        reply.error = "body cut short";
        return reply;
      }
    }
    reply.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
    return reply;
  }

  // True if the node closes the connection (end of file or reset) within
  // `wait`, having sent nothing more.
  bool closedByPeer(Ms wait = kWait) {
    const auto deadline = SteadyClock::now() + wait;
    const size_t before = buffer_.size();
    while (fill(deadline)) {
    }
    return eof_ && buffer_.size() == before;
  }

  // True if the node closes the connection within `wait`; what it sent
  // before is kept in unread().
  bool readToEnd(Ms wait = kWait) {
    const auto deadline = SteadyClock::now() + wait;
    while (fill(deadline)) {
    }
    return eof_;
  }

  // True if nothing at all comes within `wait`: no byte, no close.
  bool silentFor(Ms wait) {
    if (!buffer_.empty() || eof_) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(wait.count())) == 0;
  }

  // What came and was not read as an answer yet.
  const std::string& unread() const { return buffer_; }

  // Whether bytes that were not read as answers yet are waiting.
  bool anythingArrived() {
    fill(SteadyClock::now());
    return !buffer_.empty() || eof_;
  }

 private:
  // One read into buffer_: false at end of file, on an error, or past the
  // deadline.
  bool fill(SteadyClock::time_point deadline) {
    if (eof_) {
      return false;
    }
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, remainingMs(deadline));
      if (ready < 0 && errno == EINTR) {
        continue;
      }
      if (ready <= 0) {
        return false;
      }
      char chunk[16 * 1024];
      const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      if (got <= 0) {
        eof_ = true;
        return false;
      }
      buffer_.append(chunk, static_cast<size_t>(got));
      return true;
    }
  }

  std::optional<std::string> line(SteadyClock::time_point deadline) {
    size_t end;
    while ((end = buffer_.find("\r\n")) == std::string::npos) {
      if (!fill(deadline)) {
        return std::nullopt;
      }
    }
    std::string text = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    return text;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

std::string get(const std::string& target, const std::string& headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
}

std::string post(const std::string& target, const std::string& body,
                 const std::string& headers = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: test\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A libprocess message, byte for byte as libprocess sends it (docs/wire.md).
std::string message(const std::string& to, const std::string& name,
                    const std::string& body) {
  const std::string from = "sender@127.0.0.1:9";
  std::string bytes = "POST /" + to + "/" + name +
                      " HTTP/1.1\r\nUser-Agent: libprocess/" + from +
                      "\r\nLibprocess-From: " + from +
                      "\r\nConnection: Keep-Alive\r\nHost: test\r\n";
  if (body.empty()) {
    return bytes + "\r\n";
  }
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", body.size());
  return bytes + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body +
         "\r\n0\r\n\r\n";
}

Context::Options options(const Context::Limits& limits = {}) {
  Context::Options options;
  options.workers = 2;
  options.limits = limits;
  return options;
}

using Handler = ProcessBase::HttpRequestHandler;

// What route handlers saw, and answers the test gives them later: each call
// of a handler made by later() waits for the test to complete its promise.
// Outlives the context, whose handlers use it; every test completes its
// promises and closes its streams before the context goes (see
// PendingAnswerAbandonedAfterTheContextIsGone).
class Calls {
 public:
  // Records the request; answers when the test completes promise(i).
  Handler later() {
    return [this](const Request& request) {
      std::lock_guard<std::mutex> guard(mutex_);
      record(request);
      return promises_.back().future();
    };
  }

  // Records the request and answers `response` at once.
  Handler answer(const Response& response) {
    return [this, response](const Request& request) {
      std::lock_guard<std::mutex> guard(mutex_);
      record(request);
      return Future<Response>(response);
    };
  }

  // Answers a stream: writer(i) writes it.
  Handler stream(const std::string& contentType = "") {
    return [this, contentType](const Request& request) -> Future<Response> {
      Pipe pipe;
      std::lock_guard<std::mutex> guard(mutex_);
      record(request);
      writers_.push_back(pipe.writer());
      return OK(pipe.reader(), contentType);
    };
  }

  // True once `count` calls were made (within the test's wait) and, with
  // `returned`, their handlers have returned: their processes have run an
  // event queued after them. Then the test's thread is the only one to
  // complete their answers (see AnswersCompletedFromOutsideAreNeverStranded).
  bool waitFor(size_t count, bool returned = true) {
    std::vector<UPID> processes;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!changed_.wait_for(lock, kWait,
                             [&] { return requests_.size() >= count; })) {
        return false;
      }
      processes = processes_;
    }
    for (const UPID& process : processes) {
      if (returned &&
          !dispatch(process, [] { return Nothing(); }).await(Seconds(10))) {
        return false;
      }
    }
    return true;
  }

  size_t count() {
    std::lock_guard<std::mutex> guard(mutex_);
    return requests_.size();
  }

  Request request(size_t i) {
    std::lock_guard<std::mutex> guard(mutex_);
    return requests_.at(i);
  }

  // Stable: a deque does not move its elements as it grows.
  Promise<Response>& promise(size_t i) {
    std::lock_guard<std::mutex> guard(mutex_);
    return promises_.at(i);
  }

  Pipe::Writer writer(size_t i) {
    std::lock_guard<std::mutex> guard(mutex_);
    return writers_.at(i);
  }

  // Completing an answer from this thread, then wake(): see there.
  void set(size_t i, const Response& response) {
    promise(i).set(response);
    wake();
  }
  void fail(size_t i, const std::string& message) {
    promise(i).fail(message);
    wake();
  }
  void discard(size_t i) {
    promise(i).discard();
    wake();
  }
  bool write(size_t i, const std::string& data) {
    const bool written = writer(i).write(data);
    wake();
    return written;
  }
  bool end(size_t i) {
    const bool closed = writer(i).close();
    wake();
    return closed;
  }
  bool breakOff(size_t i, const std::string& message) {
    const bool failed = writer(i).fail(message);
    wake();
    return failed;
  }

  // Has each handler's process run an event: a worker wakes and, after it,
  // reads the network again. Works around the library bug shown by
  // AnswersCompletedFromOutsideAreNeverStranded: an answer
  // completed on this thread may leave every worker parked away from the
  // network, with an answer queued for it.
  void wake() {
    std::vector<UPID> processes;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      processes = processes_;
    }
    for (const UPID& process : processes) {
      dispatch(process, [] { return Nothing(); }).await(Seconds(10));
    }
  }

 private:
  // With mutex_ held, on the handler's process.
  void record(const Request& request) {
    requests_.push_back(request);
    promises_.emplace_back();
    const UPID self = currentProcess()->self();
    if (std::find(processes_.begin(), processes_.end(), self) ==
        processes_.end()) {
      processes_.push_back(self);
    }
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<UPID> processes_;
  std::vector<Request> requests_;
  std::deque<Promise<Response>> promises_;
  std::vector<Pipe::Writer> writers_;
};

// A process serving the routes (and messages) it is given before it is
// spawned; it installs them in initialize(), as libprocess code does.
class Server : public Process<Server> {
 public:
  explicit Server(const std::string& id = "server") : Process<Server>(id) {}

  Server& on(const std::string& name, Handler handler) {
    routes_.emplace_back(name, std::move(handler));
    return *this;
  }
  Server& onMessage(const std::string& name, MessageHandler handler) {
    messages_.emplace_back(name, std::move(handler));
    return *this;
  }

 protected:
  void initialize() override {
    for (const auto& [name, handler] : routes_) {
      route(name, None(), handler);
    }
    for (const auto& [name, handler] : messages_) {
      install(name, handler);
    }
  }

 private:
  std::vector<std::pair<std::string, Handler>> routes_;
  std::vector<std::pair<std::string, MessageHandler>> messages_;
};

Handler echo() {
  return [](const Request& request) { return OK(request.body); };
}

// ---------------------------------------------------------------------------
// Routes and their handlers.

TEST(HttpServer, RouteAnswersWithItsResponse) {
  Context context(options());
  // Spawned with its routes installed by initialize(), which runs before
  // any event; a request is one.
  auto* server = new Server("hello");
  server->on("/greet", [](const Request&) { return OK("hi\n"); });
  context.spawn(server, true);

  Client client(context.address());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(get("/hello/greet")));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply;
  EXPECT_EQ("HTTP/1.1 200 OK", reply.statusLine);
  EXPECT_EQ("hi\n", reply.body);
  EXPECT_EQ("text/plain; charset=utf-8", reply.header("Content-Type"));
  EXPECT_EQ("3", reply.header("Content-Length"));
  EXPECT_FALSE(reply.header("Transfer-Encoding").has_value());
  EXPECT_FALSE(reply.header("Connection").has_value());
}

TEST(HttpServer, ResponseHeadersAndStatusOfTheHandlerAreSent) {
  Context context(options());
  auto* server = new Server();
  server->on("/teapot", [](const Request&) {
    Response response("short and stout", 418, "text/x-tea");
    response.headers["X-Kettle"] = "on";
    return response;
  });
  server->on("/empty", [](const Request&) { return Response(204); });
  context.spawn(server, true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/teapot") + get("/server/empty")));
  const Reply teapot = client.read();
  ASSERT_EQ(418, teapot.status) << teapot;
  EXPECT_EQ("short and stout", teapot.body);
  EXPECT_EQ("text/x-tea", teapot.header("Content-Type"));
  EXPECT_EQ("on", teapot.header("x-kettle"));
  const Reply empty = client.read();
  ASSERT_EQ(204, empty.status) << empty;
  EXPECT_EQ("HTTP/1.1 204 No Content", empty.statusLine);
  EXPECT_EQ("", empty.body);
  // RFC 9110 8.6: no Content-Length on a 204.
  EXPECT_FALSE(empty.header("Content-Length").has_value());
}

TEST(HttpServer, HandlerFutureCompletedLaterIsTheAnswer) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/later", calls.later()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/later")));
  ASSERT_TRUE(calls.waitFor(1));
  EXPECT_FALSE(client.anythingArrived());

  calls.set(0, OK("done"));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply;
  EXPECT_EQ("done", reply.body);
}

TEST(HttpServer, PipelinedAnswersLeaveInRequestOrder) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/later", calls.later()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/later?n=0") + get("/server/later?n=1") +
                          get("/server/later?n=2")));
  ASSERT_TRUE(calls.waitFor(3));
  // The handlers ran in request order, on the one process.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(std::to_string(i), calls.request(i).url.query["n"]);
  }

  // The first answers last.
  calls.set(2, OK("2"));
  calls.set(1, OK("1"));
  EXPECT_FALSE(client.anythingArrived());
  calls.set(0, OK("0"));

  for (const std::string expected : {"0", "1", "2"}) {
    const Reply reply = client.read();
    ASSERT_EQ(200, reply.status) << reply;
    EXPECT_EQ(expected, reply.body);
  }
}

TEST(HttpServer, ImmediateAnswersWaitBehindAnEarlierPendingOne) {
  // Answers the connection makes itself (400, 404, a message's 202) queue
  // behind a route still answering.
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/later", calls.later())
                     .onMessage("note", [](const UPID&, const std::string&) {}),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/later") + get("/server/../x") +
                          get("/nobody/x") + message("server", "note", "n") +
                          get("/server/nothing-here") + get("/server/later")));
  ASSERT_TRUE(calls.waitFor(2));
  calls.set(1, OK("second"));
  EXPECT_FALSE(client.anythingArrived());
  calls.set(0, OK("first"));

  std::vector<int> statuses;
  std::vector<std::string> bodies;
  for (int i = 0; i < 6; ++i) {
    const Reply reply = client.read();
    ASSERT_NE(0, reply.status) << reply;
    statuses.push_back(reply.status);
    bodies.push_back(reply.body);
  }
  EXPECT_EQ((std::vector<int>{200, 400, 404, 202, 404, 200}), statuses);
  EXPECT_EQ("first", bodies.front());
  EXPECT_EQ("second", bodies.back());
}

TEST(HttpServer, ManyPipelinedRequestsAreAllAnsweredInOrder) {
  // More than a connection lets wait for answers at once (256): reading
  // pauses and resumes.
  Context context(options());
  context.spawn(&(new Server())->on("/echo", echo()), true);

  constexpr int kRequests = 700;
  std::string requests;
  for (int i = 0; i < kRequests; ++i) {
    requests += post("/server/echo", std::to_string(i));
  }
  Client client(context.address());
  ASSERT_TRUE(client.send(requests));
  for (int i = 0; i < kRequests; ++i) {
    const Reply reply = client.read();
    ASSERT_EQ(200, reply.status) << "answer " << i << ": " << reply;
    ASSERT_EQ(std::to_string(i), reply.body);
  }
}

class Counter : public Process<Counter> {
 public:
  Counter() : Process<Counter>("counter") {}

  int total() { return count_; }
  bool allOnTheProcess() { return onProcess_; }

 protected:
  void initialize() override {
    route("/increment", std::string("Adds one; answers the total."),
          [this](const Request&) {
            // No lock: the handler runs on the process, one event at a time.
            onProcess_ = onProcess_ && currentProcess() == this;
            ++count_;
            return OK(std::to_string(count_));
          });
  }

 private:
  int count_ = 0;
  bool onProcess_ = true;
};

TEST(HttpServer, HandlerRunsOnItsProcess) {
  Context context(options());
  Counter counter;
  context.spawn(counter);

  // Two connections at once, two workers: still one handler at a time.
  Client first(context.address());
  Client second(context.address());
  std::string requests;
  for (int i = 0; i < 50; ++i) {
    requests += get("/counter/increment");
  }
  ASSERT_TRUE(first.send(requests));
  ASSERT_TRUE(second.send(requests));
  std::vector<int> seen;
  for (Client* client : {&first, &second}) {
    for (int i = 0; i < 50; ++i) {
      const Reply reply = client->read();
      ASSERT_EQ(200, reply.status) << reply;
      seen.push_back(std::stoi(reply.body));
    }
  }
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(i + 1, seen[static_cast<size_t>(i)]);
  }
  AWAIT_EXPECT_EQ(100, dispatch(counter, &Counter::total));
  AWAIT_EXPECT_EQ(true, dispatch(counter, &Counter::allOnTheProcess));

  context.terminate(counter.self());
  context.wait(counter.self());
}

class Members : public Process<Members> {
 public:
  Members() : Process<Members>("members") {}

 protected:
  void initialize() override {
    route("/m", None(), &Members::handler);
    route("/later", None(), &Members::later);
  }

 private:
  Future<Response> handler(const Request& request) {
    ++calls_;
    return OK("member " + std::to_string(calls_) + " " + request.url.path);
  }

  // A coroutine on the process: it resumes here after the co_await.
  Future<Response> later(const Request&) {
    const int before = calls_;
    co_await dispatch(self(), [] { return 0; });
    co_return OK("later " + std::to_string(before) + " " +
                 std::to_string(currentProcess() == this));
  }

  int calls_ = 0;
};

TEST(HttpServer, MemberFunctionRoutes) {
  Context context(options());
  context.spawn(new Members(), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/members/m") + get("/members/m/x") +
                          get("/members/later")));
  EXPECT_EQ("member 1 /members/m", client.read().body);
  EXPECT_EQ("member 2 /members/m/x", client.read().body);
  EXPECT_EQ("later 2 1", client.read().body);
}

// ---------------------------------------------------------------------------
// The Request a handler gets.

TEST(HttpServer, PathAndQueryArePercentDecoded) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/a b", calls.answer(OK())), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/a%20b?x=%41&y=1+2&z=%26%3D&flag")));
  ASSERT_EQ(200, client.read().status);
  const Request request = calls.request(0);
  EXPECT_EQ("GET", request.method);
  EXPECT_EQ("/server/a b", request.url.path);
  const std::map<std::string, std::string> query{
      {"x", "A"}, {"y", "1 2"}, {"z", "&="}, {"flag", ""}};
  EXPECT_EQ(query, request.url.query);
  EXPECT_EQ(Request::BODY, request.type);
}

TEST(HttpServer, HostFieldGivesTheUrlItsHostAndPort) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/h", calls.answer(OK())), true);

  Client client(context.address());
  const std::string request = "GET /server/h HTTP/1.1\r\nHost: ";
  ASSERT_TRUE(client.send(request + "example.com:8080\r\n\r\n" + request +
                          "10.1.2.3:5050\r\n\r\n" + request +
                          "plain.example\r\n\r\n"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(200, client.read().status);
  }
  const Request named = calls.request(0);
  EXPECT_EQ(Option<std::string>("example.com"), named.url.domain);
  EXPECT_EQ(Option<uint16_t>(8080), named.url.port);
  EXPECT_TRUE(named.url.ip.isNone());
  const Request numbered = calls.request(1);
  EXPECT_EQ(Option<net::IP>(net::IP(0x0a010203)), numbered.url.ip);
  EXPECT_EQ(Option<uint16_t>(5050), numbered.url.port);
  EXPECT_TRUE(numbered.url.domain.isNone());
  const Request portless = calls.request(2);
  EXPECT_EQ(Option<std::string>("plain.example"), portless.url.domain);
  EXPECT_TRUE(portless.url.port.isNone());
}

TEST(HttpServer, EncodedProcessIdAndSlashesInTheRoute) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server("my process(1)"))->on("/a/b", calls.answer(OK())),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/my%20process%281%29/a%2Fb")));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply;
  EXPECT_EQ("/my process(1)/a/b", calls.request(0).url.path);
}

TEST(HttpServer, BadEscapesInPathOrQueryAre400) {
  Context context(options());
  context.spawn(&(new Server())->on("/echo", echo()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/echo%zz") + get("/server/echo?x=%g1") +
                          get("/server/echo")));
  EXPECT_EQ(400, client.read().status);
  EXPECT_EQ(400, client.read().status);
  // Not a malformed request: the connection goes on.
  EXPECT_EQ(200, client.read().status);
}

TEST(HttpServer, HeadersAreCaseInsensitiveAndRepeatsJoined) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/h", calls.answer(OK())), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/h",
                              "X-Custom-Header: one\r\nACCEPT: text/plain\r\n"
                              "x-list: a\r\nX-List: b\r\n")));
  ASSERT_EQ(200, client.read().status);
  const Request request = calls.request(0);
  EXPECT_EQ("one", request.headers.get("x-custom-header"));
  EXPECT_EQ("one", request.headers.get("X-CUSTOM-HEADER"));
  EXPECT_TRUE(request.headers.contains("accept"));
  EXPECT_EQ("text/plain", request.headers.at("Accept"));
  EXPECT_EQ("a, b", request.headers.get("X-List"));
  EXPECT_EQ("test", request.headers.get("host"));
}

TEST(HttpServer, PostBodyReachesTheHandler) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/post", calls.answer(OK())), true);

  const std::string binary("a\0b\r\n\xff"s);
  Client client(context.address());
  ASSERT_TRUE(client.send(post("/server/post", binary)));
  // Chunked, without Libprocess-From: a request, not a message.
  ASSERT_TRUE(client.send(
      "POST /server/post HTTP/1.1\r\nHost: test\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  // A User-Agent that is not libprocess's does not make a message either.
  ASSERT_TRUE(
      client.send(post("/server/post", "ua", "User-Agent: curl/7.88.1\r\n")));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(200, client.read().status);
  }
  EXPECT_EQ("POST", calls.request(0).method);
  EXPECT_EQ(binary, calls.request(0).body);
  EXPECT_EQ("abcde", calls.request(1).body);
  EXPECT_EQ("ua", calls.request(2).body);
}

TEST(HttpServer, ClientAddressAndKeepAlive) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/who", calls.answer(OK())), true);

  Client client(context.address());
  // One after the other on one connection: it stays open between them.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send(get("/server/who")));
    ASSERT_EQ(200, client.read().status);
  }
  ASSERT_TRUE(client.send(get("/server/who", "Connection: close\r\n")));
  ASSERT_EQ(200, client.read().status);

  ASSERT_EQ(4u, calls.count());
  for (size_t i = 0; i < 3; ++i) {
    const Request request = calls.request(i);
    EXPECT_TRUE(request.keepAlive);
    ASSERT_TRUE(request.client.isSome());
    EXPECT_EQ(client.local(), request.client.get());
  }
  EXPECT_FALSE(calls.request(3).keepAlive);
}

// ---------------------------------------------------------------------------
// Which route, and what is refused.

TEST(HttpServer, LongestSlashPrefixRouteIsChosen) {
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/a", [](const Request&) { return OK("a"); })
                     .on("/a/b", [](const Request&) { return OK("a/b"); })
                     .on("/", [](const Request&) { return OK("root"); }),
                true);

  const std::vector<std::pair<std::string, std::string>> cases{
      {"/server/a", "a"},     {"/server/a/", "a"},        {"/server/a/x", "a"},
      {"/server/a/b", "a/b"}, {"/server/a/b/c/d", "a/b"}, {"/server", "root"},
      {"/server/", "root"},   {"/server/a/bc", "a"},
  };
  Client client(context.address());
  for (const auto& [target, route] : cases) {
    ASSERT_TRUE(client.send(get(target)));
    const Reply reply = client.read();
    EXPECT_EQ(200, reply.status) << target << ": " << reply;
    EXPECT_EQ(route, reply.body) << target;
  }
  // Not a '/'-prefix: "/ab" does not extend "/a".
  ASSERT_TRUE(client.send(get("/server/ab")));
  const Reply reply = client.read();
  EXPECT_NE("a", reply.body);
}

TEST(HttpServer, UnknownProcessOrRouteIs404) {
  Context context(options());
  context.spawn(&(new Server())->on("/echo", echo()), true);
  context.spawn(new Server("plain"), true);  // no routes at all

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/nobody/echo") + get("/server/ech") +
                          get("/server/echoes") + get("/plain/echo") +
                          get("/") + get("/server/echo")));
  for (int i = 0; i < 5; ++i) {
    const Reply reply = client.read();
    EXPECT_EQ(404, reply.status) << "request " << i << ": " << reply;
  }
  EXPECT_EQ(200, client.read().status);
}

TEST(HttpServer, DotDotPathsAre400) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/x", calls.answer(OK())), true);
  context.spawn(&(new Server("x"))->on("/", calls.answer(OK())), true);

  for (const std::string target :
       {"/server/../x", "/server/%2e%2e/x", "/server/%2E%2E/x",
        "/server/a/..%2Fb", "/server/x/..", "/..", "/server/.%2e/x"}) {
    Client client(context.address());
    ASSERT_TRUE(client.send(get(target)));
    const Reply reply = client.read();
    EXPECT_EQ(400, reply.status) << target << ": " << reply;
  }
  EXPECT_EQ(0u, calls.count());
}

// ---------------------------------------------------------------------------
// Limits (Context::Limits) and the connection's life.

TEST(HttpServer, OversizedHeadersAre431AndClosed) {
  Context::Limits limits;
  limits.maxHeaderBytes = 1024;
  Calls calls;
  Context context(options(limits));
  context.spawn(&(new Server())->on("/x", calls.answer(OK())), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(
      get("/server/x", "X-Big: " + std::string(4096, 'b') + "\r\n")));
  const Reply reply = client.read();
  EXPECT_EQ(431, reply.status) << reply;
  EXPECT_TRUE(client.closedByPeer());
  EXPECT_EQ(0u, calls.count());
}

TEST(HttpServer, OversizedBodyIs413AndClosed) {
  Context::Limits limits;
  limits.maxBodyBytes = 1024;
  Calls calls;
  Context context(options(limits));
  context.spawn(&(new Server())->on("/x", calls.answer(OK())), true);

  {
    Client client(context.address());
    ASSERT_TRUE(client.send(post("/server/x", std::string(1024, 'a'))));
    EXPECT_EQ(200, client.read().status);  // at the limit: served
    ASSERT_TRUE(client.send(post("/server/x", std::string(4096, 'a'))));
    const Reply reply = client.read();
    EXPECT_EQ(413, reply.status) << reply;
    EXPECT_TRUE(client.closedByPeer());
  }
  {
    Client client(context.address());
    const std::string chunk(600, 'c');
    ASSERT_TRUE(
        client.send("POST /server/x HTTP/1.1\r\nHost: test\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n258\r\n" +
                    chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
    const Reply reply = client.read();
    EXPECT_EQ(413, reply.status) << reply;
    EXPECT_TRUE(client.closedByPeer());
  }
  EXPECT_EQ(1u, calls.count());
}

TEST(HttpServer, SlowClientIsCutOff) {
  Context::Limits limits;
  limits.requestTimeout = Milliseconds(200);
  Calls calls;
  Context context(options(limits));
  context.spawn(&(new Server())->on("/x", calls.answer(OK())), true);

  Client client(context.address());
  ASSERT_TRUE(client.send("GET /server/x HTTP/1.1\r\nHo"));
  const Reply reply = client.read();
  EXPECT_EQ(408, reply.status) << reply;
  EXPECT_TRUE(client.closedByPeer());
  EXPECT_EQ(0u, calls.count());
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/x", calls.answer(OK("x"))), true);

  Client client(context.address());
  // What follows the request that asks to close is not served.
  ASSERT_TRUE(client.send(get("/server/x", "Connection: close\r\n") +
                          get("/server/x")));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply;
  EXPECT_EQ("x", reply.body);
  EXPECT_EQ("close", reply.header("Connection"));
  EXPECT_TRUE(client.closedByPeer());
  EXPECT_EQ(1u, calls.count());
}

TEST(HttpServer, ConnectionCloseAfterPipelinedPendingAnswers) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/later", calls.later()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/later") +
                          get("/server/later", "Connection: close\r\n")));
  ASSERT_TRUE(calls.waitFor(2));
  calls.set(1, OK("1"));
  calls.set(0, OK("0"));
  const Reply first = client.read();
  EXPECT_EQ("0", first.body);
  EXPECT_FALSE(first.header("Connection").has_value());
  const Reply second = client.read();
  EXPECT_EQ("1", second.body);
  EXPECT_EQ("close", second.header("Connection"));
  EXPECT_TRUE(client.closedByPeer());
}

TEST(HttpServer, Http10WithoutKeepAliveIsClosed) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/x", calls.answer(OK("x"))), true);

  Client client(context.address());
  ASSERT_TRUE(client.send("GET /server/x HTTP/1.0\r\n\r\n"));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply;
  EXPECT_EQ("x", reply.body);
  EXPECT_TRUE(client.closedByPeer());
  EXPECT_FALSE(calls.request(0).keepAlive);
}

TEST(HttpServer, Http10WithKeepAliveStaysOpen) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/x", calls.answer(OK("x"))), true);

  Client client(context.address());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.send(
        "GET /server/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const Reply reply = client.read();
    ASSERT_EQ(200, reply.status) << reply;
  }
  EXPECT_TRUE(calls.request(0).keepAlive);
}

TEST(HttpServer, HalfClosedClientStillGetsItsAnswers) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/later", calls.later()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/later") + get("/server/later")));
  ASSERT_TRUE(calls.waitFor(2));
  // We are done sending; the answers may still come.
  client.shutdownSending();
  calls.set(0, OK("0"));
  calls.set(1, OK("1"));
  EXPECT_EQ("0", client.read().body);
  EXPECT_EQ("1", client.read().body);
}

// ---------------------------------------------------------------------------
// Messages and routes together.

TEST(HttpServer, MessagesAndRoutesShareAConnectionInOrder) {
  Calls calls;
  std::mutex mutex;
  std::vector<std::string> notes;
  Gate twoNotes;
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/later", calls.later())
                     .on("/echo", echo())
                     .onMessage("note",
                                [&](const UPID& from, const std::string& body) {
                                  std::lock_guard<std::mutex> guard(mutex);
                                  EXPECT_EQ("sender", from.id);
                                  notes.push_back(body);
                                  if (notes.size() == 2) {
                                    twoNotes.open();
                                  }
                                }),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(
      message("server", "note", "first") + get("/server/later") +
      message("server", "note", "second") + post("/server/echo", "echoed") +
      message("nobody", "note", "lost")));
  ASSERT_TRUE(twoNotes.wait(kWait));
  ASSERT_TRUE(calls.waitFor(1));
  calls.set(0, OK("later"));

  const std::vector<std::pair<int, std::string>> expected{
      {202, ""}, {200, "later"}, {202, ""}, {200, "echoed"}, {404, ""}};
  for (const auto& [status, body] : expected) {
    const Reply reply = client.read();
    EXPECT_EQ(status, reply.status) << reply;
    EXPECT_EQ(body, reply.body);
  }
  std::lock_guard<std::mutex> guard(mutex);
  EXPECT_EQ((std::vector<std::string>{"first", "second"}), notes);
}

// ---------------------------------------------------------------------------
// Handlers that fail.

TEST(HttpServer, HandlerThatThrowsIs500) {
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/throws",
                          [](const Request&) -> Future<Response> {
                            throw std::runtime_error("kaboom");
                          })
                     .on("/throws-int",
                         [](const Request&) -> Future<Response> { throw 7; })
                     .on("/echo", echo()),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/throws") + get("/server/throws-int") +
                          post("/server/echo", "alive")));
  const Reply thrown = client.read();
  EXPECT_EQ(500, thrown.status) << thrown;
  // Generic: the reason is in the node's log, not for the client.
  EXPECT_EQ("Internal Server Error\n", thrown.body);
  EXPECT_EQ(500, client.read().status);
  // The process and the connection live on.
  EXPECT_EQ("alive", client.read().body);
}

TEST(HttpServer, FailedFutureIs500AndDiscardedIs503) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/later", calls.later())
                     .on("/failed",
                         [](const Request&) {
                           return Future<Response>(Failure("out of luck"));
                         }),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/failed") + get("/server/later") +
                          get("/server/later")));
  ASSERT_TRUE(calls.waitFor(2));
  calls.fail(0, "too late");
  calls.discard(1);

  const Reply failed = client.read();
  EXPECT_EQ(500, failed.status) << failed;
  EXPECT_EQ("Internal Server Error\n", failed.body);
  const Reply laterFailed = client.read();
  EXPECT_EQ(500, laterFailed.status) << laterFailed;
  EXPECT_EQ("Internal Server Error\n", laterFailed.body);
  const Reply discarded = client.read();
  EXPECT_EQ(503, discarded.status) << discarded;
  EXPECT_EQ("HTTP/1.1 503 Service Unavailable", discarded.statusLine);
}

// ---------------------------------------------------------------------------
// Streamed answers.

TEST(HttpServer, PipeAnswerIsChunkedAndTheNextRequestWaitsForItsEnd) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/stream", calls.stream("text/event-stream"))
                     .on("/echo", echo()),
                true);

  Client client(context.address());
  ASSERT_TRUE(
      client.send(get("/server/stream") + post("/server/echo", "after")));
  ASSERT_TRUE(calls.waitFor(1));

  ASSERT_TRUE(calls.write(0, "hello"));
  const Reply head = client.readHead();
  ASSERT_EQ(200, head.status) << head;
  EXPECT_TRUE(head.chunked);
  EXPECT_FALSE(head.header("Content-Length").has_value());
  EXPECT_EQ("text/event-stream", head.header("Content-Type"));
  // Each piece goes out as it is written, not when the stream ends.
  EXPECT_EQ("hello", client.readChunk());
  ASSERT_TRUE(calls.write(0, "world!"));
  ASSERT_TRUE(calls.write(0, std::string(70000, 'z')));
  EXPECT_EQ("world!", client.readChunk());
  EXPECT_EQ(std::string(70000, 'z'), client.readChunk());
  EXPECT_FALSE(client.anythingArrived());  // the echo waits its turn

  ASSERT_TRUE(calls.end(0));
  EXPECT_EQ("", client.readChunk());
  const Reply after = client.read();
  EXPECT_EQ(200, after.status) << after;
  EXPECT_EQ("after", after.body);
}

TEST(HttpServer, ResponseMadeFromAReader) {
  Pipe pipe;
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/stream",
                          [reader = pipe.reader()](const Request&) {
                            return Response(reader, 200);
                          }),
                true);

  Pipe::Writer writer = pipe.writer();
  writer.write("a");
  writer.write("bc");
  writer.close();
  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/stream")));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply;
  EXPECT_TRUE(reply.chunked);
  EXPECT_EQ("abc", reply.body);
  EXPECT_FALSE(reply.header("Content-Type").has_value());
}

TEST(HttpServer, FailedStreamClosesTheConnection) {
  // A chunked answer cut short can only be told from a whole one by the
  // connection closing without the last chunk.
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/stream", calls.stream()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/stream")));
  ASSERT_TRUE(calls.waitFor(1));
  calls.write(0, "partial");
  ASSERT_EQ(200, client.readHead().status);
  EXPECT_EQ("partial", client.readChunk());
  calls.breakOff(0, "disk on fire");
  EXPECT_TRUE(client.closedByPeer());
}

TEST(HttpServer, StreamToAClientThatLeftStopsTheWriter) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/stream", calls.stream()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/stream")));
  ASSERT_TRUE(calls.waitFor(1));
  Pipe::Writer writer = calls.writer(0);
  calls.write(0, "first");
  ASSERT_EQ(200, client.readHead().status);
  EXPECT_EQ("first", client.readChunk());
  client.close();

  // The node learns of it when a write fails; the writer, from write()
  // returning false or readerClosed(). Bounded: a few writes.
  bool stopped = false;
  for (int i = 0; i < 100 && !stopped; ++i) {
    stopped = !calls.write(0, "more") ||
              writer.readerClosed().await(Milliseconds(100));
  }
  EXPECT_TRUE(stopped);
  AWAIT_READY(writer.readerClosed());
}

// ---------------------------------------------------------------------------
// One slow handler holds up no one else.

TEST(HttpServer, HandlerNeverAnsweringBlocksNoOtherConnection) {
  Calls calls;
  Context context(options());
  context.spawn(
      &(new Server())->on("/never", calls.later()).on("/echo", echo()), true);

  Client stuck(context.address());
  ASSERT_TRUE(stuck.send(get("/server/never")));
  ASSERT_TRUE(calls.waitFor(1));

  for (int i = 0; i < 5; ++i) {
    Client other(context.address());
    ASSERT_TRUE(other.send(post("/server/echo", "free")));
    const Reply reply = other.read();
    EXPECT_EQ(200, reply.status) << reply;
    EXPECT_EQ("free", reply.body);
  }
  EXPECT_FALSE(stuck.anythingArrived());

  // Answered once its handler answers (and before the context goes: see
  // PendingAnswerAbandonedAfterTheContextIsGone).
  calls.set(0, OK("at last"));
  EXPECT_EQ("at last", stuck.read().body);
}

TEST(HttpServer, LaterRouteOfTheSameNameReplacesTheFirst) {
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/x", [](const Request&) { return OK("first"); })
                     .on("/x", [](const Request&) { return OK("second"); }),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/x")));
  EXPECT_EQ("second", client.read().body);
}

TEST(HttpServer, RequestsForAProcessThatTerminatedAre404) {
  Gate entered;
  Gate release;
  Context context(options());
  const UPID busy = context.spawn(&(new Server("busy"))
                                       ->on("/block",
                                            [&](const Request&) {
                                              entered.open();
                                              release.wait(kWait);
                                              return OK("finished");
                                            }),
                                  true);

  Client client(context.address());
  // The second waits in the process's queue (or comes after it is gone).
  ASSERT_TRUE(client.send(get("/busy/block") + get("/busy/block")));
  ASSERT_TRUE(entered.wait(kWait));
  context.terminate(busy);  // ahead of the queued request, which is dropped
  release.open();
  ASSERT_TRUE(context.wait(busy));

  EXPECT_EQ("finished", client.read().body);
  const Reply dropped = client.read();
  EXPECT_EQ(404, dropped.status) << dropped;
  ASSERT_TRUE(client.send(get("/busy/block")));
  EXPECT_EQ(404, client.read().status);
}

TEST(HttpServer, LargeAnswerReachesAClientThatReadsSlowly) {
  std::string large(8 * 1024 * 1024, 'l');
  large.back() = '!';
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/large", [&](const Request&) { return OK(large); })
                     .on("/echo", echo()),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/large") + post("/server/echo", "next")));
  const Reply reply = client.read();
  ASSERT_EQ(200, reply.status) << reply.statusLine;
  EXPECT_EQ(large.size(), reply.body.size());
  EXPECT_TRUE(reply.body == large);
  EXPECT_EQ("next", client.read().body);
}

// ---------------------------------------------------------------------------
// Bugs these tests found, fixed: what each guards.

// The request timeout bounds the peer, not the handler: a "Connection:
// close" request whose handler thinks for five timeouts still gets its
// answer.
TEST(HttpServer, SlowAnswerToConnectionCloseIsStillSent) {
  Context::Limits limits;
  limits.requestTimeout = Milliseconds(200);
  Calls calls;
  Context context(options(limits));
  context.spawn(&(new Server())->on("/later", calls.later()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/later", "Connection: close\r\n")));
  ASSERT_TRUE(calls.waitFor(1));
  // Five request timeouts pass while the handler thinks: the connection
  // must stay open (today it is closed after 200 ms).
  EXPECT_TRUE(client.silentFor(Ms(1000)));
  calls.set(0, OK("worth the wait"));
  const Reply reply = client.read();
  EXPECT_EQ(200, reply.status) << reply;
  EXPECT_EQ("worth the wait", reply.body);
  EXPECT_TRUE(client.closedByPeer());
}

// Nor does it cut a stream that flows to a client taking every chunk.
TEST(HttpServer, StreamToConnectionCloseOutlivesTheRequestTimeout) {
  Context::Limits limits;
  limits.requestTimeout = Milliseconds(200);
  Calls calls;
  Context context(options(limits));
  context.spawn(&(new Server())->on("/stream", calls.stream()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/server/stream", "Connection: close\r\n")));
  ASSERT_TRUE(calls.waitFor(1));
  ASSERT_TRUE(calls.write(0, "0"));
  ASSERT_EQ(200, client.readHead().status);
  ASSERT_EQ("0", client.readChunk());
  // A piece every 100 ms, for three times the request timeout.
  for (int i = 1; i <= 6; ++i) {
    EXPECT_TRUE(client.silentFor(Ms(100)));
    ASSERT_TRUE(calls.write(0, std::to_string(i))) << "cut before piece " << i;
    ASSERT_EQ(std::to_string(i), client.readChunk()) << "cut at piece " << i;
  }
  calls.end(0);
  EXPECT_EQ("", client.readChunk());
  EXPECT_TRUE(client.closedByPeer());
}

class Holder : public Process<Holder> {
 public:
  explicit Holder(Gate& asked) : Process<Holder>("holder"), asked_(asked) {}

 protected:
  void initialize() override {
    route("/wait", None(), [this](const Request&) {
      asked_.open();
      return answer_.future();
    });
  }

 private:
  Gate& asked_;
  Promise<Response> answer_;  // never set: abandoned when the process goes
};

// An abandoned answer (its promise destroyed unset, or a default-made
// future) is answered 500, and the requests behind it are served.
TEST(HttpServer, AbandonedAnswerIsAnswered) {
  Gate asked;
  Context context(options());
  const UPID holder = context.spawn(new Holder(asked), true);
  context.spawn(
      &(new Server())
           ->on("/echo", echo())
           .on("/default", [](const Request&) { return Future<Response>(); }),
      true);

  Client client(context.address());
  ASSERT_TRUE(client.send(get("/holder/wait") + get("/server/default") +
                          post("/server/echo", "behind")));
  ASSERT_TRUE(asked.wait(kWait));
  context.terminate(holder);
  ASSERT_TRUE(context.wait(holder));  // deleted: its promise is abandoned

  const Reply abandoned = client.read();
  EXPECT_GE(abandoned.status, 500) << abandoned;
  const Reply defaultMade = client.read();
  EXPECT_GE(defaultMade.status, 500) << defaultMade;
  const Reply behind = client.read();
  EXPECT_EQ(200, behind.status) << behind;
  EXPECT_EQ("behind", behind.body);
}

// RFC 9110 10.1.1: "Expect: 100-continue" gets "100 Continue" once the
// head is in, so a client waiting for it sends its body at once.
TEST(HttpServer, ExpectContinueIsAnswered) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/post", calls.answer(OK())), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(
      "POST /server/post HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n"));
  const Reply interim = client.readHead();
  ASSERT_EQ(100, interim.status) << interim;
  ASSERT_TRUE(client.send("hello"));
  const Reply reply = client.read();
  EXPECT_EQ(200, reply.status) << reply;
  ASSERT_TRUE(calls.waitFor(1));
  EXPECT_EQ("hello", calls.request(0).body);
}

TEST(HttpServer, ExpectContinueWaitsForTheAnswersAheadOfIt) {
  Calls calls;
  Context context(options());
  context.spawn(
      &(new Server())->on("/later", calls.later()).on("/echo", echo()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send(
      get("/server/later") +
      "POST /server/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(calls.waitFor(1));
  EXPECT_FALSE(client.anythingArrived());  // not even the 100
  calls.set(0, OK("first"));
  EXPECT_EQ("first", client.read().body);
  EXPECT_EQ(100, client.readHead().status);
  ASSERT_TRUE(client.send("hello"));
  EXPECT_EQ("hello", client.read().body);
}

TEST(HttpServer, HeadOfAStreamedAnswerHasNoBody) {
  Calls calls;
  Context context(options());
  context.spawn(
      &(new Server())->on("/stream", calls.stream()).on("/echo", echo()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send("HEAD /server/stream HTTP/1.1\r\nHost: test\r\n\r\n" +
                          post("/server/echo", "next")));
  ASSERT_TRUE(calls.waitFor(1));
  const Reply head = client.readHead();
  EXPECT_EQ(200, head.status) << head;
  EXPECT_FALSE(head.header("Content-Length").has_value());
  const Reply next = client.read();
  EXPECT_EQ("next", next.body) << next;
  // The stream's writer finds it closed.
  EXPECT_FALSE(calls.write(0, "unread"));
}

// A handler that blocks its worker leaves the other worker to watch the
// sockets: the worker leaving a blocking wait in the poller wakes a parked
// one to take it over (SocketWatch::handOverWatch).
TEST(HttpServer, BusyProcessHoldsUpOnlyItsOwnRoutes) {
  Gate release;
  Gate entered;
  Context context(options());
  context.spawn(&(new Server("busy"))
                     ->on("/block",
                          [&](const Request&) {
                            entered.open();
                            release.wait(3 * kWait);
                            return OK("released");
                          }),
                true);
  context.spawn(&(new Server("idle"))
                     ->on("/echo", echo())
                     .onMessage("note", [](const UPID&, const std::string&) {}),
                true);

  Client busy(context.address());
  ASSERT_TRUE(busy.send(get("/busy/block")));
  ASSERT_TRUE(entered.wait(kWait));

  // Two workers: one is blocked, the other is free to serve these.
  Client idle(context.address());
  ASSERT_TRUE(idle.send(post("/idle/echo", "served") +
                        message("idle", "note", "noted")));
  const Reply served = idle.read();
  EXPECT_EQ("served", served.body) << served;
  const Reply noted = idle.read();
  EXPECT_EQ(202, noted.status) << noted;

  release.open();
  EXPECT_EQ("released", busy.read().body);
}

// Threads that keep every core busy while they live.
class CpuHogs {
 public:
  explicit CpuHogs(int count) {
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this] {
        while (!stop_.load(std::memory_order_relaxed)) {
        }
      });
    }
  }
  ~CpuHogs() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      thread.join();
    }
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// Answers completed outside the node (the test's thread) while a process
// completes another are never stranded with nobody watching the sockets.
// (Network::runOnLoop once ran such work inline, holding the loop's token
// without running the loop; this stalled within a few hundred rounds.) The
// hogs oversubscribe the CPU, which the race needed.
TEST(HttpServer, AnswersCompletedFromOutsideAreNeverStranded) {
  CpuHogs hogs(4);
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/later", calls.later()), true);
  // Rounds for 10 s (about 7,000 on 2 cores; the bug stalled within a few
  // hundred).
  const auto end = SteadyClock::now() + std::chrono::seconds(10);
  for (size_t round = 0; SteadyClock::now() < end; ++round) {
    Client client(context.address());
    ASSERT_TRUE(client.send(get("/server/later") + get("/server/later") +
                            get("/server/later")))
        << "round " << round;
    ASSERT_TRUE(calls.waitFor(3 * round + 3, false))
        << "round " << round << ": the node read no request in 10 s";
    // The last may complete as its handler returns, on the process's
    // worker, while this thread completes the others.
    calls.promise(3 * round + 2).set(OK("2"));
    calls.promise(3 * round + 1).set(OK("1"));
    calls.promise(3 * round).set(OK("0"));
    for (const std::string expected : {"0", "1", "2"}) {
      const Reply reply = client.read();
      ASSERT_EQ(expected, reply.body) << "round " << round << ": " << reply;
    }
  }
}

// RFC 9112 6.1: no Transfer-Encoding to an HTTP/1.0 client; a stream goes
// as plain bytes, ended by closing the connection.
TEST(HttpServer, StreamToAnHttp10ClientIsNotChunked) {
  Calls calls;
  Context context(options());
  context.spawn(&(new Server())->on("/stream", calls.stream()), true);

  Client client(context.address());
  ASSERT_TRUE(client.send("GET /server/stream HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(calls.waitFor(1));
  calls.write(0, "plain ");
  calls.write(0, "bytes");
  calls.end(0);
  const Reply head = client.readHead();
  EXPECT_EQ(200, head.status) << head;
  EXPECT_FALSE(head.header("Transfer-Encoding").has_value());
  EXPECT_TRUE(client.readToEnd());
  EXPECT_EQ("plain bytes", client.unread());
}

// Answers, abandonments and stream writes that come after the context is
// gone reach nothing (under AddressSanitizer these once were
// heap-use-after-free: the callbacks held the connection, which held the
// freed Network).
TEST(HttpServer, AnswerCompletedAfterTheContextIsGone) {
  Calls calls;
  {
    Context context(options());
    context.spawn(&(new Server())->on("/later", calls.later()), true);
    Client client(context.address());
    ASSERT_TRUE(client.send(get("/server/later")));
    ASSERT_TRUE(calls.waitFor(1));
  }
  calls.promise(0).set(OK("too late"));  // ASan: heap-use-after-free
}

TEST(HttpServer, PendingAnswerAbandonedAfterTheContextIsGone) {
  std::optional<Calls> calls(std::in_place);
  {
    Context context(options());
    context.spawn(&(new Server())->on("/later", calls->later()), true);
    Client client(context.address());
    ASSERT_TRUE(client.send(get("/server/later")));
    ASSERT_TRUE(calls->waitFor(1));
  }
  calls.reset();  // ASan: heap-use-after-free in ~InboundConnection
}

TEST(HttpServer, StreamWrittenAfterTheContextIsGone) {
  Calls calls;
  {
    Context context(options());
    context.spawn(&(new Server())->on("/stream", calls.stream()), true);
    Client client(context.address());
    ASSERT_TRUE(client.send(get("/server/stream")));
    ASSERT_TRUE(calls.waitFor(1));
    ASSERT_TRUE(calls.writer(0).write("during"));
    EXPECT_EQ(200, client.readHead().status);
    EXPECT_EQ("during", client.readChunk());
  }
  calls.writer(0).write("after");  // ASan: heap-use-after-free
  calls.writer(0).close();
}

// RFC 9110 9.3.2: the answer to HEAD has the GET's Content-Length and no
// body, so the next answer on the connection is read right.
TEST(HttpServer, AnswerToHeadHasNoBody) {
  Context context(options());
  context.spawn(&(new Server())
                     ->on("/x",
                          [](const Request& request) {
                            return OK("abc:" + request.method);
                          }),
                true);

  Client client(context.address());
  ASSERT_TRUE(client.send("HEAD /server/x HTTP/1.1\r\nHost: test\r\n\r\n" +
                          get("/server/x")));
  const Reply head = client.readHead();
  EXPECT_EQ(200, head.status) << head;
  EXPECT_EQ("8", head.header("Content-Length"));
  const Reply next = client.read();
  EXPECT_EQ(200, next.status) << next;
  EXPECT_EQ("abc:GET", next.body);
}

}  // namespace
