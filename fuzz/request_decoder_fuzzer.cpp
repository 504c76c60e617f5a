// Fuzzes the HTTP request decoder with what a peer could send. Whatever the
// bytes, decoding must not crash, must respect the limits, and must not
// depend on how the bytes were split: the input is decoded whole, split in
// two at a point taken from its first byte, and (when short) one byte at a
// time, and the three runs must agree on every request and on the error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "http/decoder.hpp"

namespace {

using process::http::internal::DecodedRequest;
using process::http::internal::HttpLimits;
using process::http::internal::RequestDecoder;

struct Run {
  std::vector<DecodedRequest> requests;
  bool ok = true;
  bool midRequest = false;
  int errorStatus = 0;
  std::string error;
};

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

Run decode(const HttpLimits& limits, const char* data, size_t size,
           const std::vector<size_t>& splits) {
  RequestDecoder decoder(limits);
  Run run;
  size_t from = 0;
  auto collect = [&](DecodedRequest& request) {
    check(request.body.size() <= limits.maxBodyBytes);
    check(request.headers.size() <= limits.maxHeaders);
    check(request.versionMajor == 1 && request.versionMinor <= 1);
    check(!request.method.empty());
    // Keep a copy and take the original, as the network layer does.
    run.requests.push_back(request);
    DecodedRequest taken = std::move(request);
    (void)taken;
  };
  for (size_t to : splits) {
    if (run.ok) {
      run.ok = decoder.feed(data + from, to - from, collect);
    }
    from = to;
  }
  run.midRequest = decoder.midRequest();
  run.errorStatus = decoder.errorStatus();
  run.error = decoder.error();
  check(run.ok == run.error.empty());
  check(run.ok == (run.errorStatus == 0));
  check(run.ok || run.errorStatus == 400 || run.errorStatus == 413 ||
        run.errorStatus == 431 || run.errorStatus == 505);
  return run;
}

void agree(const Run& a, const Run& b) {
  check(a.ok == b.ok && a.errorStatus == b.errorStatus && a.error == b.error);
  check(a.requests.size() == b.requests.size());
  for (size_t i = 0; i < a.requests.size(); ++i) {
    check(a.requests[i] == b.requests[i]);
  }
  if (a.ok) {
    check(a.midRequest == b.midRequest);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const char* data = reinterpret_cast<const char*>(bytes);
  // Small limits, so that the fuzzer reaches each of them.
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
