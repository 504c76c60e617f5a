// The default context's TLS from libprocess's LIBPROCESS_SSL_* variables:
// their defaults, their names (old and new), bad values refused with the
// variable named, and a default context made from them serving https.
// Each test runs in a process of its own (gtest_discover_tests), so the
// default context is made from what the test sets.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include <process/context.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/http.hpp>
#include <process/http_client.hpp>
#include <process/process.hpp>

#include "runtime/tls_environment.hpp"
#include "tls_certificates.hpp"

using namespace process;
using process::detail::tlsFromEnvironment;

namespace {

const char* const kVariables[] = {"ENABLED",
                                  "CERT_FILE",
                                  "KEY_FILE",
                                  "VERIFY_CERT",
                                  "VERIFY_SERVER_CERT",
                                  "REQUIRE_CERT",
                                  "REQUIRE_CLIENT_CERT",
                                  "VERIFY_IPADD",
                                  "CA_FILE",
                                  "CA_DIR",
                                  "VERIFY_DEPTH",
                                  "CIPHERS",
                                  "ECDH_CURVES",
                                  "ENABLE_TLS_V1_2",
                                  "ENABLE_TLS_V1_3",
                                  "SUPPORT_DOWNGRADE",
                                  "HOSTNAME_VALIDATION_SCHEME"};

void set(const std::string& name, const std::string& value) {
  ::setenv(("LIBPROCESS_SSL_" + name).c_str(), value.c_str(), 1);
}

class TlsEnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kVariables) {
      ::unsetenv((std::string("LIBPROCESS_SSL_") + name).c_str());
    }
  }
};

TEST_F(TlsEnvironmentTest, DefaultsAreLibprocesss) {
  const Context::Tls tls = tlsFromEnvironment();
  EXPECT_FALSE(tls.enabled);
  EXPECT_FALSE(tls.verifyCert);
  EXPECT_FALSE(tls.requireCert);
  EXPECT_FALSE(tls.verifyIpAddress);
  EXPECT_FALSE(tls.supportDowngrade);
  EXPECT_TRUE(tls.enableTlsV1_2);
  EXPECT_FALSE(tls.enableTlsV1_3);
  EXPECT_EQ(4, tls.verifyDepth);
  EXPECT_EQ(0u, tls.ciphers.find("AES128-SHA:AES256-SHA:"));
  EXPECT_EQ("auto", tls.ecdhCurves);
  EXPECT_EQ(Context::Tls::HostnameValidation::kLegacy, tls.hostnameValidation);
}

TEST_F(TlsEnvironmentTest, EveryVariableIsRead) {
  set("ENABLED", "true");
  set("CERT_FILE", "/c.pem");
  set("KEY_FILE", "/k.pem");
  set("VERIFY_CERT", "1");
  set("REQUIRE_CLIENT_CERT", "TRUE");
  set("VERIFY_IPADD", "true");
  set("CA_FILE", "/ca.pem");
  set("CA_DIR", "/cas");
  set("VERIFY_DEPTH", "7");
  set("CIPHERS", "AES256-SHA");
  set("ECDH_CURVES", "P-256");
  set("ENABLE_TLS_V1_2", "false");
  set("ENABLE_TLS_V1_3", "true");
  set("SUPPORT_DOWNGRADE", "1");
  set("HOSTNAME_VALIDATION_SCHEME", "openssl");
  const Context::Tls tls = tlsFromEnvironment();
  EXPECT_TRUE(tls.enabled);
  EXPECT_EQ("/c.pem", tls.certFile);
  EXPECT_EQ("/k.pem", tls.keyFile);
  EXPECT_TRUE(tls.verifyCert);
  EXPECT_TRUE(tls.requireCert);
  EXPECT_TRUE(tls.verifyIpAddress);
  EXPECT_EQ("/ca.pem", tls.caFile);
  EXPECT_EQ("/cas", tls.caDir);
  EXPECT_EQ(7, tls.verifyDepth);
  EXPECT_EQ("AES256-SHA", tls.ciphers);
  EXPECT_EQ("P-256", tls.ecdhCurves);
  EXPECT_FALSE(tls.enableTlsV1_2);
  EXPECT_TRUE(tls.enableTlsV1_3);
  EXPECT_TRUE(tls.supportDowngrade);
  EXPECT_EQ(Context::Tls::HostnameValidation::kOpenssl, tls.hostnameValidation);
}

// The new names, and the old ones, each turn their check on.
TEST_F(TlsEnvironmentTest, OldAndNewNames) {
  set("VERIFY_SERVER_CERT", "true");
  set("REQUIRE_CERT", "true");
  const Context::Tls tls = tlsFromEnvironment();
  EXPECT_TRUE(tls.verifyCert);
  EXPECT_TRUE(tls.requireCert);
}

TEST_F(TlsEnvironmentTest, BadValuesNameTheVariable) {
  auto error = [this](const std::string& name, const std::string& value) {
    SetUp();
    set(name, value);
    try {
      tlsFromEnvironment();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(std::string::npos,
            error("ENABLED", "yes").find("LIBPROCESS_SSL_ENABLED='yes'"));
  EXPECT_NE(std::string::npos,
            error("VERIFY_DEPTH", "deep").find("LIBPROCESS_SSL_VERIFY_DEPTH"));
  EXPECT_NE(std::string::npos, error("HOSTNAME_VALIDATION_SCHEME", "strict")
                                   .find("is not legacy or openssl"));
}

class Greeter : public Process<Greeter> {
 public:
  Greeter() : ProcessBase("greeter") {}

 protected:
  void initialize() override {
    route("/hello", None(),
          [](const http::Request&) { return http::OK("hello"); });
  }
};

// The default context, made from the variables, serves https and its
// client checks the server against LIBPROCESS_SSL_CA_FILE.
TEST_F(TlsEnvironmentTest, DefaultContextSpeaksTls) {
  const tls_test::Certificates& certificates = tls_test::certificates();
  set("ENABLED", "true");
  set("CERT_FILE", certificates.node);
  set("KEY_FILE", certificates.key);
  set("CA_FILE", certificates.ca);
  set("VERIFY_CERT", "true");
  Greeter greeter;
  const PID<Greeter> pid = spawn(greeter);
  Future<http::Response> secure = http::get(
      http::URL("https", pid.address.ip, pid.address.port, "/greeter/hello"));
  AWAIT_READY(secure);
  EXPECT_EQ("hello", secure->body);
  // Plaintext is refused (no downgrade).
  AWAIT_FAILED(http::get(
      http::URL("http", pid.address.ip, pid.address.port, "/greeter/hello")));
  terminate(greeter);
  wait(greeter);
}

}  // namespace
