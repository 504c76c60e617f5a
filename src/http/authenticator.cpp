// The vocabulary of <process/authenticator.hpp>: printing a Principal and
// the Basic scheme's BasicAuthenticator (RFC 7617).
#include <process/authenticator.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace process::http::authentication {
namespace {

// RFC 4648 base64 with padding; nullopt for anything else.
std::optional<std::string> decodeBase64(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t group = 0;
    int padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      uint32_t sextet = 0;
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++padding;
      } else if (const size_t at = kAlphabet.find(c);
                 padding == 0 && at != std::string_view::npos) {
        sextet = static_cast<uint32_t>(at);
      } else {
        return std::nullopt;
      }
      group = (group << 6) | sextet;
    }
    out.push_back(static_cast<char>((group >> 16) & 0xff));
    if (padding < 2) {
      out.push_back(static_cast<char>((group >> 8) & 0xff));
    }
    if (padding < 1) {
      out.push_back(static_cast<char>(group & 0xff));
    }
  }
  return out;
}

// Takes as long for every wrong password of a length: the time to refuse
// one says nothing of how much of it was right.
bool sameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

bool isBasic(std::string_view scheme) {
  constexpr std::string_view kBasic = "basic";
  if (scheme.size() != kBasic.size()) {
    return false;
  }
  for (size_t i = 0; i < scheme.size(); ++i) {
    const char c = scheme[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) !=
        kBasic[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::ostream& operator<<(std::ostream& stream, const Principal& principal) {
  if (principal.value.isSome() && principal.claims.empty()) {
    return stream << principal.value.get();
  }
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  if (principal.value.isSome()) {
    json["value"] = principal.value.get();
  }
  if (!principal.claims.empty()) {
    json["claims"] = nlohmann::ordered_json::object();
    for (const auto& [key, value] : principal.claims) {
      json["claims"][key] = value;
    }
  }
  return stream << json.dump();
}

BasicAuthenticator::BasicAuthenticator(const std::string& realm,
                                       const StringMap<>& credentials)
    : realm_(realm), credentials_(credentials) {}

Future<AuthenticationResult> BasicAuthenticator::authenticate(
    const Request& request) {
  AuthenticationResult unauthorized;
  unauthorized.unauthorized = Unauthorized({"Basic realm=\"" + realm_ + "\""});
  const Option<std::string> header = request.headers.get("Authorization");
  if (header.isNone()) {
    return unauthorized;
  }
  const std::string_view value = header.get();
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || !isBasic(value.substr(0, space))) {
    return unauthorized;
  }
  const std::optional<std::string> decoded =
      decodeBase64(value.substr(space + 1));
  if (!decoded.has_value()) {
    return unauthorized;
  }
  // The user name ends at the first colon; the password may hold more.
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    return unauthorized;
  }
  const std::string user = decoded->substr(0, colon);
  const auto known = credentials_.find(user);
  if (known == credentials_.end() ||
      !sameSecret(known->second,
                  std::string_view(*decoded).substr(colon + 1))) {
    return unauthorized;
  }
  AuthenticationResult authenticated;
  authenticated.principal = Principal(user);
  return authenticated;
}

std::string BasicAuthenticator::scheme() const {
  return "Basic";
}

}  // namespace process::http::authentication
