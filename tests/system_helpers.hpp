// What the tests of the system endpoints share: a GET to a node's path,
// and its JSON.
#pragma once

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>

namespace system_test {

// glog and glibc's time zone under TSan, as in the other network tests.
[[maybe_unused]] inline const bool kTimeZoneSet =
    ::setenv("TZ", ":/etc/localtime", 0) == 0;

// GET http://<node><path>[?query].
inline process::Future<process::http::Response> get(
    const process::Context& node, const std::string& id,
    const std::string& path = "", const std::string& query = "",
    const process::Option<process::http::Headers>& headers = process::None()) {
  return process::http::get(
      process::UPID(id, node.address()),
      path.empty() ? process::None() : process::Option<std::string>(path),
      query.empty() ? process::None() : process::Option<std::string>(query),
      headers);
}

// The body as JSON (a failed expectation and null if it is not JSON).
inline nlohmann::json json(const process::http::Response& response) {
  nlohmann::json parsed =
      nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << response.body;
  return parsed;
}

// The entry of `id` in a /__processes__ answer, or null.
inline nlohmann::json entryOf(const nlohmann::json& processes,
                              const std::string& id) {
  for (const nlohmann::json& entry : processes) {
    if (entry.value("id", "") == id) {
      return entry;
    }
  }
  return nullptr;
}

}  // namespace system_test
