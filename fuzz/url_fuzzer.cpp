// Fuzzes the parsers of URLs and their parts, which take text from callers
// and peers: URL::parse, percent-decoding, query strings and route
// patterns. Any input must give a value or an Error, never a crash; a parsed
// URL must print back to text that parses to the same URL.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <process/http.hpp>

namespace http = process::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  process::Try<http::URL> url = http::URL::parse(text);
  if (url.isSome()) {
    process::Try<http::URL> again =
        http::URL::parse(http::stringify(url.get()));
    if (again.isError() || !(again.get() == url.get())) {
      std::abort();
    }
  }
  (void)http::decode(text);
  (void)http::query::decode(text);
  // The first line is a route pattern, the rest a path to match against it.
  const size_t newline = text.find('\n');
  if (newline != std::string::npos) {
    (void)http::path::parse(text.substr(0, newline), text.substr(newline + 1));
  }
  return 0;
}
