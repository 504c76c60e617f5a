// Fuzzes the parsers of what peers send as text: UPIDs ("id@ip:port") and
// addresses. Any input must give a value or an Error, never a crash; a
// parsed UPID must print back to text that parses to the same UPID.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <process/address.hpp>
#include <process/pid.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  process::Try<process::UPID> pid = process::UPID::parse(text);
  if (pid.isSome()) {
    process::Try<process::UPID> again =
        process::UPID::parse(process::stringify(pid.get()));
    if (again.isError() || !(again.get() == pid.get())) {
      std::abort();
    }
  }
  (void)process::Address::parse(text);
  (void)process::net::IP::parse(text);
  return 0;
}
