// procession-bench --tls: every node of the run (this process's default
// context and the peer, which inherits the environment) speaks TLS, set up
// as a libprocess deployment would be, through LIBPROCESS_SSL_*: a
// self-signed RSA certificate made with the openssl CLI, checked on both
// sides (it is its own CA). The figures' names get "-tls".
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "workload.hpp"

namespace bench {

bool tlsOn() {
  const char* enabled = std::getenv("LIBPROCESS_SSL_ENABLED");
  return enabled != nullptr &&
         (std::string(enabled) == "true" || std::string(enabled) == "1");
}

bool enableTls() {
  char pattern[] = "/tmp/procession-bench-tls-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    std::perror("mkdtemp");
    return false;
  }
  static const std::string dir = pattern;
  const std::string cert = dir + "/node.pem";
  const std::string key = dir + "/node.key";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "--tls: the openssl CLI failed: %s\n",
                 command.c_str());
    return false;
  }
  std::atexit([] { (void)std::system(("rm -rf " + dir).c_str()); });
  ::setenv("LIBPROCESS_SSL_ENABLED", "true", 1);
  ::setenv("LIBPROCESS_SSL_CERT_FILE", cert.c_str(), 1);
  ::setenv("LIBPROCESS_SSL_KEY_FILE", key.c_str(), 1);
  ::setenv("LIBPROCESS_SSL_CA_FILE", cert.c_str(), 1);
  ::setenv("LIBPROCESS_SSL_VERIFY_CERT", "true", 1);
  ::setenv("LIBPROCESS_SSL_REQUIRE_CERT", "true", 1);
  return true;
}

}  // namespace bench
