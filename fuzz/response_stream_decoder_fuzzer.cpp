// Fuzzes the HTTP client's response decoder (ResponseStreamDecoder) with
// what a server could answer. Whatever the bytes, decoding and the end of
// file must not crash, must respect the limits and the order of the
// handler's calls (a head, body pieces that are never empty, an end), and
// must not depend on how the bytes were split: the input is decoded whole,
// split in two at a point derived from it, and (when short) one byte at a
// time, and the three runs must agree on every response, its body, and the
// error (up to what the split may change when decoding fails mid-body: see
// agree()).
//
// The input's first two bytes drive the run; the rest is what the server
// sent:
//   byte 0: bits 5-7, how many requests were sent before the answers
//           (expect() calls, 0-7); bits 0-4, which of the first five were
//           HEAD requests (the others are GETs).
//   byte 1: bits 0-3, the handler refuses (returns false) at its n-th head
//           or end (0: never); bits 4-7, it refuses the body piece that
//           brings the body bytes it received to 3 * n (0: never).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/stream_decoder.hpp"

namespace {

using process::http::internal::DecodedResponse;
using process::http::internal::HttpLimits;
using process::http::internal::ResponseStreamDecoder;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

// How the run is driven: from the first two bytes.
struct Control {
  unsigned expects = 0;     // requests expected, in order
  unsigned headMask = 0;    // bit i: the i-th request is a HEAD
  unsigned refuseAt = 0;    // refuse the n-th head or end (0: never)
  size_t refuseBodyAt = 0;  // refuse reaching this many body bytes (0: no)
};

struct Response {
  DecodedResponse head;
  std::string body;  // the pieces, joined
  bool complete = false;
};

// What a run saw, in a form that does not depend on how the body came in
// pieces.
struct Run {
  std::vector<Response> responses;
  bool ok = true;              // every feed() returned true
  bool finished = true;        // finish() returned true (when reached)
  bool refused = false;        // the handler stopped the decoder
  bool refusedInBody = false;  // … at a body piece
  size_t bodyBytes = 0;        // handed out, over all responses
  std::string error;

  bool clean() const { return ok && finished && !refused; }
};

class Recorder : public ResponseStreamDecoder::Handler {
 public:
  Recorder(const HttpLimits& limits, const Control& control, size_t inputSize,
           Run& run)
      : limits_(limits), control_(control), inputSize_(inputSize), run_(run) {}

  bool onHead(DecodedResponse& head) override {
    check(!refused_);
    // A head comes first, or after the previous response's end.
    check(run_.responses.empty() || run_.responses.back().complete);
    check(head.body.empty());
    check(head.versionMajor == 1 && head.versionMinor <= 1);
    check(head.headers.size() <= limits_.maxHeaders);
    // Interim responses (1xx) are passed over, never handed out.
    check(head.status < 100 || head.status >= 200);
    size_t bytes = head.reason.size();
    for (const auto& header : head.headers) {
      bytes += header.name.size() + header.value.size();
    }
    check(bytes <= limits_.maxHeaderBytes);

    Response response;
    response.head = head;
    run_.responses.push_back(std::move(response));
    // The handler may move from the head.
    DecodedResponse taken = std::move(head);
    (void)taken;
    return milestone();
  }

  bool onBody(std::string_view piece) override {
    check(!refused_);
    check(!piece.empty());
    check(!run_.responses.empty() && !run_.responses.back().complete);
    // The answer to a HEAD has no body, whatever its head says.
    const size_t index = run_.responses.size() - 1;
    check(!answersHead(index));
    bodyBytes_ += piece.size();
    // De-chunked bodies are never longer than what was received.
    check(bodyBytes_ <= inputSize_);
    std::string& body = run_.responses.back().body;
    if (control_.refuseBodyAt != 0 && bodyBytes_ >= control_.refuseBodyAt) {
      // Keep the bytes up to the refusal point only, so that every split
      // records the same.
      const size_t keep = piece.size() - (bodyBytes_ - control_.refuseBodyAt);
      body.append(piece.substr(0, keep));
      run_.refusedInBody = true;
      return refuse();
    }
    body.append(piece);
    return true;
  }

  bool onComplete() override {
    check(!refused_);
    check(!run_.responses.empty() && !run_.responses.back().complete);
    run_.responses.back().complete = true;
    return milestone();
  }

  bool refused() const { return refused_; }

 private:
  bool answersHead(size_t index) const {
    return index < control_.expects && index < 5 &&
           (control_.headMask & (1u << index)) != 0;
  }

  bool milestone() {
    ++milestones_;
    if (control_.refuseAt != 0 && milestones_ == control_.refuseAt) {
      return refuse();
    }
    return true;
  }

  bool refuse() {
    refused_ = true;
    return false;
  }

  const HttpLimits& limits_;
  const Control& control_;
  const size_t inputSize_;
  Run& run_;
  unsigned milestones_ = 0;
  size_t bodyBytes_ = 0;
  bool refused_ = false;
};

Run decode(const HttpLimits& limits, const Control& control, const char* data,
           size_t size, const std::vector<size_t>& splits) {
  ResponseStreamDecoder decoder(limits);
  for (unsigned i = 0; i < control.expects; ++i) {
    decoder.expect(i < 5 && (control.headMask & (1u << i)) != 0 ? "HEAD"
                                                                : "GET");
  }
  Run run;
  Recorder recorder(limits, control, size, run);
  size_t from = 0;
  for (size_t to : splits) {
    if (run.ok) {
      run.ok = decoder.feed(data + from, to - from, recorder);
    }
    from = to;
  }
  if (run.ok) {
    check(decoder.error().empty());
    const bool mid = decoder.midResponse();
    // A response handed out in part is a response under way.
    check(mid || run.responses.empty() || run.responses.back().complete);
    run.finished = decoder.finish(recorder);
    // Only a response under way can be cut short (or refused at its end).
    check(run.finished || mid);
    if (run.finished) {
      check(!decoder.midResponse());
      check(run.responses.empty() || run.responses.back().complete);
    }
  }
  run.refused = recorder.refused();
  for (const Response& response : run.responses) {
    run.bodyBytes += response.body.size();
  }
  run.error = decoder.error();
  // A refusal leaves no error; any other false return says why.
  if (run.refused) {
    check(!run.ok || !run.finished);
    check(run.error.empty());
  } else {
    check((run.ok && run.finished) == run.error.empty());
  }
  // The decoder is dead after a false return: it hands out nothing more.
  if (!run.ok || !run.finished) {
    const size_t responses = run.responses.size();
    check(!decoder.feed("HTTP/1.1 200 OK\r\n\r\n", 19, recorder));
    check(!decoder.finish(recorder));
    check(run.responses.size() == responses);
  }
  return run;
}

bool isPrefix(const std::string& a, const std::string& b) {
  return a.size() <= b.size() && b.compare(0, a.size(), a) == 0;
}

// Whether `run` stopped at a body refusal that `other` never reached because
// its decoder failed first, on bytes after the refusal point.
bool refusedBeforeError(const Run& run, const Run& other,
                        const Control& control) {
  return run.refusedInBody && !other.refused && !other.error.empty() &&
         other.bodyBytes < control.refuseBodyAt;
}

// The runs must agree on every head, every end and every complete body.
// Where a run fails (or is refused) within a response, how much of that
// response's body was handed out before depends on the split: the decoder
// hands out the body bytes a feed() brought at the end of that feed() (or
// at the response's end), and drops them if the feed() fails. So for an
// unfinished last response, one body need only be a prefix of the other;
// and a run split finely enough may reach a body refusal that another run
// never reaches because its feed() failed on later bytes first.
void agree(const Run& a, const Run& b, const Control& control) {
  check(a.clean() == b.clean());
  if (a.clean()) {
    check(a.error.empty() && b.error.empty());
  } else if (a.refused == b.refused) {
    check(a.ok == b.ok && a.finished == b.finished && a.error == b.error);
  } else {
    check(refusedBeforeError(a, b, control) ||
          refusedBeforeError(b, a, control));
  }
  check(a.responses.size() == b.responses.size());
  for (size_t i = 0; i < a.responses.size(); ++i) {
    const Response& x = a.responses[i];
    const Response& y = b.responses[i];
    check(x.head == y.head);
    check(x.complete == y.complete);
    if (x.complete || (a.clean() && b.clean())) {
      check(x.body == y.body);
    } else {
      // Only the last response can be unfinished.
      check(i + 1 == a.responses.size());
      check(isPrefix(x.body, y.body) || isPrefix(y.body, x.body));
    }
  }
}

// FNV-1a: a split point that moves with every byte of the input.
size_t hash(const uint8_t* bytes, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i) {
    h = (h ^ bytes[i]) * 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 2) {
    return 0;
  }
  Control control;
  control.expects = bytes[0] >> 5;
  control.headMask = bytes[0] & 0x1fu;
  control.refuseAt = bytes[1] & 0x0fu;
  control.refuseBodyAt = size_t{3} * (bytes[1] >> 4);
  const char* data = reinterpret_cast<const char*>(bytes + 2);
  size -= 2;

  HttpLimits limits;
  limits.maxHeaderBytes = 512;
  limits.maxHeaders = 8;

  const Run whole = decode(limits, control, data, size, {size});
  const size_t split = hash(bytes, size + 2) % (size + 1);
  agree(whole, decode(limits, control, data, size, {split, size}), control);
  if (size <= 1024) {
    std::vector<size_t> each;
    for (size_t i = 1; i <= size; ++i) {
      each.push_back(i);
    }
    agree(whole, decode(limits, control, data, size, each), control);
  }
  (void)decode(HttpLimits(), control, data, size, {size});
  return 0;
}
