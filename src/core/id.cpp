#include <process/id.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace process::ID {

std::string generate(const std::string& prefix) {
  // Unnamed processes ask for "" most: one atomic, no lock.
  if (prefix.empty()) {
    static std::atomic<uint64_t> unnamed{0};
    return "(" + std::to_string(unnamed.fetch_add(1) + 1) + ")";
  }
  static std::mutex* mutex = new std::mutex();
  static auto* counters = new std::unordered_map<std::string, uint64_t>();
  uint64_t number = 0;
  {
    std::lock_guard<std::mutex> guard(*mutex);
    number = ++(*counters)[prefix];
  }
  return prefix + "(" + std::to_string(number) + ")";
}

}  // namespace process::ID
