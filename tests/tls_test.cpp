// TLS (Context::Tls, LIBPROCESS_SSL_*): two nodes exchange messages and
// links over TLS; curl reaches a route over https; client certificates
// are required, and bad ones (expired, another CA's) refused with a log
// line; downgrade serves plaintext and TLS on one port, and without it
// plaintext is refused; a handshake that never ends is cut off at the
// request timeout (paused Clock); the HTTP client fetches https; bad
// files make Context::create fail. Certificates are made at test time
// (tls_certificates.hpp); the clients are real (curl, our client).
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <glog/logging.h>
#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/dispatch.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/process.hpp>

#include "tls_certificates.hpp"
#include "wire_socket.hpp"

using namespace process;
using tls_test::certificates;
using tls_test::verifiedTls;

namespace {

Context::Options nodeOptions(const Context::Tls& tls) {
  Context::Options options;
  options.workers = 2;
  options.systemEndpoints = false;
  options.tls = tls;
  return options;
}

// Records the messages and exits it hears, links on request, serves
// /greeter/hello.
class Greeter : public Process<Greeter> {
 public:
  Greeter() : ProcessBase("greeter") {}

  Future<std::string> nextMessage() { return message_.future(); }
  Future<UPID> nextExit() { return exit_.future(); }
  Nothing linkTo(const UPID& pid) {
    link(pid);
    return Nothing();
  }
  Nothing greet(const UPID& to, const std::string& body) {
    send(to, "hello", body);
    return Nothing();
  }
  // An https GET from this process's node (its http client settings).
  Future<http::Response> fetch(const http::URL& url) { return http::get(url); }

 protected:
  void initialize() override {
    install("hello", [this](const UPID& from, const std::string& body) {
      message_.set(body);
      send(from, "hello", "back: " + body);
    });
    route("/hello", None(), [](const http::Request& request) {
      return http::OK("hi over " + request.url.path);
    });
  }
  void exited(const UPID& pid) override { exit_.set(pid); }

 private:
  Promise<std::string> message_;
  Promise<UPID> exit_;
};

struct Node {
  explicit Node(const Context::Tls& tls)
      : context(nodeOptions(tls)),
        greeter(context.spawn(new Greeter(), true)) {}
  std::string url(const std::string& scheme = "https") const {
    return scheme + "://127.0.0.1:" + std::to_string(context.address().port) +
           "/greeter/hello";
  }
  Context context;
  PID<Greeter> greeter;
};

struct Curl {
  int status = -1;
  std::string out;
};

Curl curl(const std::string& arguments) {
  Curl result;
  FILE* pipe =
      ::popen(("curl -s -S --max-time 20 " + arguments + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.out.append(buffer, got);
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Whether the node has closed `socket` (or sent anything) by now.
bool closedNow(const wire::Socket& socket) {
  pollfd p{socket.fd(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// What glog logs at WARNING and above while it exists.
class LogCapture : public google::LogSink {
 public:
  LogCapture() { google::AddLogSink(this); }
  ~LogCapture() override { google::RemoveLogSink(this); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  void send(google::LogSeverity severity, const char* /*full_filename*/,
            const char* /*base_filename*/, int /*line*/,
            const google::LogMessageTime& /*time*/, const char* message,
            size_t length) override {
    std::lock_guard<std::mutex> guard(mutex_);
    if (severity >= google::GLOG_WARNING) {
      lines_.emplace_back(message, length);
      logged_.notify_all();
    }
  }
  // Whether a line with both texts is logged within 10 s (the node logs
  // after it closed the connection the client saw end).
  bool waitFor(const std::string& a, const std::string& b) {
    std::unique_lock<std::mutex> guard(mutex_);
    return logged_.wait_for(guard, std::chrono::seconds(10), [&] {
      for (const std::string& line : lines_) {
        if (line.find(a) != std::string::npos &&
            line.find(b) != std::string::npos) {
          return true;
        }
      }
      return false;
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable logged_;
  std::vector<std::string> lines_;
};

TEST(TlsTest, MessagesAndLinksBetweenTwoNodes) {
  Context::Tls tls = verifiedTls();
  tls.requireCert = true;
  Node a(tls);
  auto b = std::make_unique<Node>(tls);
  Future<std::string> arrived = dispatch(b->greeter, &Greeter::nextMessage);
  Future<std::string> answered = dispatch(a.greeter, &Greeter::nextMessage);
  dispatch(a.greeter, &Greeter::greet, UPID(b->greeter), std::string("ping"));
  AWAIT_EXPECT_EQ("ping", arrived);
  AWAIT_EXPECT_EQ("back: ping", answered);

  // The link holds a TLS connection; it breaks when b's node goes.
  Future<UPID> exit = dispatch(a.greeter, &Greeter::nextExit);
  AWAIT_READY(dispatch(a.greeter, &Greeter::linkTo, UPID(b->greeter)));
  const UPID gone = b->greeter;
  b.reset();
  AWAIT_EXPECT_EQ(gone, exit);
}

// A node with TLS on and one without cannot talk: the handshake fails
// (with a log line) and the message is not delivered.
TEST(TlsTest, PlaintextNodeCannotReachTlsNode) {
  LogCapture log;
  Node secure(verifiedTls());
  Node plain(Context::Tls{});
  Future<UPID> exit = dispatch(plain.greeter, &Greeter::nextExit);
  Future<std::string> arrived = dispatch(secure.greeter, &Greeter::nextMessage);
  AWAIT_READY(dispatch(plain.greeter, &Greeter::linkTo, UPID(secure.greeter)));
  dispatch(plain.greeter, &Greeter::greet, UPID(secure.greeter),
           std::string("in the clear"));
  AWAIT_EXPECT_EQ(UPID(secure.greeter), exit);
  EXPECT_TRUE(log.waitFor("TLS", "http request"));
  EXPECT_TRUE(arrived.isPending());
}

TEST(TlsTest, CurlReachesARouteOverHttps) {
  Node node(verifiedTls());
  const Curl ok = curl("--cacert " + certificates().ca + " " + node.url());
  EXPECT_EQ(0, ok.status) << ok.out;
  EXPECT_EQ("hi over /greeter/hello", ok.out);
  // Another CA's certificate is not trusted by curl.
  const Curl untrusted =
      curl("--cacert " + certificates().otherCa + " " + node.url());
  EXPECT_NE(0, untrusted.status);
}

TEST(TlsTest, RequiredClientCertificate) {
  LogCapture log;
  Context::Tls tls = verifiedTls();
  tls.requireCert = true;
  Node node(tls);
  const std::string base = "--cacert " + certificates().ca + " ";
  const Curl without = curl(base + node.url());
  EXPECT_NE(0, without.status) << without.out;
  const Curl with = curl(base + "--cert " + certificates().node + " --key " +
                         certificates().key + " " + node.url());
  EXPECT_EQ(0, with.status) << with.out;
  EXPECT_EQ("hi over /greeter/hello", with.out);
  EXPECT_TRUE(log.waitFor("TLS", "certificate"));
}

TEST(TlsTest, ExpiredOrWronglySignedClientCertificateIsRefused) {
  LogCapture log;
  Context::Tls tls = verifiedTls();
  tls.requireCert = true;
  Node node(tls);
  const std::string base =
      "--cacert " + certificates().ca + " --key " + certificates().key + " ";
  const Curl expired =
      curl(base + "--cert " + certificates().expired + " " + node.url());
  EXPECT_NE(0, expired.status) << expired.out;
  EXPECT_TRUE(log.waitFor("TLS", "certificate has expired"));
  const Curl wrong =
      curl(base + "--cert " + certificates().wrongSigned + " " + node.url());
  EXPECT_NE(0, wrong.status) << wrong.out;
  EXPECT_TRUE(log.waitFor("TLS", "unable to get local issuer certificate"));
}

TEST(TlsTest, DowngradeServesPlaintextAndTlsOnOnePort) {
  Context::Tls tls = verifiedTls();
  tls.supportDowngrade = true;
  Node node(tls);
  const Curl secure = curl("--cacert " + certificates().ca + " " + node.url());
  EXPECT_EQ(0, secure.status) << secure.out;
  EXPECT_EQ("hi over /greeter/hello", secure.out);
  const Curl plain = curl(node.url("http"));
  EXPECT_EQ(0, plain.status) << plain.out;
  EXPECT_EQ("hi over /greeter/hello", plain.out);

  // A plaintext node reaches it too, both ways.
  Node other(Context::Tls{});
  Future<std::string> arrived = dispatch(node.greeter, &Greeter::nextMessage);
  dispatch(other.greeter, &Greeter::greet, UPID(node.greeter),
           std::string("plain"));
  AWAIT_EXPECT_EQ("plain", arrived);
}

TEST(TlsTest, WithoutDowngradePlaintextIsRefused) {
  LogCapture log;
  Node node(verifiedTls());
  const Curl plain = curl(node.url("http"));
  EXPECT_NE(0, plain.status) << plain.out;
  EXPECT_EQ(std::string::npos, plain.out.find("hi over"));
  EXPECT_TRUE(log.waitFor("TLS", "handshake failed"));
}

// The handshake is bounded by the request timeout, on process::Clock: a
// client that connects and says nothing, or half a ClientHello, is cut
// off at the timeout, not before.
TEST(TlsTest, HandshakeThatNeverEndsIsTimedOut) {
  Context::Options options = nodeOptions(verifiedTls());
  const Duration timeout = Seconds(30);
  options.limits.requestTimeout = timeout;
  Clock::pause();
  {
    Context node(options);
    node.spawn(new Greeter(), true);
    wire::Socket silent = wire::Socket::connect(node.address());
    wire::Socket half = wire::Socket::connect(node.address());
    // A record header and the start of a ClientHello.
    ASSERT_TRUE(half.write(std::string("\x16\x03\x01\x00\xc8\x01\x00\x00", 8)));
    // A whole request over TLS on a later connection: both were accepted,
    // and `half`'s bytes read, once it is answered.
    Clock::settle();
    auto serves = [&] {
      const Curl ok =
          curl("--cacert " + certificates().ca + " https://127.0.0.1:" +
               std::to_string(node.address().port) + "/greeter/hello");
      return ok.status == 0;
    };
    ASSERT_TRUE(serves());
    Clock::advance(timeout - Seconds(1));
    Clock::settle();
    ASSERT_TRUE(serves());
    EXPECT_FALSE(closedNow(silent));
    EXPECT_FALSE(closedNow(half));
    Clock::advance(Seconds(1));
    EXPECT_TRUE(silent.waitClosed(std::chrono::milliseconds(10000)));
    EXPECT_TRUE(half.waitClosed(std::chrono::milliseconds(10000)));
  }
  Clock::resume();
}

// A handshaking connection holds a slot: at maxConnections a new one
// waits for room, which the silent handshake (never a request) makes.
TEST(TlsTest, HandshakesCountAgainstTheConnectionLimit) {
  Context::Options options = nodeOptions(verifiedTls());
  options.limits.maxConnectionsPerAddress = 1;
  Context node(options);
  node.spawn(new Greeter(), true);
  wire::Socket silent = wire::Socket::connect(node.address());
  ASSERT_TRUE(silent.valid());
  // The second connection from 127.0.0.1 is past the per-address limit.
  const Curl refused =
      curl("--cacert " + certificates().ca + " https://127.0.0.1:" +
           std::to_string(node.address().port) + "/greeter/hello");
  EXPECT_NE(0, refused.status) << refused.out;
}

TEST(TlsTest, HttpClientFetchesHttps) {
  Node server(verifiedTls());
  // A node without TLS of its own checks the server against the CA.
  Context::Tls client;
  client.verifyCert = true;
  client.caFile = certificates().ca;
  Node fetcher(client);
  Future<http::Response> response =
      dispatch(fetcher.greeter, &Greeter::fetch,
               http::URL("https", net::IP::parse("127.0.0.1").get(),
                         server.context.address().port, "/greeter/hello"));
  AWAIT_READY(response);
  EXPECT_EQ(200u, response->code);
  EXPECT_EQ("hi over /greeter/hello", response->body);

  // By name: localhost is in the certificate, and checked by OpenSSL.
  Context::Tls named = client;
  named.hostnameValidation = Context::Tls::HostnameValidation::kOpenssl;
  Node byName(named);
  Future<http::Response> byHost =
      dispatch(byName.greeter, &Greeter::fetch,
               http::URL("https", "localhost", server.context.address().port,
                         "/greeter/hello"));
  AWAIT_READY(byHost);
  EXPECT_EQ(200u, byHost->code);

  // Another CA: refused, with the reason.
  Context::Tls wrong = client;
  wrong.caFile = certificates().otherCa;
  Node untrusting(wrong);
  Future<http::Response> refused =
      dispatch(untrusting.greeter, &Greeter::fetch,
               http::URL("https", net::IP::parse("127.0.0.1").get(),
                         server.context.address().port, "/greeter/hello"));
  AWAIT_FAILED(refused);
  EXPECT_NE(std::string::npos, refused.failure().find("certificate"))
      << refused.failure();
}

TEST(TlsTest, BadFilesFailContextCreate) {
  Context::Tls tls = verifiedTls();
  tls.certFile = certificates().dir + "/missing.pem";
  Try<std::unique_ptr<Context>> missing = Context::create(nodeOptions(tls));
  ASSERT_TRUE(missing.isError());
  EXPECT_NE(std::string::npos, missing.error().find(tls.certFile))
      << missing.error();
  EXPECT_NE(std::string::npos, missing.error().find("No such file"))
      << missing.error();

  tls = verifiedTls();
  tls.keyFile = certificates().dir + "/garbage.key";
  tls_test::writeFile(tls.keyFile, "not a key\n");
  Try<std::unique_ptr<Context>> garbage = Context::create(nodeOptions(tls));
  ASSERT_TRUE(garbage.isError());
  EXPECT_NE(std::string::npos, garbage.error().find(tls.keyFile))
      << garbage.error();

  tls = verifiedTls();
  tls.keyFile.clear();
  Try<std::unique_ptr<Context>> noKey = Context::create(nodeOptions(tls));
  ASSERT_TRUE(noKey.isError());
  EXPECT_NE(std::string::npos, noKey.error().find("LIBPROCESS_SSL_KEY_FILE"));

  tls = verifiedTls();
  tls.ciphers = "NO-SUCH-CIPHER";
  Try<std::unique_ptr<Context>> ciphers = Context::create(nodeOptions(tls));
  ASSERT_TRUE(ciphers.isError());
  EXPECT_NE(std::string::npos, ciphers.error().find("NO-SUCH-CIPHER"));
}

}  // namespace
