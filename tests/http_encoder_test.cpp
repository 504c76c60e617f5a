// The HTTP bytes we write: answers' heads and framing, chunks, and the
// heads of the client's requests.
#include "http/encoder.hpp"

#include <gtest/gtest.h>

#include <string>

#include <process/http.hpp>

namespace process::http::internal {
namespace {

TEST(HttpEncoderTest, PlainAnswers) {
  EXPECT_EQ(kAcceptedAnswer, encodePlainAnswer(202));
  EXPECT_EQ(
      "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\n"
      "big\n",
      encodePlainAnswer(413, "big\n", true));
  for (const uint16_t code :
       {202, 400, 404, 408, 413, 431, 500, 501, 503, 505}) {
    EXPECT_FALSE(http::Status::reason(code).empty()) << code;
  }
}

TEST(HttpEncoderTest, ResponseHeadLeavesFramingToUs) {
  http::Response response("hello", 200, "text/html");
  response.headers["Content-Length"] = "99";
  response.headers["Transfer-Encoding"] = "gzip";
  response.headers["Connection"] = "keep-alive";
  std::string head = encodeResponseHead(response, false);
  endHead(head, BodyFraming::kLength, response.body.size());
  EXPECT_EQ(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
      "\r\n",
      head);
  std::string chunked = encodeResponseHead(http::Response(204), true);
  endHead(chunked, BodyFraming::kChunked);
  EXPECT_EQ(
      "HTTP/1.1 204 No Content\r\nConnection: close\r\n"
      "Transfer-Encoding: chunked\r\n\r\n",
      chunked);
}

TEST(HttpEncoderTest, Chunks) {
  EXPECT_EQ("5\r\nhello\r\n", encodeChunk("hello"));
  EXPECT_EQ("1a\r\n" + std::string(26, 'x') + "\r\n",
            encodeChunk(std::string(26, 'x')));
  EXPECT_EQ(kLastChunk, encodeChunk(""));
}

TEST(HttpEncoderTest, RequestHead) {
  http::Request request;
  request.method = "POST";
  request.url.path = "/a b";
  request.body = "xyz";
  request.headers["Content-Length"] = "1";  // ours to state
  request.headers["X-Thing"] = "1";
  Try<std::string> head = encodeRequestHead(request, "example.org", 8080);
  ASSERT_TRUE(head.isSome()) << head.error();
  EXPECT_EQ(
      "POST /a%20b HTTP/1.1\r\nHost: example.org:8080\r\nX-Thing: 1\r\n"
      "Content-Length: 3\r\n\r\n",
      head.get());

  request.keepAlive = false;
  request.type = http::Request::PIPE;
  request.headers["Host"] = "h";
  head = encodeRequestHead(request, "example.org", 8080);
  ASSERT_TRUE(head.isSome()) << head.error();
  EXPECT_EQ(
      "POST /a%20b HTTP/1.1\r\nHost: h\r\nX-Thing: 1\r\nConnection: close\r\n"
      "Transfer-Encoding: chunked\r\n\r\n",
      head.get());
}

TEST(HttpEncoderTest, RequestHeadRefusesWhatWouldBreakTheFraming) {
  http::Request request;
  request.method = "GE T";
  EXPECT_TRUE(encodeRequestHead(request, "h", 80).isError());
  request.method = "GET";
  request.headers["X"] = "a\r\nInjected: yes";
  EXPECT_TRUE(encodeRequestHead(request, "h", 80).isError());
  request.headers.clear();
  request.headers["Bad Name"] = "v";
  EXPECT_TRUE(encodeRequestHead(request, "h", 80).isError());
}

}  // namespace
}  // namespace process::http::internal
