// Fuzzes the HTTP response decoder with what a peer could answer. Whatever
// the bytes, decoding and the end of file must not crash, must respect the
// limits, and must not depend on how the bytes were split: the input is
// decoded whole, split in two at a point taken from its first byte, and
// (when short) one byte at a time, and the runs must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "http/decoder.hpp"

namespace {

using process::http::internal::DecodedResponse;
using process::http::internal::HttpLimits;
using process::http::internal::ResponseDecoder;

struct Run {
  std::vector<DecodedResponse> responses;
  bool ok = true;
  bool finished = true;
  std::string error;
};

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

Run decode(const HttpLimits& limits, const char* data, size_t size,
           const std::vector<size_t>& splits) {
  ResponseDecoder decoder(limits);
  Run run;
  size_t from = 0;
  auto collect = [&](DecodedResponse& response) {
    check(response.body.size() <= limits.maxBodyBytes);
    check(response.headers.size() <= limits.maxHeaders);
    check(response.versionMajor == 1 && response.versionMinor <= 1);
    run.responses.push_back(response);
    DecodedResponse taken = std::move(response);
    (void)taken;
  };
  for (size_t to : splits) {
    if (run.ok) {
      run.ok = decoder.feed(data + from, to - from, collect);
    }
    from = to;
  }
  check(run.ok == decoder.error().empty());
  if (run.ok) {
    const bool mid = decoder.midResponse();
    run.finished = decoder.finish(collect);
    check(run.finished || mid);
    check(!decoder.midResponse() || !run.finished);
  }
  run.error = decoder.error();
  return run;
}

void agree(const Run& a, const Run& b) {
  check(a.ok == b.ok && a.finished == b.finished && a.error == b.error);
  check(a.responses.size() == b.responses.size());
  for (size_t i = 0; i < a.responses.size(); ++i) {
    check(a.responses[i] == b.responses[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const char* data = reinterpret_cast<const char*>(bytes);
  HttpLimits limits;
  limits.maxHeaderBytes = 512;
  limits.maxBodyBytes = 256;
  limits.maxHeaders = 8;

  const Run whole = decode(limits, data, size, {size});
  const size_t split = size == 0 ? 0 : bytes[0] % (size + 1);
  agree(whole, decode(limits, data, size, {split, size}));
  if (size <= 1024) {
    std::vector<size_t> each;
    for (size_t i = 1; i <= size; ++i) {
      each.push_back(i);
    }
    agree(whole, decode(limits, data, size, each));
  }
  (void)decode(HttpLimits(), data, size, {size});
  return 0;
}
