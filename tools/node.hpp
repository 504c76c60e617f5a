// A node's HTTP endpoints, for the commands that read them (processes,
// metrics, help, top): where the node is, from what a user types, and GET
// requests over one kept-alive connection, each answered within the
// timeout.
//
//   NodeClient node(parseNode("127.0.0.1:5050").get(),
//   std::chrono::seconds(5)); nlohmann::json processes; if (int exit =
//   fetchJson(node, "/__processes__", processes); exit != kOk)
//     return exit;  // the one line is on stderr already
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <process/address.hpp>
#include <process/try.hpp>

#include "commands.hpp"
#include "connection.hpp"

namespace procession_cli {

// "host:port", "id@host:port" (a UPID: its node) or "http://host[:port]"
// (port 80 when none; a path after it is ignored). The host may be a name,
// resolved to IPv4. The Error reads "'text' is not a node (…): why".
process::Try<process::Address> parseNode(const std::string& text);

// "worker(1)" as one segment of a path: every byte but the unreserved and
// the sub-delimiters percent-encoded.
std::string pathSegment(const std::string& text);

class NodeClient {
 public:
  NodeClient(process::Address node, Clock::duration timeout);

  // GET `target` ("/__processes__?x=1"). The connection is kept for the
  // next request; one the node closed while idle is opened anew.
  // The Error is one line: refused, timed out, closed, not HTTP.
  process::Try<process::http::internal::DecodedResponse> get(
      const std::string& target);

  const process::Address& address() const { return node_; }
  Clock::duration timeout() const { return timeout_; }

  // "?timeout=…" for the endpoints that wait on processes (inspections,
  // pull gauges): half of ours, so that the node answers what it has
  // (a process "unresponsive", a gauge left out) before we give up.
  std::string inspectionTimeout() const;

 private:
  process::Address node_;
  Clock::duration timeout_;
  std::unique_ptr<Connection> connection_;
};

// Prints "procession: <message>" on stderr, returns `exit`.
int fail(const std::string& message, int exit);

// GET `target` into `body`, or the exit status after one line on stderr:
// kNoAnswer when nothing usable came back, kRefused for a status that is
// not 2xx ("404 Not Found: /metrics/snapshot: <the node's first line>").
int fetchText(NodeClient& node, const std::string& target, std::string& body);

// As fetchText, and the body parsed as JSON (kNoAnswer when it is not).
int fetchJson(NodeClient& node, const std::string& target,
              nlohmann::json& json);

// A peer's JSON is not trusted to have the shape we know: the string at
// `key` of `object` ("" when missing or not a string, or `object` not an
// object), the array there (an empty one otherwise), the number there.
std::string stringAt(const nlohmann::json& object, const char* key);
const nlohmann::json& arrayAt(const nlohmann::json& object, const char* key);
std::optional<double> numberAt(const nlohmann::json& object, const char* key);

}  // namespace procession_cli
