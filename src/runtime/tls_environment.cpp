#include "runtime/tls_environment.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace process::detail {
namespace {

const char* variable(const std::string& name) {
  const char* value = std::getenv(("LIBPROCESS_SSL_" + name).c_str());
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// As libprocess's flags take them: true/false or 1/0.
bool flag(const std::string& name, bool otherwise) {
  const char* value = variable(name);
  if (value == nullptr) {
    return otherwise;
  }
  std::string text(value);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (text == "true" || text == "1") {
    return true;
  }
  if (text == "false" || text == "0") {
    return false;
  }
  throw std::invalid_argument("LIBPROCESS_SSL_" + name + "='" + value +
                              "' is not true, false, 1 or 0");
}

std::string text(const std::string& name, const std::string& otherwise) {
  const char* value = variable(name);
  return value != nullptr ? std::string(value) : otherwise;
}

}  // namespace

Context::Tls tlsFromEnvironment() {
  Context::Tls tls;
  tls.enabled = flag("ENABLED", tls.enabled);
  tls.certFile = text("CERT_FILE", tls.certFile);
  tls.keyFile = text("KEY_FILE", tls.keyFile);
  // The old names are aliases that can only turn a check on, as in
  // libprocess (a task's old variable never turns off the agent's new one).
  tls.verifyCert =
      flag("VERIFY_CERT", false) || flag("VERIFY_SERVER_CERT", tls.verifyCert);
  tls.requireCert = flag("REQUIRE_CERT", false) ||
                    flag("REQUIRE_CLIENT_CERT", tls.requireCert);
  tls.verifyIpAddress = flag("VERIFY_IPADD", tls.verifyIpAddress);
  tls.caFile = text("CA_FILE", tls.caFile);
  tls.caDir = text("CA_DIR", tls.caDir);
  const std::string depth = text("VERIFY_DEPTH", "");
  if (!depth.empty()) {
    char* end = nullptr;
    const long value = std::strtol(depth.c_str(), &end, 10);
    if (end == depth.c_str() || *end != '\0' || value < 0 || value > 100) {
      throw std::invalid_argument("LIBPROCESS_SSL_VERIFY_DEPTH='" + depth +
                                  "' is not a depth (0 to 100)");
    }
    tls.verifyDepth = static_cast<int>(value);
  }
  tls.ciphers = text("CIPHERS", tls.ciphers);
  tls.ecdhCurves = text("ECDH_CURVES", tls.ecdhCurves);
  tls.enableTlsV1_2 = flag("ENABLE_TLS_V1_2", tls.enableTlsV1_2);
  tls.enableTlsV1_3 = flag("ENABLE_TLS_V1_3", tls.enableTlsV1_3);
  tls.supportDowngrade = flag("SUPPORT_DOWNGRADE", tls.supportDowngrade);
  const std::string scheme = text("HOSTNAME_VALIDATION_SCHEME", "legacy");
  if (scheme == "legacy") {
    tls.hostnameValidation = Context::Tls::HostnameValidation::kLegacy;
  } else if (scheme == "openssl") {
    tls.hostnameValidation = Context::Tls::HostnameValidation::kOpenssl;
  } else {
    throw std::invalid_argument("LIBPROCESS_SSL_HOSTNAME_VALIDATION_SCHEME='" +
                                scheme + "' is not legacy or openssl");
  }
  return tls;
}

}  // namespace process::detail
