// The HTTP client samples of the libprocess developer guide, completed:
// get by UPID and by URL, post and requestDelete, and a Connection with
// requests pipelined on it. They ask the guide's HttpProcess, whose route
// "/testing" answers with the method, the query's "value" and the body.
//
// The guide's URL names "hostname" and port 1234; here they are 127.0.0.1
// and the port this program's node listens on, and the path is the route's
// real one, "/<process id>/testing". Its `Future<Connection> connect =
// connect(url);` calls the variable it declares (a C++ name is in scope in
// its own initializer), so here the call says http::connect. Every wait is
// bounded: the program fails rather than hang.
//
// Exits 0 if every answer came, in order, and said what it should.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <glog/logging.h>

#include <process/after.hpp>
#include <process/future.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;
using namespace process::http;

namespace {

bool ok = true;

void expect(bool condition, const std::string& what) {
  say(condition ? "  ok: " : "  FAILED: ", what);
  ok = ok && condition;
}

// Waits (at most 15 seconds) for `future` and says what came.
bool arrived(const Future<Response>& future, const std::string& what) {
  if (!future.await(Seconds(15))) {
    expect(false, what + ": no answer within 15 seconds");
    return false;
  }
  if (!future.isReady()) {
    expect(false,
           what + ": " + (future.isFailed() ? future.failure() : "discarded"));
    return false;
  }
  say("  ", what, ": ", future->status, ", \"", future->body, "\"");
  return true;
}

// Where the requests of the pipelined run came from, as the server saw them.
std::mutex clientsMutex;
std::vector<Address> clients;

}  // namespace

// What the guide's route calls: the method, the query's "value" (if any) and
// the body, so each answer shows what was asked. With "delay=<ms>" in the
// query it answers that much later.
Future<Response> testing(const Request& request) {
  if (request.client.isSome()) {
    std::lock_guard<std::mutex> lock(clientsMutex);
    clients.push_back(request.client.get());
  }
  std::string answer = request.method;
  const auto value = request.url.query.find("value");
  if (value != request.url.query.end()) {
    answer += " value=" + value->second;
  }
  if (!request.body.empty()) {
    answer += " body=" + request.body;
  }
  const auto delay = request.url.query.find("delay");
  if (delay != request.url.query.end()) {
    return after(Milliseconds(std::stoi(delay->second))).then([answer] {
      return Response(OK(answer));
    });
  }
  return OK(answer);
}

// The guide's server, with its braces.
class HttpProcess : public Process<HttpProcess> {
 protected:
  void initialize() override {
    route("/testing", None(),
          [](const Request& request) { return testing(request); });
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

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  Http http;
  const UPID upid = http.process->self();

  say("get(upid, \"testing\")");
  {
    Future<Response> future = get(upid, "testing");

    if (arrived(future, "GET /" + upid.id + "/testing")) {
      expect(future->code == Status::OK && future->body == "GET",
             "200 OK with \"GET\"");
    }
  }

  say("get(url)");
  // As the guide's, with our node's port and the route's real path.
  URL url =
      URL("http", "127.0.0.1", upid.address.port, "/" + upid.id + "/testing");
  {
    Future<Response> future = get(url);

    if (arrived(future, "GET " + stringify(url))) {
      expect(future->code == Status::OK && future->body == "GET",
             "200 OK with \"GET\"");
    }
  }

  say("post and requestDelete");
  {
    Future<Response> future =
        post(url, None(), std::string("Amazing prose goes here."),
             std::string("text/plain"));

    if (arrived(future, "POST " + stringify(url))) {
      expect(future->code == Status::OK &&
                 future->body == "POST body=Amazing prose goes here.",
             "200 OK with \"POST body=Amazing prose goes here.\"");
    }

    future = post(upid, "testing", None(), std::string("by upid"),
                  std::string("text/plain"));
    if (arrived(future, "POST /" + upid.id + "/testing")) {
      expect(future->code == Status::OK && future->body == "POST body=by upid",
             "200 OK with \"POST body=by upid\"");
    }

    future = requestDelete(url);
    if (arrived(future, "DELETE " + stringify(url))) {
      expect(future->code == Status::OK && future->body == "DELETE",
             "200 OK with \"DELETE\"");
    }

    future = requestDelete(upid, "testing");
    if (arrived(future, "DELETE /" + upid.id + "/testing")) {
      expect(future->code == Status::OK && future->body == "DELETE",
             "200 OK with \"DELETE\"");
    }
  }

  say("connect(url), then send(request), pipelined");
  {
    Future<Connection> connect = http::connect(url);

    if (!connect.await(Seconds(15)) || !connect.isReady()) {
      expect(false, "connect(" + stringify(url) + "): " +
                        (connect.isFailed() ? connect.failure()
                                            : std::string("no connection")));
      return 1;
    }

    Connection connection = connect.get();
    say("  connected from ", connection.localAddress, " to ",
        connection.peerAddress);
    {
      std::lock_guard<std::mutex> lock(clientsMutex);
      clients.clear();
    }

    // Several requests sent in succession, each before any answer: they are
    // pipelined on the one connection. Each carries its number in the query,
    // and the server is asked to answer the first last (delay), yet the
    // answers must arrive in request order: the order is recorded.
    constexpr int kRequests = 5;
    std::vector<Future<Response>> responses;
    // Shared with the callbacks, which may outlive this scope if an answer
    // comes late.
    struct Order {
      std::mutex mutex;
      std::vector<int> arrived;
    };
    const auto order = std::make_shared<Order>();
    for (int i = 0; i < kRequests; ++i) {
      Request request;
      request.method = "GET";
      request.url = url;
      request.url.query["value"] = std::to_string(i);
      request.url.query["delay"] = std::to_string((kRequests - i) * 40);
      request.body = "Amazing prose goes here.";
      request.keepAlive = true;

      Future<Response> response = connection.send(request);
      response.onReady([order, i](const Response&) {
        std::lock_guard<std::mutex> lock(order->mutex);
        order->arrived.push_back(i);
      });
      responses.push_back(response);
    }

    bool all = true;
    for (int i = 0; i < kRequests; ++i) {
      all = arrived(responses[static_cast<size_t>(i)],
                    "answer " + std::to_string(i)) &&
            all;
    }
    if (all) {
      for (int i = 0; i < kRequests; ++i) {
        const Response& response = responses[static_cast<size_t>(i)].get();
        const std::string body =
            "GET value=" + std::to_string(i) + " body=Amazing prose goes here.";
        expect(
            response.code == Status::OK && response.body == body,
            "answer " + std::to_string(i) + " is 200 OK with \"" + body + "\"");
      }
      std::vector<int> expected;
      for (int i = 0; i < kRequests; ++i) {
        expected.push_back(i);
      }
      std::lock_guard<std::mutex> lock(order->mutex);
      expect(order->arrived == expected,
             "the answers arrived in request order");
    }
    {
      std::lock_guard<std::mutex> lock(clientsMutex);
      bool one = clients.size() == static_cast<size_t>(kRequests);
      for (const Address& client : clients) {
        one = one && client == connection.localAddress;
      }
      expect(one, "the server got them all on this one connection");
    }

    Future<Nothing> disconnected = connection.disconnect();
    expect(disconnected.await(Seconds(15)) && disconnected.isReady(),
           "disconnect() completed");
    expect(connection.disconnected().await(Seconds(15)) &&
               connection.disconnected().isReady(),
           "disconnected() completed");
  }

  say(ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
