// The message codec against the wire: the exact bytes a libprocess node
// sends, and every dialect of sender we must accept (libprocess, compactor,
// User-Agent only), through the request decoder as a node receives them.
#include "transport/message_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/decoder.hpp"

namespace process::transport {
namespace {

const Address kMaster(net::IP((10u << 24) | 5), 5050);

std::vector<DecodedRequest> decodeAll(std::string_view input) {
  RequestDecoder decoder;
  std::vector<DecodedRequest> requests;
  EXPECT_TRUE(decoder.feed(input.data(), input.size(), [&](DecodedRequest& r) {
    requests.push_back(std::move(r));
  })) << decoder.error();
  return requests;
}

DecodedRequest decodeOne(std::string_view input) {
  std::vector<DecodedRequest> requests = decodeAll(input);
  EXPECT_EQ(1u, requests.size());
  return requests.empty() ? DecodedRequest() : std::move(requests[0]);
}

TEST(EncodeMessageTest, ExactBytesWithBody) {
  std::string out;
  encodeMessage("slave(1)@10.0.0.6:5051", "master", kMaster,
                "mesos.internal.RegisterSlaveMessage", "hello", out);
  EXPECT_EQ(
      "POST /master/mesos.internal.RegisterSlaveMessage HTTP/1.1\r\n"
      "User-Agent: libprocess/slave(1)@10.0.0.6:5051\r\n"
      "Libprocess-From: slave(1)@10.0.0.6:5051\r\n"
      "Connection: Keep-Alive\r\n"
      "Host: 10.0.0.5:5050\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "5\r\n"
      "hello\r\n"
      "0\r\n"
      "\r\n",
      out);
}

TEST(EncodeMessageTest, ExactBytesWithoutBody) {
  std::string out;
  encodeMessage("a@127.0.0.1:1", "b(12)", Address(net::IP(0xffffffffu), 65535),
                "ping", "", out);
  EXPECT_EQ(
      "POST /b(12)/ping HTTP/1.1\r\n"
      "User-Agent: libprocess/a@127.0.0.1:1\r\n"
      "Libprocess-From: a@127.0.0.1:1\r\n"
      "Connection: Keep-Alive\r\n"
      "Host: 255.255.255.255:65535\r\n"
      "\r\n",
      out);
}

TEST(EncodeMessageTest, ChunkSizeIsLowercaseHex) {
  std::string out;
  const std::string body(0xabc, 'x');
  encodeMessage("a@0.0.0.0:0", "b", Address(), "n", body, out);
  const std::string expectedHead =
      "POST /b/n HTTP/1.1\r\n"
      "User-Agent: libprocess/a@0.0.0.0:0\r\n"
      "Libprocess-From: a@0.0.0.0:0\r\n"
      "Connection: Keep-Alive\r\n"
      "Host: 0.0.0.0:0\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "abc\r\n";
  EXPECT_EQ(expectedHead + body + "\r\n0\r\n\r\n", out);
}

TEST(EncodeMessageTest, Appends) {
  std::string out = "previous";
  encodeMessage("a@1.2.3.4:5", "b", kMaster, "n", "", out);
  encodeMessage("a@1.2.3.4:5", "b", kMaster, "n", "x", out);
  EXPECT_EQ(0u, out.find("previousPOST /b/n HTTP/1.1\r\n"));
  std::vector<DecodedRequest> requests =
      decodeAll(std::string_view(out).substr(8));
  ASSERT_EQ(2u, requests.size());
  EXPECT_EQ("", requests[0].body);
  EXPECT_EQ("x", requests[1].body);
}

TEST(EncodeMessageTest, EscapesWhatWouldNotSurviveThePath) {
  std::string out;
  encodeMessage("a@1.2.3.4:5", "we/ird id%", kMaster, "n?#%/x", "", out);
  EXPECT_EQ(0u, out.find("POST /we%2Fird%20id%25/n%3F%23%25/x HTTP/1.1\r\n"))
      << out;
  Try<MessageHeader> header = parseMessage(decodeOne(out));
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_EQ("we/ird id%", header->to);
  EXPECT_EQ("n?#%/x", header->name);
}

TEST(MessageCodecTest, RoundTrip) {
  const std::string bodies[] = {"", "x", std::string("\0\r\n0\r\n\r\n", 8),
                                std::string(100000, 'b')};
  for (const std::string& body : bodies) {
    std::string out;
    encodeMessage("slave(1)@10.0.0.6:5051", "master", kMaster,
                  "mesos.internal.Ping", body, out);
    const DecodedRequest request = decodeOne(out);
    EXPECT_TRUE(isMessage(request));
    EXPECT_EQ(body, request.body);
    EXPECT_EQ(!body.empty(), request.chunked);
    EXPECT_TRUE(request.keepAlive);
    Try<MessageHeader> header = parseMessage(request);
    ASSERT_TRUE(header.isSome()) << header.error();
    EXPECT_EQ(UPID("slave(1)", net::IP((10u << 24) | 6), 5051), header->from);
    EXPECT_EQ("master", header->to);
    EXPECT_EQ("mesos.internal.Ping", header->name);
  }
}

TEST(MessageCodecTest, SenderCacheFollowsTheSender) {
  SenderCache senders;
  const char* const sequence[] = {"a@1.2.3.4:5", "a@1.2.3.4:5", "b@1.2.3.4:6",
                                  "a@1.2.3.4:5"};
  for (const char* from : sequence) {
    std::string out;
    encodeMessage(from, "master", kMaster, "n", "x", out);
    Try<MessageHeader> header = parseMessage(decodeOne(out), &senders);
    ASSERT_TRUE(header.isSome()) << header.error();
    EXPECT_EQ(UPID(from), header->from);
  }
  // A bad sender is an error even right after a good one.
  std::string bad;
  encodeMessage("nonsense", "master", kMaster, "n", "", bad);
  EXPECT_TRUE(parseMessage(decodeOne(bad), &senders).isError());
}

TEST(MessageCodecTest, EmptySenderOfAPostIsAnonymous) {
  std::string out;
  encodeMessage(stringify(UPID()), "master", kMaster, "n", "x", out);
  Try<MessageHeader> header = parseMessage(decodeOne(out));
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_FALSE(header->from);
  EXPECT_EQ("master", header->to);
}

TEST(MessageCodecTest, CompactorDialect) {
  const DecodedRequest request = decodeOne(
      "POST /master/mesos.internal.Ping HTTP/1.0\r\n"
      "Connection: Keep-Alive\r\n"
      "Content-Length: 5\r\n"
      "Libprocess-From: compactor@10.0.0.7:5052\r\n"
      "\r\n"
      "hello");
  EXPECT_TRUE(isMessage(request));
  EXPECT_TRUE(request.keepAlive);
  EXPECT_FALSE(request.chunked);
  EXPECT_EQ("hello", request.body);
  Try<MessageHeader> header = parseMessage(request);
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_EQ("compactor", header->from.id);
  EXPECT_EQ(Address(net::IP((10u << 24) | 7), 5052), header->from.address);
  EXPECT_EQ("master", header->to);
  EXPECT_EQ("mesos.internal.Ping", header->name);
}

TEST(MessageCodecTest, UserAgentOnly) {
  const DecodedRequest request = decodeOne(
      "POST /master/ping HTTP/1.1\r\n"
      "User-Agent: libprocess/old@1.2.3.4:5\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(isMessage(request));
  Try<MessageHeader> header = parseMessage(request);
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_EQ(UPID("old", net::IP(0x01020304), 5), header->from);
}

TEST(MessageCodecTest, LibprocessFromWinsOverUserAgent) {
  const DecodedRequest request = decodeOne(
      "POST /master/ping HTTP/1.1\r\n"
      "User-Agent: libprocess/agent@1.1.1.1:1\r\n"
      "libprocess-from: from@2.2.2.2:2\r\n\r\n");
  Try<MessageHeader> header = parseMessage(request);
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_EQ(UPID("from", net::IP(0x02020202), 2), header->from);
}

TEST(MessageCodecTest, NotMessages) {
  const char* inputs[] = {
      "GET /master/state HTTP/1.1\r\nLibprocess-From: a@1.2.3.4:5\r\n\r\n",
      "POST /master/route HTTP/1.1\r\nUser-Agent: curl/8.0\r\n\r\n",
      "POST /master/route HTTP/1.1\r\nUser-Agent: Libprocess/a@1.2.3.4:5\r\n"
      "\r\n",
      "POST /master/route HTTP/1.1\r\n\r\n",
      "PUT /master/route HTTP/1.1\r\nLibprocess-From: a@1.2.3.4:5\r\n\r\n",
  };
  for (const char* input : inputs) {
    EXPECT_FALSE(isMessage(decodeOne(input))) << input;
  }
}

TEST(MessageCodecTest, PercentEncodedPath) {
  const DecodedRequest request = decodeOne(
      "POST /sched%28%31%29/a%2eb%2Fc/d?query=1#frag HTTP/1.1\r\n"
      "Libprocess-From: a@1.2.3.4:5\r\n\r\n");
  Try<MessageHeader> header = parseMessage(request);
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_EQ("sched(1)", header->to);
  EXPECT_EQ("a.b/c/d", header->name);
}

TEST(MessageCodecTest, FragmentWithoutQuery) {
  DecodedRequest request;
  request.method = "POST";
  request.target = "/p/name#frag";
  request.headers.push_back({"Libprocess-From", "a@1.2.3.4:5"});
  Try<MessageHeader> header = parseMessage(request);
  ASSERT_TRUE(header.isSome()) << header.error();
  EXPECT_EQ("name", header->name);
}

// What parseMessage says about a request with `target` and `from`.
std::string parseError(const std::string& target,
                       const std::string& from = "a@1.2.3.4:5") {
  DecodedRequest request;
  request.method = "POST";
  request.target = target;
  request.headers.push_back({"Libprocess-From", from});
  Try<MessageHeader> header = parseMessage(request);
  return header.isError() ? header.error() : "parsed";
}

TEST(MessageCodecTest, Errors) {
  EXPECT_EQ(0u, parseError("/p/n", "xyz").find("malformed sender 'xyz': "));
  EXPECT_EQ(0u, parseError("/p/n", "").find("malformed sender '': "));
  EXPECT_EQ(0u, parseError("/p/n", "a@1.2.3:5").find("malformed sender"));
  EXPECT_EQ(0u, parseError("/p/n", "a@1.2.3.4:99999").find("malformed sender"));
  EXPECT_EQ("no message name in path '/a'", parseError("/a"));
  EXPECT_EQ("no message name in path '/a/'", parseError("/a/"));
  EXPECT_EQ("no message name in path '/a/?x'", parseError("/a/?x"));
  EXPECT_EQ("no receiver in path '//n'", parseError("//n"));
  EXPECT_EQ("no receiver in path '/'", parseError("/"));
  EXPECT_EQ("message path 'p/n' does not start with '/'", parseError("p/n"));
  EXPECT_EQ("message path '*' does not start with '/'", parseError("*"));
  EXPECT_EQ(0u, parseError("/p%2/n").find("malformed receiver in path"));
  EXPECT_EQ(0u, parseError("/p/n%zz").find("malformed message name in path"));
  EXPECT_EQ("parsed", parseError("/p/n"));

  DecodedRequest request;
  request.method = "POST";
  request.target = "/p/n";
  request.headers.push_back({"User-Agent", "libprocess/bad"});
  Try<MessageHeader> header = parseMessage(request);
  ASSERT_TRUE(header.isError());
  EXPECT_EQ(0u, header.error().find("malformed sender 'bad': "));
}

TEST(PercentDecodeTest, Decodes) {
  EXPECT_EQ("Ab", percentDecode("%41b").get());
  EXPECT_EQ("", percentDecode("").get());
  EXPECT_EQ("plain", percentDecode("plain").get());
  EXPECT_EQ("a b/c", percentDecode("a%20b%2fc").get());
  EXPECT_EQ(std::string("\0\xff", 2), percentDecode("%00%FF").get());
  EXPECT_EQ("%", percentDecode("%25").get());
  EXPECT_EQ("+", percentDecode("+").get());
}

TEST(PercentDecodeTest, Errors) {
  EXPECT_TRUE(percentDecode("%").isError());
  EXPECT_TRUE(percentDecode("%4").isError());
  EXPECT_TRUE(percentDecode("a%4").isError());
  EXPECT_TRUE(percentDecode("%g1").isError());
  EXPECT_TRUE(percentDecode("%1g").isError());
  EXPECT_NE(std::string::npos, percentDecode("x%4").error().find("truncated"));
  EXPECT_NE(std::string::npos, percentDecode("%zz").error().find("'%zz'"));
}

}  // namespace
}  // namespace process::transport
