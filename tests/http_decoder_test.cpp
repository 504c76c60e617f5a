// The HTTP decoders: requests and responses come out whole and in order
// however the bytes are split, and every limit a peer could push against
// fails with the status that names it.
#include "http/decoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace process::http::internal {
namespace {

const char kLibprocessMessage[] =
    "POST /master/mesos.internal.Ping HTTP/1.1\r\n"
    "User-Agent: libprocess/slave(1)@10.0.0.6:5051\r\n"
    "Libprocess-From: slave(1)@10.0.0.6:5051\r\n"
    "Connection: Keep-Alive\r\n"
    "Host: 10.0.0.5:5050\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "5\r\n"
    "hello\r\n"
    "0\r\n"
    "\r\n";

const char kCompactorMessage[] =
    "POST /master/mesos.internal.Ping HTTP/1.0\r\n"
    "Connection: Keep-Alive\r\n"
    "Content-Length: 5\r\n"
    "Libprocess-From: compactor@10.0.0.7:5052\r\n"
    "\r\n"
    "hello";

struct Result {
  bool ok = true;
  std::vector<DecodedRequest> requests;
};

// Feeds `input` in pieces of `step` bytes (the whole at once for 0).
Result decode(RequestDecoder& decoder, std::string_view input,
              size_t step = 0) {
  Result result;
  if (step == 0) {
    step = input.size() + 1;
  }
  for (size_t i = 0; i < input.size() && result.ok; i += step) {
    const std::string_view piece = input.substr(i, step);
    result.ok =
        decoder.feed(piece.data(), piece.size(), [&](DecodedRequest& request) {
          result.requests.push_back(std::move(request));
        });
  }
  return result;
}

Result decode(std::string_view input, size_t step = 0,
              const HttpLimits& limits = HttpLimits()) {
  RequestDecoder decoder(limits);
  return decode(decoder, input, step);
}

struct Responses {
  bool ok = true;
  std::vector<DecodedResponse> responses;
};

Responses decodeResponses(ResponseDecoder& decoder, std::string_view input,
                          size_t step = 0) {
  Responses result;
  if (step == 0) {
    step = input.size() + 1;
  }
  for (size_t i = 0; i < input.size() && result.ok; i += step) {
    const std::string_view piece = input.substr(i, step);
    result.ok = decoder.feed(piece.data(), piece.size(),
                             [&](DecodedResponse& response) {
                               result.responses.push_back(std::move(response));
                             });
  }
  return result;
}

void expectLibprocessMessage(const DecodedRequest& request) {
  EXPECT_EQ("POST", request.method);
  EXPECT_EQ("/master/mesos.internal.Ping", request.target);
  EXPECT_EQ(1u, request.versionMajor);
  EXPECT_EQ(1u, request.versionMinor);
  ASSERT_EQ(5u, request.headers.size());
  EXPECT_EQ("User-Agent", request.headers[0].name);
  EXPECT_EQ("libprocess/slave(1)@10.0.0.6:5051", request.headers[0].value);
  EXPECT_EQ("Libprocess-From", request.headers[1].name);
  EXPECT_EQ("slave(1)@10.0.0.6:5051", request.headers[1].value);
  EXPECT_EQ("Host", request.headers[3].name);
  EXPECT_EQ("10.0.0.5:5050", request.headers[3].value);
  EXPECT_EQ("hello", request.body);
  EXPECT_TRUE(request.chunked);
  EXPECT_TRUE(request.keepAlive);
}

TEST(RequestDecoderTest, LibprocessMessage) {
  Result result = decode(kLibprocessMessage);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(1u, result.requests.size());
  expectLibprocessMessage(result.requests[0]);
}

TEST(RequestDecoderTest, ExpectContinueIsOwedOnceBeforeTheBody) {
  RequestDecoder decoder;
  int requests = 0;
  auto count = [&](DecodedRequest&) { ++requests; };
  const std::string head =
      "POST /a HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n";
  ASSERT_TRUE(decoder.feed(head.data(), head.size(), count));
  EXPECT_TRUE(decoder.takeContinue());
  EXPECT_FALSE(decoder.takeContinue());  // once
  ASSERT_TRUE(decoder.feed("abc", 3, count));
  EXPECT_EQ(1, requests);

  // The body came with the head: nothing is owed.
  const std::string whole = head + "abc";
  ASSERT_TRUE(decoder.feed(whole.data(), whole.size(), count));
  EXPECT_FALSE(decoder.takeContinue());
  // Part of the body came: the client did not wait.
  const std::string part = head + "a";
  ASSERT_TRUE(decoder.feed(part.data(), part.size(), count));
  EXPECT_FALSE(decoder.takeContinue());
  ASSERT_TRUE(decoder.feed("bc", 2, count));
  // HTTP/1.0 knows no 100 Continue; a request without the field owes none.
  for (const std::string request :
       {"POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\n",
        "POST /a HTTP/1.0\r\nContent-Length: 1\r\nExpect: "
        "100-continue\r\n\r\n"}) {
    ASSERT_TRUE(decoder.feed(request.data(), request.size(), count));
    EXPECT_FALSE(decoder.takeContinue()) << request;
    ASSERT_TRUE(decoder.feed("x", 1, count));
  }
  EXPECT_EQ(5, requests);
}

TEST(RequestDecoderTest, SplitAtEveryByte) {
  const std::string input = std::string(kLibprocessMessage) + kCompactorMessage;
  for (size_t split = 1; split < input.size(); ++split) {
    RequestDecoder decoder;
    std::vector<DecodedRequest> requests;
    auto collect = [&](DecodedRequest& r) { requests.push_back(std::move(r)); };
    ASSERT_TRUE(decoder.feed(input.data(), split, collect)) << split;
    ASSERT_TRUE(
        decoder.feed(input.data() + split, input.size() - split, collect))
        << split;
    ASSERT_EQ(2u, requests.size()) << split;
    expectLibprocessMessage(requests[0]);
    EXPECT_EQ("hello", requests[1].body) << split;
    EXPECT_FALSE(decoder.midRequest());
  }
}

TEST(RequestDecoderTest, OneByteAtATime) {
  const std::string input = std::string(kLibprocessMessage) + kCompactorMessage;
  RequestDecoder decoder;
  Result result = decode(decoder, input, 1);
  ASSERT_TRUE(result.ok) << decoder.error();
  ASSERT_EQ(2u, result.requests.size());
  expectLibprocessMessage(result.requests[0]);
  const DecodedRequest& compactor = result.requests[1];
  EXPECT_EQ(0u, compactor.versionMinor);
  EXPECT_EQ("hello", compactor.body);
  EXPECT_FALSE(compactor.chunked);
  EXPECT_TRUE(compactor.keepAlive);
}

TEST(RequestDecoderTest, PipelinedInOrder) {
  std::string input;
  for (int i = 0; i < 100; ++i) {
    const std::string body = std::to_string(i);
    input += "POST /p/m" + std::to_string(i) +
             " HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n\r\n" + body;
    input += "GET /p/route?i=" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
  }
  for (size_t step : {0, 1, 7, 100}) {
    Result result = decode(input, step);
    ASSERT_TRUE(result.ok);
    ASSERT_EQ(200u, result.requests.size());
    for (int i = 0; i < 100; ++i) {
      const DecodedRequest& post = result.requests[2 * i];
      EXPECT_EQ("POST", post.method);
      EXPECT_EQ("/p/m" + std::to_string(i), post.target);
      EXPECT_EQ(std::to_string(i), post.body);
      const DecodedRequest& get = result.requests[2 * i + 1];
      EXPECT_EQ("GET", get.method);
      EXPECT_EQ("/p/route?i=" + std::to_string(i), get.target);
      EXPECT_TRUE(get.body.empty());
      EXPECT_TRUE(get.headers.empty());
    }
  }
}

TEST(RequestDecoderTest, HeadersDoNotLeakIntoTheNextRequest) {
  // The decoder reuses its header entries; a shorter request after a
  // longer one must not show the longer one's extra headers.
  RequestDecoder decoder;
  std::vector<DecodedRequest> requests;
  auto keep = [&](DecodedRequest& r) { requests.push_back(r); };
  const std::string a = "GET /a HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  const std::string b = "GET /b HTTP/1.1\r\nD: 4\r\n\r\n";
  ASSERT_TRUE(decoder.feed(a.data(), a.size(), keep));
  ASSERT_TRUE(decoder.feed(b.data(), b.size(), keep));
  ASSERT_TRUE(decoder.feed(a.data(), a.size(), keep));
  ASSERT_EQ(3u, requests.size());
  ASSERT_EQ(1u, requests[1].headers.size());
  EXPECT_EQ("D", requests[1].headers[0].name);
  EXPECT_EQ("4", requests[1].headers[0].value);
  ASSERT_EQ(3u, requests[2].headers.size());
  EXPECT_EQ("A", requests[2].headers[0].name);
  EXPECT_EQ("C", requests[2].headers[2].name);
  EXPECT_EQ("3", requests[2].headers[2].value);
}

TEST(RequestDecoderTest, CallbackMayMoveEverything) {
  RequestDecoder decoder;
  std::vector<DecodedRequest> requests;
  auto steal = [&](DecodedRequest& r) {
    requests.push_back(std::move(r));
    r.headers.clear();
  };
  std::string input;
  for (int i = 0; i < 3; ++i) {
    input += kLibprocessMessage;
  }
  ASSERT_TRUE(decoder.feed(input.data(), input.size(), steal));
  ASSERT_EQ(3u, requests.size());
  for (const DecodedRequest& request : requests) {
    expectLibprocessMessage(request);
  }
}

TEST(RequestDecoderTest, ContentLengthBody) {
  Result result =
      decode("PUT /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", 3);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(1u, result.requests.size());
  EXPECT_EQ("PUT", result.requests[0].method);
  EXPECT_EQ("hello world", result.requests[0].body);
  EXPECT_FALSE(result.requests[0].chunked);
}

TEST(RequestDecoderTest, BinaryBody) {
  const std::string body("a\0\r\n\xff", 5);
  const std::string input =
      "POST /p/m HTTP/1.1\r\nContent-Length: 5\r\n\r\n" + body;
  Result result = decode(input);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(1u, result.requests.size());
  EXPECT_EQ(body, result.requests[0].body);
}

TEST(RequestDecoderTest, ChunkedBodyIsDechunked) {
  Result result = decode(
      "POST /p/m HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n"
      "A\r\n0123456789\r\n"
      "1\r\nz\r\n"
      "0\r\n\r\n",
      2);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(1u, result.requests.size());
  EXPECT_EQ("abc0123456789z", result.requests[0].body);
  EXPECT_TRUE(result.requests[0].chunked);
}

TEST(RequestDecoderTest, ChunkExtensionsAndTrailers) {
  Result result = decode(
      "POST /p/m HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;name=value\r\nabc\r\n"
      "2;x=\"quoted\"\r\nde\r\n"
      "1;flag;other\r\nf\r\n"
      "0\r\n"
      "Trailer-Field: ignored\r\n"
      "\r\n"
      "GET /next HTTP/1.1\r\n\r\n",
      1);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(2u, result.requests.size());
  EXPECT_EQ("abcdef", result.requests[0].body);
  EXPECT_EQ(1u, result.requests[0].headers.size());
  EXPECT_EQ("/next", result.requests[1].target);
}

TEST(RequestDecoderTest, HeaderLookupIsCaseInsensitive) {
  Result result = decode(
      "GET / HTTP/1.1\r\nlibprocess-from: a@1.2.3.4:5\r\nX-Empty:\r\n"
      "X-Spaces:   padded\r\n\r\n");
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(1u, result.requests.size());
  const DecodedRequest& request = result.requests[0];
  ASSERT_NE(nullptr, request.header("LIBPROCESS-FROM"));
  EXPECT_EQ("a@1.2.3.4:5", *request.header("Libprocess-From"));
  ASSERT_NE(nullptr, request.header("x-empty"));
  EXPECT_EQ("", *request.header("x-empty"));
  EXPECT_EQ("padded", *request.header("x-spaces"));
  EXPECT_EQ(nullptr, request.header("Libprocess-Fro"));
  EXPECT_EQ(nullptr, request.header("Host"));
}

TEST(RequestDecoderTest, WhitespaceAroundValuesIsNotPartOfThem) {
  Result result = decode(
      "GET / HTTP/1.1\r\nLibprocess-From: \t a@1.2.3.4:5 \t \r\n"
      "X-Inner: a  b\t\r\n\r\n");
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(1u, result.requests.size());
  EXPECT_EQ("a@1.2.3.4:5", *result.requests[0].header("Libprocess-From"));
  EXPECT_EQ("a  b", *result.requests[0].header("X-Inner"));
}

TEST(RequestDecoderTest, KeepAlive) {
  struct Case {
    const char* head;
    bool keepAlive;
  };
  const Case cases[] = {
      {"GET / HTTP/1.1\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", true},
      {"GET / HTTP/1.0\r\n\r\n", false},
      {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
      {"GET / HTTP/1.0\r\nConnection: close\r\n\r\n", false},
  };
  for (const Case& c : cases) {
    Result result = decode(c.head);
    ASSERT_TRUE(result.ok) << c.head;
    ASSERT_EQ(1u, result.requests.size()) << c.head;
    EXPECT_EQ(c.keepAlive, result.requests[0].keepAlive) << c.head;
  }
}

TEST(RequestDecoderTest, Versions) {
  Result result = decode(
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
      "GET / HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(2u, result.requests.size());
  EXPECT_EQ(1u, result.requests[0].versionMajor);
  EXPECT_EQ(0u, result.requests[0].versionMinor);
  EXPECT_EQ(1u, result.requests[1].versionMajor);
  EXPECT_EQ(1u, result.requests[1].versionMinor);
}

TEST(RequestDecoderTest, MidRequest) {
  RequestDecoder decoder;
  int count = 0;
  auto counted = [&](DecodedRequest&) { ++count; };
  EXPECT_FALSE(decoder.midRequest());
  ASSERT_TRUE(decoder.feed("G", 1, counted));
  EXPECT_TRUE(decoder.midRequest());
  const std::string rest = "ET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nx";
  ASSERT_TRUE(decoder.feed(rest.data(), rest.size(), counted));
  EXPECT_TRUE(decoder.midRequest());
  EXPECT_EQ(0, count);
  ASSERT_TRUE(decoder.feed("y", 1, counted));
  EXPECT_FALSE(decoder.midRequest());
  EXPECT_EQ(1, count);
}

void expectFailure(std::string_view input, int status,
                   std::string_view errorText, const HttpLimits& limits,
                   size_t step = 0) {
  RequestDecoder decoder(limits);
  Result result = decode(decoder, input, step);
  EXPECT_FALSE(result.ok) << input;
  EXPECT_EQ(status, decoder.errorStatus()) << input;
  EXPECT_NE(std::string::npos, decoder.error().find(errorText))
      << decoder.error();
  // Dead after an error.
  int count = 0;
  EXPECT_FALSE(decoder.feed("GET / HTTP/1.1\r\n\r\n", 18,
                            [&](DecodedRequest&) { ++count; }));
  EXPECT_EQ(0, count);
}

TEST(RequestDecoderTest, NoErrorBeforeFailure) {
  RequestDecoder decoder;
  EXPECT_EQ("", decoder.error());
  EXPECT_EQ(0, decoder.errorStatus());
}

TEST(RequestDecoderTest, HeaderBytesLimitIsExact) {
  // Request line, header and blank line: the whole head.
  const std::string head =
      "GET /0123456789 HTTP/1.1\r\n"
      "X-Padding: 0123456789abcdef\r\n"
      "\r\n";
  ASSERT_EQ(57u, head.size());
  for (size_t step : {0, 1, 5}) {
    HttpLimits limits;
    limits.maxHeaderBytes = head.size();
    Result result = decode(head + head, step, limits);
    EXPECT_TRUE(result.ok) << step;
    EXPECT_EQ(2u, result.requests.size()) << step;

    limits.maxHeaderBytes = head.size() - 1;
    expectFailure(head, 431, "request headers exceed 56 bytes", limits, step);
  }
}

TEST(RequestDecoderTest, HeaderBytesLimitDefault) {
  const std::string input =
      "GET / HTTP/1.1\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n";
  expectFailure(input, 431, "request headers exceed 65536 bytes", HttpLimits());
  expectFailure(input, 431, "request headers exceed 65536 bytes", HttpLimits(),
                1000);
}

TEST(RequestDecoderTest, LimitsAtTheirMaximum) {
  HttpLimits limits;
  limits.maxHeaderBytes = SIZE_MAX;
  limits.maxBodyBytes = SIZE_MAX;
  limits.maxHeaders = SIZE_MAX;
  Result result =
      decode(std::string(kLibprocessMessage) + kCompactorMessage, 3, limits);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(2u, result.requests.size());
  expectLibprocessMessage(result.requests[0]);
}

TEST(RequestDecoderTest, HeaderBytesLimitAppliesToALongTarget) {
  HttpLimits limits;
  limits.maxHeaderBytes = 100;
  expectFailure("GET /" + std::string(200, 'x') + " HTTP/1.1\r\n\r\n", 431,
                "exceed 100 bytes", limits);
}

TEST(RequestDecoderTest, HeaderBytesLimitIsPerRequest) {
  HttpLimits limits;
  limits.maxHeaderBytes = 41;  // exactly one head
  std::string input;
  for (int i = 0; i < 50; ++i) {
    input += "POST /p/m HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  }
  Result result = decode(input, 0, limits);
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(50u, result.requests.size());
}

TEST(RequestDecoderTest, TrailersCountAsHeaderBytes) {
  HttpLimits limits;
  limits.maxHeaderBytes = 200;
  expectFailure(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " +
          std::string(300, 't') + "\r\n\r\n",
      431, "exceed 200 bytes", limits);
}

TEST(RequestDecoderTest, HeaderCountLimit) {
  HttpLimits limits;
  limits.maxHeaders = 3;
  Result ok =
      decode("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 0, limits);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(1u, ok.requests.size());
  expectFailure("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431,
                "more than 3 request headers", limits);
  expectFailure("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431,
                "more than 3 request headers", limits, 1);
}

TEST(RequestDecoderTest, ContentLengthOverLimitFailsAtHeaders) {
  HttpLimits limits;
  limits.maxBodyBytes = 10;
  Result ok = decode("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789",
                     0, limits);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(1u, ok.requests.size());
  // No body bytes sent: the head alone is enough to refuse.
  expectFailure("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 413,
                "request body of 11 bytes exceeds 10 bytes", limits);
}

TEST(RequestDecoderTest, ChunkedOverLimitFailsEarly) {
  HttpLimits limits;
  limits.maxBodyBytes = 10;
  const std::string head =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  Result ok = decode(head + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", 0, limits);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(1u, ok.requests.size());
  // The chunk that would cross the limit is refused at its size line,
  // before any of its bytes.
  expectFailure(head + "5\r\n01234\r\n6\r\n", 413,
                "request body exceeds 10 bytes", limits);
  expectFailure(head + "5\r\n01234\r\n6\r\n", 413,
                "request body exceeds 10 bytes", limits, 1);
}

TEST(RequestDecoderTest, UnsupportedVersion) {
  expectFailure("GET / HTTP/2.0\r\n\r\n", 505, "HTTP version 2.0",
                HttpLimits());
  expectFailure("GET / HTTP/1.2\r\n\r\n", 505, "HTTP version 1.2",
                HttpLimits());
  expectFailure("GET / HTTP/0.9\r\n\r\n", 505, "HTTP version 0.9", HttpLimits(),
                1);
  expectFailure("GET / HTTP/3.1\r\n\r\n", 505, "not supported", HttpLimits());
}

TEST(RequestDecoderTest, Malformed) {
  const char* inputs[] = {
      "GARBAGE\r\n\r\n",
      "GET / HTTX/1.1\r\n\r\n",
      "GET / HTTP/1.x\r\n\r\n",
      "GET / HTTP/1.1\r\n(Bad): x\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
      "Content-Length: 3\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
  };
  for (const char* input : inputs) {
    expectFailure(input, 400, "malformed request: ", HttpLimits());
    expectFailure(input, 400, "malformed request: ", HttpLimits(), 1);
  }
  RequestDecoder decoder;
  decode(decoder, "GET / HTTX/1.1\r\n\r\n");
  EXPECT_NE(std::string::npos, decoder.error().find("HPE_")) << decoder.error();
}

TEST(RequestDecoderTest, NothingAfterConnectionClose) {
  // llhttp discards what follows a request that ends the connection.
  for (const char* first : {"GET /a HTTP/1.1\r\nConnection: close\r\n\r\n",
                            "GET /a HTTP/1.0\r\n\r\n"}) {
    RequestDecoder decoder;
    Result result =
        decode(decoder, std::string(first) + "GET /b HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(result.ok);
    ASSERT_EQ(1u, result.requests.size());
    EXPECT_EQ("/a", result.requests[0].target);
    EXPECT_FALSE(result.requests[0].keepAlive);
    EXPECT_FALSE(decoder.midRequest());
  }
}

TEST(RequestDecoderTest, UpgradeIsAnOrdinaryRequest) {
  Result result = decode(
      "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
      "GET /next HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(2u, result.requests.size());
  EXPECT_EQ("/next", result.requests[1].target);
}

TEST(RequestDecoderTest, CallbackExceptionLeavesDecoderUsable) {
  RequestDecoder decoder;
  const std::string input = kLibprocessMessage;
  EXPECT_THROW(decoder.feed(input.data(), input.size(),
                            [](DecodedRequest&) { throw 1; }),
               int);
  std::vector<DecodedRequest> requests;
  ASSERT_TRUE(decoder.feed(input.data(), input.size(), [&](DecodedRequest& r) {
    requests.push_back(std::move(r));
  }));
  ASSERT_EQ(1u, requests.size());
  expectLibprocessMessage(requests[0]);
}

TEST(ResponseDecoderTest, Accepted) {
  ResponseDecoder decoder;
  const std::string input =
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
      "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
  for (size_t step : {0, 1}) {
    ResponseDecoder decoder;
    Responses result = decodeResponses(decoder, input, step);
    ASSERT_TRUE(result.ok) << decoder.error();
    ASSERT_EQ(2u, result.responses.size());
    EXPECT_EQ(202, result.responses[0].status);
    EXPECT_EQ("Accepted", result.responses[0].reason);
    EXPECT_TRUE(result.responses[0].keepAlive);
    EXPECT_EQ("0", *result.responses[0].header("content-length"));
    EXPECT_EQ(404, result.responses[1].status);
    EXPECT_EQ("Not Found", result.responses[1].reason);
    EXPECT_EQ("not found", result.responses[1].body);
    EXPECT_FALSE(decoder.midResponse());
  }
}

TEST(ResponseDecoderTest, Chunked) {
  ResponseDecoder decoder;
  Responses result =
      decodeResponses(decoder,
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n",
                      1);
  ASSERT_TRUE(result.ok) << decoder.error();
  ASSERT_EQ(1u, result.responses.size());
  EXPECT_EQ("abcdef", result.responses[0].body);
  EXPECT_TRUE(result.responses[0].chunked);
}

TEST(ResponseDecoderTest, BodyToEndOfFile) {
  ResponseDecoder decoder;
  Responses result =
      decodeResponses(decoder, "HTTP/1.0 200 OK\r\n\r\nuntil the end", 3);
  ASSERT_TRUE(result.ok);
  EXPECT_TRUE(result.responses.empty());
  EXPECT_TRUE(decoder.midResponse());
  std::vector<DecodedResponse> finished;
  ASSERT_TRUE(decoder.finish(
      [&](DecodedResponse& r) { finished.push_back(std::move(r)); }));
  ASSERT_EQ(1u, finished.size());
  EXPECT_EQ("until the end", finished[0].body);
  EXPECT_EQ(0u, finished[0].versionMinor);
  EXPECT_FALSE(finished[0].keepAlive);
  EXPECT_FALSE(decoder.midResponse());
}

TEST(ResponseDecoderTest, FinishBetweenResponses) {
  ResponseDecoder decoder;
  const std::string input =
      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
  Responses result = decodeResponses(decoder, input);
  ASSERT_EQ(1u, result.responses.size());
  int count = 0;
  EXPECT_TRUE(decoder.finish([&](DecodedResponse&) { ++count; }));
  EXPECT_EQ(0, count);
}

TEST(ResponseDecoderTest, FinishCutShort) {
  const char* inputs[] = {
      "HTTP/1.1 200 OK\r\nContent-Le",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
  };
  for (const char* input : inputs) {
    ResponseDecoder decoder;
    Responses result = decodeResponses(decoder, input);
    ASSERT_TRUE(result.ok);
    EXPECT_TRUE(decoder.midResponse());
    int count = 0;
    EXPECT_FALSE(decoder.finish([&](DecodedResponse&) { ++count; })) << input;
    EXPECT_EQ(0, count);
    EXPECT_NE(std::string::npos, decoder.error().find("cut short"));
  }
}

TEST(ResponseDecoderTest, NoBodyStatuses) {
  ResponseDecoder decoder;
  Responses result =
      decodeResponses(decoder,
                      "HTTP/1.1 100 Continue\r\n\r\n"
                      "HTTP/1.1 204 No Content\r\n\r\n"
                      "HTTP/1.1 304 Not Modified\r\n\r\n"
                      "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(result.ok) << decoder.error();
  ASSERT_EQ(4u, result.responses.size());
  EXPECT_EQ(100, result.responses[0].status);
  EXPECT_EQ(204, result.responses[1].status);
  EXPECT_EQ(304, result.responses[2].status);
  EXPECT_EQ(202, result.responses[3].status);
}

TEST(ResponseDecoderTest, Limits) {
  HttpLimits limits;
  limits.maxHeaderBytes = 64;
  limits.maxBodyBytes = 4;
  limits.maxHeaders = 2;
  const char* inputs[][2] = {
      {"HTTP/1.1 200 OK\r\nX: " /* long */
       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
       "response headers exceed 64 bytes"},
      {"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
       "more than 2 response headers"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
       "response body of 5 bytes exceeds 4 bytes"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
       "response body exceeds 4 bytes"},
      {"HTTP/1.1 200 OK\r\n\r\n12345", "response body exceeds 4 bytes"},
      {"HTTP/2.0 200 OK\r\n\r\n", "HTTP version 2.0 is not supported"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed response"},
  };
  for (const auto& [input, error] : inputs) {
    for (size_t step : {0, 1}) {
      ResponseDecoder decoder(limits);
      Responses result = decodeResponses(decoder, input, step);
      EXPECT_FALSE(result.ok) << input;
      EXPECT_NE(std::string::npos, decoder.error().find(error))
          << decoder.error();
      EXPECT_FALSE(decoder.feed("x", 1, [](DecodedResponse&) {}));
    }
  }
}

}  // namespace
}  // namespace process::http::internal
