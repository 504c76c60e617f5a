// The HTTP sample of libprocess's developer guide, completed: HttpProcess
// serves the route "/testing", which answers with the query's "value". The
// program spawns it (through the guide's Http wrapper), asks it once over a
// plain TCP socket, as curl would:
//
//   curl 'http://127.0.0.1:<port>/<process id>/testing?value=42'
//
// prints the answer, and exits 0 if it was "200 OK" with the body "42".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <map>
#include <string>

#include <glog/logging.h>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/owned.hpp>
#include <process/process.hpp>

#include "say.hpp"

using namespace process;
using namespace process::http;

// What the guide's route calls: the value of "value" in the query.
Future<Response> testing(const std::map<std::string, std::string>& query) {
  const auto value = query.find("value");
  if (value == query.end()) {
    return BadRequest("no value\n");
  }
  return OK(value->second);
}

// The guide's code, with its braces.
class HttpProcess : public Process<HttpProcess> {
 protected:
  void initialize() override {
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

// Sends "GET target" to `address` with "Connection: close" and returns all
// the server answered (it closes the connection after its answer). Gives up
// after 10 seconds of silence.
std::string get(const Address& address, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_addr.s_addr = htonl(address.ip.value());
  server.sin_port = htons(address.port);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server),
                sizeof(server)) == 0) {
    const std::string request = "GET " + target +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Connection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t got = 0;
      while ((got = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
        answer.append(buffer, static_cast<size_t>(got));
      }
    }
  }
  ::close(fd);
  return answer;
}

int main(int, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_logtostderr = true;

  Http http;
  const UPID pid = http.process->self();
  const std::string target = "/" + pid.id + "/testing?value=42";

  const std::string answer = get(pid.address, target);
  say("GET http://", pid.address, target, " answered:\n", answer);

  const bool ok = answer.starts_with("HTTP/1.1 200 OK\r\n") &&
                  answer.ends_with("\r\n\r\n42");
  say(ok ? "ok" : "FAILED: expected 200 OK with the body 42");
  return ok ? 0 : 1;
}
