// Fuzzes the HTTP server session with what a peer could send, answering
// every request at once in one of several ways (chosen by its target): a
// message's 202, a plain 404, a body, a bodiless code, a streamed answer, a
// failed handler. Whatever the bytes, the session must not crash, and what
// it writes must decode as one response per answer, in order, framed right
// for the request it answers (HEAD, HTTP/1.0 streams).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/pipe.hpp>

#include "http/server_session.hpp"
#include "http/stream_decoder.hpp"

namespace {

using process::Failure;
using process::Future;
using process::http::internal::DecodedRequest;
using process::http::internal::DecodedResponse;
using process::http::internal::HttpLimits;
using process::http::internal::ResponseStreamDecoder;
using process::http::internal::ServerSession;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

class Owner final : public ServerSession::Handler {
 public:
  explicit Owner(const HttpLimits& limits)
      : session(limits, *this, [this](std::function<void()> f) {
          posted.push_back(std::move(f));
        }) {}

  void onRequest(DecodedRequest& request,
                 ServerSession::Ticket ticket) override {
    methods.push_back(request.method);
    namespace http = process::http;
    switch (request.target.size() % 6) {
      case 0:
        session.answer(ticket, 202);
        break;
      case 1:
        session.answer(ticket, 404, "no such thing\n");
        break;
      case 2:
        session.answer(ticket, Future(http::Response(request.body, 200)));
        break;
      case 3:
        session.answer(
            ticket, Future(http::Response(std::string("x"),
                                          request.body.empty() ? 204 : 304)));
        break;
      case 4: {
        http::Pipe pipe;
        pipe.writer().write(request.target);
        pipe.writer().close();
        session.answer(ticket, Future(http::Response(pipe.reader(), 200)));
        break;
      }
      default:
        session.answer(ticket, Future<http::Response>(Failure("no")));
        break;
    }
  }

  void onOutput() override {}

  void runPosted() {
    while (!posted.empty()) {
      std::vector<std::function<void()>> batch;
      batch.swap(posted);
      for (auto& f : batch) {
        f();
      }
    }
  }

  std::vector<std::string> methods;
  std::vector<std::function<void()>> posted;
  ServerSession session;
};

class Counter final : public ResponseStreamDecoder::Handler {
 public:
  bool onHead(DecodedResponse& head) override {
    check(head.status >= 200 && head.status < 600);
    return true;
  }
  bool onBody(std::string_view) override { return true; }
  bool onComplete() override {
    ++responses;
    return true;
  }
  size_t responses = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const char* data = reinterpret_cast<const char*>(bytes);
  HttpLimits limits;
  limits.maxHeaderBytes = 512;
  limits.maxBodyBytes = 256;
  limits.maxHeaders = 8;
  Owner owner(limits);
  const size_t split = size == 0 ? 0 : bytes[0] % (size + 1);
  bool ok = owner.session.feed(data, split);
  owner.runPosted();
  if (ok && owner.session.wantsInput()) {
    ok = owner.session.feed(data + split, size - split);
    owner.runPosted();
  }
  owner.session.endOfInput();
  check(!owner.session.aborted());
  check(owner.session.wantsClose());
  const std::string out = owner.session.takeOutput();

  ResponseStreamDecoder decoder;
  for (const std::string& method : owner.methods) {
    decoder.expect(method);
  }
  Counter counter;
  check(decoder.feed(out.data(), out.size(), counter));
  check(decoder.finish(counter));
  // An answer per request (none after one that closes), and one more for
  // input rejected.
  check(counter.responses <= owner.methods.size() + (ok ? 0 : 1));
  check(!owner.methods.empty() || ok || counter.responses == 1);
  return 0;
}
