// Certificates for the TLS tests, made at test time with the openssl CLI
// into a temporary directory: a CA, a node certificate for
// 127.0.0.1/localhost (also a client's), an expired one, and one another
// CA signed. RSA, as libprocess's default ciphers (LIBPROCESS_SSL_CIPHERS)
// want.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <process/context.hpp>

namespace tls_test {

struct Certificates {
  std::string dir;
  std::string ca;           // the CA's certificate
  std::string otherCa;      // another CA's
  std::string key;          // every leaf's key
  std::string node;         // CN=localhost, SAN localhost and 127.0.0.1
  std::string expired;      // the same names, expired in 2020
  std::string wrongSigned;  // the same names, signed by the other CA
};

inline void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}

inline void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Made once per test process (each test runs in its own).
inline const Certificates& certificates() {
  static const Certificates made = [] {
    char pattern[] = "/tmp/procession-tls-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    Certificates c;
    c.dir = pattern;
    static const std::string removal = "rm -rf " + c.dir;
    std::atexit([] { (void)std::system(removal.c_str()); });
    const std::string d = c.dir + "/";
    c.ca = d + "ca.pem";
    c.otherCa = d + "other-ca.pem";
    c.key = d + "leaf.key";
    c.node = d + "node.pem";
    c.expired = d + "expired.pem";
    c.wrongSigned = d + "wrong.pem";
    writeFile(d + "leaf.ext",
              "basicConstraints=CA:FALSE\n"
              "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
              "extendedKeyUsage=serverAuth,clientAuth\n");
    // The two CAs differ by name, which is what a verifier looks an
    // issuer up by; one key for both saves a key generation per test.
    run("openssl genrsa -out " + d + "ca.key 2048");
    for (const std::string name : {"ca", "other-ca"}) {
      run("openssl req -x509 -new -key " + d +
          "ca.key -days 30 -subj /CN=" + name + " -out " + d + name + ".pem");
    }
    run("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " +
        c.key + " -out " + d + "leaf.csr");
    const std::string sign = "openssl x509 -req -in " + d +
                             "leaf.csr -days 30 -extfile " + d + "leaf.ext ";
    run(sign + "-CA " + c.ca + " -CAkey " + d + "ca.key -set_serial 1 -out " +
        c.node);
    run(sign + "-CA " + c.otherCa + " -CAkey " + d +
        "ca.key -set_serial 2 -out " + c.wrongSigned);
    // `openssl ca` is the one that takes dates in the past.
    writeFile(d + "ca.cnf", "[ca]\ndefault_ca=test\n[test]\ndatabase=" + d +
                                "index.txt\nnew_certs_dir=" + d +
                                "\nserial=" + d +
                                "serial\ndefault_md=sha256\npolicy=any\n"
                                "[any]\ncommonName=supplied\n");
    writeFile(d + "index.txt", "");
    writeFile(d + "serial", "03\n");
    run("openssl ca -batch -notext -config " + d + "ca.cnf -cert " + c.ca +
        " -keyfile " + d + "ca.key -in " + d + "leaf.csr -extfile " + d +
        "leaf.ext -startdate 20200101000000Z -enddate 20200201000000Z -out " +
        c.expired);
    return c;
  }();
  return made;
}

// TLS on, with the node certificate, both sides checked against the CA.
inline process::Context::Tls verifiedTls() {
  const Certificates& c = certificates();
  process::Context::Tls tls;
  tls.enabled = true;
  tls.certFile = c.node;
  tls.keyFile = c.key;
  tls.caFile = c.ca;
  tls.verifyCert = true;
  return tls;
}

}  // namespace tls_test
