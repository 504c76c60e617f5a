// The procession tool's reading of a node's endpoints: see node.hpp.
#include "node.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <utility>

#include <process/error.hpp>

namespace procession_cli {

using process::Address;
using process::Error;
using process::Try;
using process::http::internal::DecodedResponse;

namespace {

bool startsWithIgnoreCase(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

std::string text(const Address& address) {
  std::ostringstream out;
  out << address;
  return out.str();
}

// The first line of a refusal's body, printable, at most 200 bytes.
std::string firstLine(const std::string& body) {
  std::string line = body.substr(0, 200);
  line = line.substr(0, line.find_first_of("\r\n"));
  for (char& c : line) {
    c = static_cast<unsigned char>(c) < ' ' || c == 0x7f ? '?' : c;
  }
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return line;
}

}  // namespace

Try<Address> parseNode(const std::string& given) {
  const auto invalid = [&given](const std::string& why) {
    return Error("'" + given +
                 "' is not a node (host:port, id@host:port or "
                 "http://host:port): " +
                 why);
  };
  std::string rest = given;
  bool url = false;
  if (startsWithIgnoreCase(rest, "https://")) {
    return invalid("https is not spoken here, only plain HTTP");
  }
  if (startsWithIgnoreCase(rest, "http://")) {
    url = true;
    rest = rest.substr(7);
    rest = rest.substr(0, rest.find_first_of("/?#"));
  } else if (const size_t at = rest.find('@'); at != std::string::npos) {
    if (at == 0) {
      return invalid("empty id");
    }
    rest = rest.substr(at + 1);
  }
  const size_t colon = rest.rfind(':');
  std::string host = rest.substr(0, colon);
  uint16_t port = 80;
  if (colon == std::string::npos) {
    if (!url) {
      return invalid("no port");
    }
  } else {
    const std::string digits = rest.substr(colon + 1);
    unsigned value = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc() ||
        end != digits.data() + digits.size()) {
      return invalid("bad port '" + digits + "'");
    }
    if (value == 0 || value > 65535) {
      return invalid("port " + digits + " is out of range");
    }
    port = static_cast<uint16_t>(value);
  }
  if (host.empty()) {
    return invalid("no host");
  }
  Try<process::net::IP> ip = process::net::IP::parse(host);
  if (ip.isError()) {
    ip = resolveHost(host);
    if (ip.isError()) {
      return invalid(ip.error());
    }
  }
  return Address(ip.get(), port);
}

std::string pathSegment(const std::string& text) {
  static constexpr std::string_view kKept = "-._~!$&'()*+,;=:@";
  std::string encoded;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 ||
        kKept.find(c) != std::string_view::npos) {
      encoded += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", static_cast<unsigned char>(c));
      encoded += hex;
    }
  }
  return encoded;
}

NodeClient::NodeClient(Address node, Clock::duration timeout)
    : node_(node), timeout_(timeout) {}

std::string NodeClient::inspectionTimeout() const {
  const auto half =
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout_ / 2);
  return "timeout=" + std::to_string(std::max<int64_t>(half.count(), 1)) + "ms";
}

Try<DecodedResponse> NodeClient::get(const std::string& target) {
  const std::string request = "GET " + target +
                              " HTTP/1.1\r\nHost: " + text(node_) +
                              "\r\nUser-Agent: procession/" PROCESSION_VERSION
                              "\r\nAccept: */*\r\n\r\n";
  if (connection_ != nullptr && connection_->stirredWhileIdle()) {
    connection_.reset();  // the node closed it while we waited
  }
  if (connection_ == nullptr) {
    auto opened = Connection::open(node_, timeout_);
    if (opened.isError()) {
      return Error(opened.error());
    }
    connection_ = std::move(opened.get());
  }
  Try<DecodedResponse> response = connection_->exchange(request, timeout_);
  if (response.isError() || !response->keepAlive) {
    connection_.reset();
  }
  return response;
}

int fail(const std::string& message, int exit) {
  std::cerr << "procession: " << message << std::endl;
  return exit;
}

int fetchText(NodeClient& node, const std::string& target, std::string& body) {
  Try<DecodedResponse> response = node.get(target);
  if (response.isError()) {
    return fail(response.error(), kNoAnswer);
  }
  if (response->status / 100 != 2) {
    std::string line = std::to_string(response->status) +
                       (response->reason.empty() ? "" : " " + response->reason);
    line += ": " + target.substr(0, target.find('?'));
    const std::string reason = firstLine(response->body);
    return fail(line + (reason.empty() ? "" : ": " + reason), kRefused);
  }
  body = std::move(response->body);
  return kOk;
}

int fetchJson(NodeClient& node, const std::string& target,
              nlohmann::json& json) {
  std::string body;
  if (const int exit = fetchText(node, target, body); exit != kOk) {
    return exit;
  }
  json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return fail(text(node.address()) + " answered " +
                    target.substr(0, target.find('?')) +
                    " with something that is not JSON",
                kNoAnswer);
  }
  return kOk;
}

std::string stringAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return "";
  }
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>()
                                                     : "";
}

const nlohmann::json& arrayAt(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!object.is_object()) {
    return kEmpty;
  }
  const auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

std::optional<double> numberAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return std::nullopt;
  }
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number()) {
    return std::nullopt;
  }
  return found->get<double>();
}

}  // namespace procession_cli
