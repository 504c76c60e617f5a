// The server session, bytes in and bytes out: answers leave in request
// order whenever they are made, streamed answers are framed for their
// client, and every error and bound is answered or obeyed without a socket.
#include "http/server_session.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <process/future.hpp>
#include <process/http.hpp>
#include <process/pipe.hpp>

#include "http/encoder.hpp"

namespace process::http::internal {
namespace {

using Ticket = ServerSession::Ticket;

// The owner: records requests, queues what the session posts, and runs
// the queue when told.
class Owner final : public ServerSession::Handler {
 public:
  explicit Owner(const HttpLimits& limits = HttpLimits())
      : session(limits, *this, [this](std::function<void()> f) {
          posted.push_back(std::move(f));
        }) {}

  void onRequest(DecodedRequest& request, Ticket ticket) override {
    requests.push_back(request);
    tickets.push_back(ticket);
    if (answerAtOnce) {
      session.answer(ticket, 202);
    }
  }

  void onOutput() override { ++outputs; }

  bool feed(std::string_view bytes) {
    return session.feed(bytes.data(), bytes.size());
  }

  // Runs what was posted, and what that posts, until nothing is left.
  void runPosted() {
    while (!posted.empty()) {
      std::vector<std::function<void()>> batch;
      batch.swap(posted);
      for (auto& f : batch) {
        f();
      }
    }
  }

  std::vector<DecodedRequest> requests;
  std::vector<Ticket> tickets;
  std::vector<std::function<void()>> posted;
  int outputs = 0;
  bool answerAtOnce = false;
  ServerSession session;  // last: it calls back into the members above
};

http::Response text(uint16_t code, std::string body) {
  http::Response response(std::move(body), code, "");
  return response;
}

std::string ok(std::string_view body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + std::string(body);
}

constexpr std::string_view kGet = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(ServerSessionTest, OneRequestOneAnswer) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  ASSERT_EQ(1u, owner.requests.size());
  EXPECT_EQ("/a", owner.requests[0].target);
  EXPECT_FALSE(owner.session.hasOutput());
  EXPECT_TRUE(owner.session.wantsInput());
  owner.session.answer(owner.tickets[0], Future(text(200, "hi")));
  EXPECT_EQ(ok("hi"), owner.session.takeOutput());
  EXPECT_FALSE(owner.session.wantsClose());
}

TEST(ServerSessionTest, AcceptedIsTheExactBytesPeersMatch) {
  Owner owner;
  owner.answerAtOnce = true;
  ASSERT_TRUE(owner.feed("POST /p/m HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(kAcceptedAnswer, owner.session.output());
  EXPECT_EQ("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n",
            owner.session.takeOutput());
}

TEST(ServerSessionTest, PlainAnswersHaveTextBodies) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  owner.session.answer(owner.tickets[0], 404, "no such process\n");
  EXPECT_EQ(
      "HTTP/1.1 404 Not Found\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 16\r\n\r\nno such process\n",
      owner.session.takeOutput());
}

TEST(ServerSessionTest, PipelinedAnswersLeaveInRequestOrder) {
  Owner owner;
  std::string three;
  for (int i = 0; i < 3; ++i) {
    three += kGet;
  }
  ASSERT_TRUE(owner.feed(three));
  ASSERT_EQ(3u, owner.tickets.size());
  owner.session.answer(owner.tickets[2], Future(text(200, "c")));
  owner.session.answer(owner.tickets[1], Future(text(200, "b")));
  EXPECT_FALSE(owner.session.hasOutput());  // the first is not answered
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  EXPECT_EQ(ok("a") + ok("b") + ok("c"), owner.session.takeOutput());
}

TEST(ServerSessionTest, OutputIsConsumedAsWritten) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  owner.session.answer(owner.tickets[0], Future(text(200, "hi")));
  const std::string all(owner.session.output());
  owner.session.consumed(5);
  EXPECT_EQ(all.substr(5), owner.session.output());
  owner.session.consumed(all.size() - 5);
  EXPECT_FALSE(owner.session.hasOutput());
}

TEST(ServerSessionTest, ContinueIsAnsweredInOrder) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  ASSERT_TRUE(owner.feed(
      "POST /b HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  // Behind the answer still being made.
  EXPECT_FALSE(owner.session.hasOutput());
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  EXPECT_EQ(ok("a") + std::string(kContinueAnswer), owner.session.takeOutput());
  ASSERT_TRUE(owner.feed("xy"));
  ASSERT_EQ(2u, owner.requests.size());
  EXPECT_EQ("xy", owner.requests[1].body);
}

TEST(ServerSessionTest, HeadAnswerHasNoBody) {
  Owner owner;
  ASSERT_TRUE(owner.feed("HEAD /a HTTP/1.1\r\n\r\n"));
  owner.session.answer(owner.tickets[0], Future(text(200, "hello")));
  EXPECT_EQ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
            owner.session.takeOutput());
}

TEST(ServerSessionTest, BodilessCodesHaveNeitherLengthNorBody) {
  for (const uint16_t code : {204, 304}) {
    Owner owner;
    ASSERT_TRUE(owner.feed(kGet));
    owner.session.answer(owner.tickets[0], Future(text(code, "ignored")));
    EXPECT_EQ("HTTP/1.1 " + http::Status::string(code) + "\r\n\r\n",
              owner.session.takeOutput());
  }
}

TEST(ServerSessionTest, StreamedAnswerIsChunkedPieceByPiece) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  ASSERT_TRUE(owner.feed(kGet));
  http::Pipe pipe;
  owner.session.answer(owner.tickets[0],
                       Future(http::Response(pipe.reader(), 200)));
  owner.session.answer(owner.tickets[1], Future(text(200, "next")));
  EXPECT_EQ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            owner.session.takeOutput());
  ASSERT_TRUE(pipe.writer().write("hello"));
  owner.runPosted();
  EXPECT_EQ("5\r\nhello\r\n", owner.session.takeOutput());
  EXPECT_EQ(1, owner.outputs);
  ASSERT_TRUE(pipe.writer().write(std::string(20, 'x')));
  ASSERT_TRUE(pipe.writer().close());
  owner.runPosted();
  // The next answer waited for the end of the stream.
  EXPECT_EQ("14\r\n" + std::string(20, 'x') + "\r\n0\r\n\r\n" + ok("next"),
            owner.session.takeOutput());
  EXPECT_FALSE(owner.session.wantsClose());
}

TEST(ServerSessionTest, StreamToAnHttp10ClientIsNotChunkedAndCloses) {
  Owner owner;
  ASSERT_TRUE(owner.feed("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  http::Pipe pipe;
  owner.session.answer(owner.tickets[0],
                       Future(http::Response(pipe.reader(), 200)));
  EXPECT_EQ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
            owner.session.takeOutput());
  ASSERT_TRUE(pipe.writer().write("abc"));
  ASSERT_TRUE(pipe.writer().close());
  owner.runPosted();
  EXPECT_EQ("abc", owner.session.takeOutput());
  EXPECT_TRUE(owner.session.wantsClose());
}

TEST(ServerSessionTest, FailedStreamAborts) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  http::Pipe pipe;
  owner.session.answer(owner.tickets[0],
                       Future(http::Response(pipe.reader(), 200)));
  ASSERT_TRUE(pipe.writer().fail("broken"));
  owner.runPosted();
  EXPECT_TRUE(owner.session.aborted());
  EXPECT_NE(std::string::npos, owner.session.abortReason().find("broken"));
  EXPECT_TRUE(owner.session.wantsClose());
}

TEST(ServerSessionTest, ShutdownClosesTheStreamsReader) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  http::Pipe pipe;
  owner.session.answer(owner.tickets[0],
                       Future(http::Response(pipe.reader(), 200)));
  owner.session.shutdown();
  EXPECT_TRUE(pipe.writer().readerClosed().isReady());
  EXPECT_FALSE(pipe.writer().write("late"));
  owner.runPosted();
}

TEST(ServerSessionTest, MalformedRequestIs400AndCloses) {
  Owner owner;
  EXPECT_FALSE(owner.feed("GET / HTTP/1.1\r\nBad Header\r\n\r\n"));
  const std::string out = owner.session.takeOutput();
  EXPECT_EQ(0u, out.find("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"))
      << out;
  EXPECT_TRUE(owner.session.wantsClose());
  EXPECT_FALSE(owner.session.wantsInput());
  EXPECT_EQ(400, owner.session.errorStatus());
}

TEST(ServerSessionTest, LimitsAreAnsweredWithTheirStatus) {
  struct Case {
    std::string input;
    std::string statusLine;
  };
  const HttpLimits limits{.maxHeaderBytes = 64, .maxBodyBytes = 8};
  const std::vector<Case> cases = {
      {"GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
      {"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n",
       "HTTP/1.1 413 Payload Too Large\r\n"},
      {"GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported\r\n"},
  };
  for (const Case& c : cases) {
    Owner owner(limits);
    EXPECT_FALSE(owner.feed(c.input));
    const std::string out = owner.session.takeOutput();
    EXPECT_EQ(0u, out.find(c.statusLine)) << out;
    EXPECT_NE(std::string::npos, out.find("Connection: close\r\n"));
    EXPECT_TRUE(owner.session.wantsClose());
    EXPECT_TRUE(owner.requests.empty());
  }
}

TEST(ServerSessionTest, ErrorWaitsBehindEarlierAnswers) {
  Owner owner;
  std::string input(kGet);
  input += "BAD\r\n\r\n";
  EXPECT_FALSE(owner.feed(input));
  EXPECT_FALSE(owner.session.hasOutput());
  EXPECT_FALSE(owner.session.wantsClose());  // the first answer is owed
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  const std::string out = owner.session.takeOutput();
  EXPECT_EQ(0u, out.find(ok("a") + "HTTP/1.1 400 Bad Request\r\n")) << out;
  EXPECT_TRUE(owner.session.wantsClose());
}

TEST(ServerSessionTest, ConnectionCloseEndsTheSession) {
  Owner owner;
  std::string input = "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n";
  input += kGet;  // after the close: never handled
  owner.feed(input);
  ASSERT_EQ(1u, owner.tickets.size());
  EXPECT_FALSE(owner.session.wantsInput());
  EXPECT_FALSE(owner.session.wantsClose());  // its answer is owed
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  EXPECT_EQ(
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na",
      owner.session.takeOutput());
  EXPECT_TRUE(owner.session.wantsClose());
}

TEST(ServerSessionTest, EndOfInputAnswersWhatWasSentThenCloses) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  owner.session.endOfInput();
  EXPECT_FALSE(owner.session.wantsClose());
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  EXPECT_EQ(ok("a"), owner.session.takeOutput());
  EXPECT_TRUE(owner.session.wantsClose());
}

TEST(ServerSessionTest, TimeoutIs408AndCloses) {
  Owner owner;
  ASSERT_TRUE(owner.feed("GET /a HTT"));
  EXPECT_TRUE(owner.session.midRequest());
  owner.session.timedOut();
  EXPECT_EQ(
      "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
      "Content-Length: 0\r\n\r\n",
      owner.session.takeOutput());
  EXPECT_TRUE(owner.session.wantsClose());
}

TEST(ServerSessionTest, PendingAnswersBoundStopsInput) {
  Owner owner;
  std::string many;
  for (size_t i = 0; i < kMaxPendingAnswers; ++i) {
    many += kGet;
  }
  ASSERT_TRUE(owner.feed(many));
  EXPECT_FALSE(owner.session.wantsInput());
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  EXPECT_TRUE(owner.session.wantsInput());
}

TEST(ServerSessionTest, UnwrittenAnswersBoundStopsInput) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  owner.session.answer(
      owner.tickets[0],
      Future(text(200, std::string(kMaxUnwrittenAnswers, 'x'))));
  EXPECT_FALSE(owner.session.wantsInput());
  owner.session.consumed(owner.session.output().size());
  EXPECT_TRUE(owner.session.wantsInput());
}

TEST(ServerSessionTest, FailedDiscardedAndAbandonedAnswers) {
  Owner owner;
  std::string three;
  for (int i = 0; i < 3; ++i) {
    three += kGet;
  }
  ASSERT_TRUE(owner.feed(three));
  Promise<http::Response> discarded;
  discarded.discard();
  owner.session.answer(owner.tickets[0],
                       Future<http::Response>(Failure("it broke")));
  owner.session.answer(owner.tickets[1], discarded.future());
  owner.session.answer(owner.tickets[2], Future<http::Response>());
  const std::string out = owner.session.takeOutput();
  const size_t failed = out.find("HTTP/1.1 500 Internal Server Error\r\n");
  const size_t unavailable = out.find("HTTP/1.1 503 Service Unavailable\r\n");
  const size_t abandoned =
      out.find("HTTP/1.1 500 Internal Server Error\r\n", failed + 1);
  EXPECT_EQ(0u, failed) << out;
  // The failure's text stays on the node (the runtime logs it).
  EXPECT_EQ(std::string::npos, out.find("it broke"));
  EXPECT_NE(std::string::npos, out.find("Internal Server Error\n"));
  EXPECT_LT(failed, unavailable);
  EXPECT_NE(std::string::npos, abandoned);
  EXPECT_LT(unavailable, abandoned);
}

TEST(ServerSessionTest, FileAnswersAre501) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  http::Response file;
  file.type = http::Response::PATH;
  file.path = "/etc/passwd";
  owner.session.answer(owner.tickets[0], Future(file));
  EXPECT_EQ(0u,
            owner.session.takeOutput().find("HTTP/1.1 501 Not Implemented"));
}

TEST(ServerSessionTest, AnswersAfterShutdownAreDropped) {
  Owner owner;
  ASSERT_TRUE(owner.feed(kGet));
  owner.session.shutdown();
  owner.session.answer(owner.tickets[0], Future(text(200, "a")));
  EXPECT_FALSE(owner.session.hasOutput());
  EXPECT_TRUE(owner.session.wantsClose());
}

}  // namespace
}  // namespace process::http::internal
