// Fuzzes Duration::parse ("5secs", "1.5ms"): flags and configuration carry
// durations as text. Any input gives a Duration or an Error; printing a
// parsed duration never crashes.
#include <cstddef>
#include <cstdint>
#include <string>

#include <process/duration.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  process::Try<process::Duration> duration = process::Duration::parse(text);
  if (duration.isSome()) {
    (void)process::stringify(duration.get());
  }
  return 0;
}
