// Fuzzes the TLS accept path: what a client could send first to a node
// with TLS on, read by an accepted net::Stream (downgrade detection, then
// the server side of the handshake, or the plaintext reads). The first
// byte chooses downgrade on or off; the rest arrives on a socket, then its
// end. Whatever the bytes, the stream must end (an error, or the end of
// file after the plaintext) without a crash, a leak or a hang.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <asio.hpp>

#include <process/context.hpp>

#include "net/event_loop.hpp"
#include "net/stream.hpp"
#include "net/tls.hpp"

namespace {

using process::net::Stream;
using process::net::StreamError;
using process::net::StreamHandler;
using process::net::TlsContext;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

// A certificate for the node, made once with the openssl CLI.
std::shared_ptr<TlsContext> makeContext() {
  char pattern[] = "/tmp/procession-fuzz-tls-XXXXXX";
  check(::mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  process::Context::Tls tls;
  tls.enabled = true;
  tls.certFile = dir + "/node.pem";
  tls.keyFile = dir + "/node.key";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-keyout " +
      tls.keyFile + " -out " + tls.certFile + " >/dev/null 2>&1";
  check(std::system(command.c_str()) == 0);
  auto made = TlsContext::make(tls, true);
  check(made.isSome());
  (void)std::system(("rm -rf " + dir).c_str());
  return made.get();
}

class Recorder final : public StreamHandler {
 public:
  void onData(const char* /*data*/, size_t size) override { read += size; }
  void onEndOfFile() override { ended = true; }
  void onError(const StreamError& /*error*/) override { ended = true; }

  size_t read = 0;
  bool ended = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<TlsContext> context = makeContext();
  static process::net::EventLoop loop{process::Context::Limits{}};
  if (size == 0) {
    return 0;
  }
  int ends[2];
  check(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == 0);
  asio::ip::tcp::socket socket(loop.io());
  asio::error_code ec;
  socket.assign(asio::ip::tcp::v4(), ends[0], ec);
  check(!ec);
  auto stream = std::make_shared<Stream>(
      loop, std::move(socket),
      process::net::AcceptTls{.context = context,
                              .allowPlaintext = (data[0] & 1) != 0});
  auto recorder = std::make_shared<Recorder>();
  stream->setHandler(recorder);
  // What the client sends, then its end of file (the socket pair holds it
  // all: inputs are well under its buffer).
  const size_t body = std::min<size_t>(size - 1, 64 * 1024);
  check(body == 0 || ::send(ends[1], data + 1, body, MSG_NOSIGNAL) ==
                         static_cast<ssize_t>(body));
  ::shutdown(ends[1], SHUT_WR);
  stream->startReading();
  // Each round runs what is ready; a stream that neither ends nor makes
  // progress in many rounds is hung.
  for (int round = 0; round < 10000 && !recorder->ended; ++round) {
    if (loop.io().poll() == 0) {
      loop.io().run_one_for(std::chrono::milliseconds(100));
    }
    char sink[4096];
    while (::recv(ends[1], sink, sizeof(sink), MSG_DONTWAIT) > 0) {
    }
  }
  check(recorder->ended || stream->closed());
  stream->close();
  loop.io().poll();
  ::close(ends[1]);
  return 0;
}
