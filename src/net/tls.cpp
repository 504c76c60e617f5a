#include "net/tls.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <glog/logging.h>

#include <process/stringify.hpp>

namespace process::net {
namespace {

// OpenSSL's queued reasons, oldest first, and the queue emptied.
std::string openSslReasons() {
  std::string reasons;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    if (!reasons.empty()) {
      reasons += "; ";
    }
    reasons += text;
  }
  return reasons.empty() ? "no reason given" : reasons;
}

// The socket as OpenSSL's BIO: recv/send that never block and never raise
// SIGPIPE (OpenSSL's own socket BIO calls write(), which does).
int bioWrite(BIO* bio, const char* data, int size) {
  const int fd = *static_cast<const int*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  for (;;) {
    const ssize_t sent = ::send(fd, data, static_cast<size_t>(size),
                                MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent >= 0) {
      return static_cast<int>(sent);
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_write(bio);
    }
    return -1;
  }
}

int bioRead(BIO* bio, char* data, int size) {
  const int fd = *static_cast<const int*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  for (;;) {
    const ssize_t got =
        ::recv(fd, data, static_cast<size_t>(size), MSG_DONTWAIT);
    if (got == 0) {
      BIO_set_flags(bio, BIO_FLAGS_IN_EOF);  // BIO_eof(): a clean end
    }
    if (got >= 0) {
      return static_cast<int>(got);
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(bio);
    }
    return -1;
  }
}

long bioControl(BIO* bio, int command, long /*number*/, void* /*data*/) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socketMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                                    "procession socket");
    BIO_meth_set_write(made, bioWrite);
    BIO_meth_set_read(made, bioRead);
    BIO_meth_set_ctrl(made, bioControl);
    BIO_meth_set_create(made, bioCreate);
    return made;
  }();
  return method;
}

long protocolOptions(const Context::Tls& settings) {
  long options = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                 SSL_OP_NO_TLSv1_1 | SSL_OP_CIPHER_SERVER_PREFERENCE |
                 SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                 SSL_OP_IGNORE_UNEXPECTED_EOF;
  if (!settings.enableTlsV1_2) {
    options |= SSL_OP_NO_TLSv1_2;
  }
  if (!settings.enableTlsV1_3) {
    options |= SSL_OP_NO_TLSv1_3;
  }
  return options;
}

Error contextError(const std::string& what) {
  return Error("TLS: " + what + ": " + openSslReasons());
}

}  // namespace

Try<std::shared_ptr<TlsContext>> TlsContext::make(const Context::Tls& given,
                                                  bool identity) {
  Context::Tls settings = given;
  if (settings.requireCert) {
    settings.verifyCert = true;
  }
  if (!settings.enableTlsV1_2 && !settings.enableTlsV1_3) {
    return Error(
        "TLS: LIBPROCESS_SSL_ENABLE_TLS_V1_2 and _V1_3 are both off: no "
        "protocol is left");
  }
  ERR_clear_error();
  SSL_CTX* context = SSL_CTX_new(TLS_method());
  if (context == nullptr) {
    return contextError("cannot make a context");
  }
  std::shared_ptr<TlsContext> made(new TlsContext(settings, context));
  if (identity) {
    if (settings.certFile.empty()) {
      return Error(
          "TLS: no certificate file (LIBPROCESS_SSL_CERT_FILE, "
          "Context::Tls::certFile)");
    }
    if (settings.keyFile.empty()) {
      return Error(
          "TLS: no key file (LIBPROCESS_SSL_KEY_FILE, "
          "Context::Tls::keyFile)");
    }
    if (SSL_CTX_use_certificate_chain_file(context,
                                           settings.certFile.c_str()) != 1) {
      return contextError("cannot load the certificate file '" +
                          settings.certFile + "'");
    }
    if (SSL_CTX_use_PrivateKey_file(context, settings.keyFile.c_str(),
                                    SSL_FILETYPE_PEM) != 1) {
      return contextError("cannot load the key file '" + settings.keyFile +
                          "'");
    }
    if (SSL_CTX_check_private_key(context) != 1) {
      return contextError("the key file '" + settings.keyFile +
                          "' does not match the certificate '" +
                          settings.certFile + "'");
    }
  }
  if (settings.verifyCert) {
    if (!settings.caFile.empty() || !settings.caDir.empty()) {
      const char* file =
          settings.caFile.empty() ? nullptr : settings.caFile.c_str();
      const char* dir =
          settings.caDir.empty() ? nullptr : settings.caDir.c_str();
      if (SSL_CTX_load_verify_locations(context, file, dir) != 1) {
        return contextError("cannot load the CA file '" + settings.caFile +
                            "' or directory '" + settings.caDir + "'");
      }
    } else if (SSL_CTX_set_default_verify_paths(context) != 1) {
      return contextError("cannot load the system's CAs");
    }
    SSL_CTX_set_verify_depth(context, settings.verifyDepth);
  }
  SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
  if (SSL_CTX_set_cipher_list(context, settings.ciphers.c_str()) != 1) {
    return contextError("no cipher of '" + settings.ciphers +
                        "' (LIBPROCESS_SSL_CIPHERS) can be used");
  }
  if (settings.ecdhCurves != "auto" &&
      SSL_CTX_set1_curves_list(context, settings.ecdhCurves.c_str()) != 1) {
    return contextError("cannot use the curves '" + settings.ecdhCurves +
                        "' (LIBPROCESS_SSL_ECDH_CURVES)");
  }
  SSL_CTX_set_options(context,
                      static_cast<uint64_t>(protocolOptions(settings)));
  SSL_CTX_set_num_tickets(context, 0);
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE |
                                SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                SSL_MODE_RELEASE_BUFFERS);
  return made;
}

TlsContext::~TlsContext() {
  SSL_CTX_free(context_);
}

TlsSession::TlsSession(std::shared_ptr<TlsContext> context, int fd,
                       TlsRole role, std::string hostname,
                       std::optional<net::IP> peerIp)
    : context_(std::move(context)),
      ssl_(SSL_new(context_->native())),
      role_(role),
      hostname_(std::move(hostname)),
      peerIp_(peerIp),
      fd_(fd) {
  if (ssl_ == nullptr) {
    return;
  }
  BIO* bio = BIO_new(socketMethod());
  BIO_set_data(bio, &fd_);  // lives as long as the SSL, which owns the BIO
  SSL_set_bio(ssl_, bio, bio);
  if (role_ == TlsRole::kClient) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

TlsSession::~TlsSession() {
  SSL_free(ssl_);
}

Try<Nothing> TlsSession::configure() {
  const Context::Tls& settings = context_->settings();
  if (role_ == TlsRole::kClient && !hostname_.empty()) {
    SSL_set_tlsext_host_name(ssl_, hostname_.c_str());  // SNI
  }
  if (role_ == TlsRole::kServer) {
    if (settings.requireCert) {
      SSL_set_verify(ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     nullptr);
    }
    return Nothing();
  }
  if (!settings.verifyCert) {
    return Nothing();
  }
  SSL_set_verify(ssl_, SSL_VERIFY_PEER, nullptr);
  if (settings.hostnameValidation !=
      Context::Tls::HostnameValidation::kOpenssl) {
    return Nothing();
  }
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  if (!hostname_.empty()) {
    if (X509_VERIFY_PARAM_set1_host(param, hostname_.c_str(), 0) != 1) {
      return Error("cannot check the name '" + hostname_ + "'");
    }
    return Nothing();
  }
  if (!settings.verifyIpAddress || !peerIp_) {
    return Error(
        "no name to check the certificate against, and IP address "
        "verification (LIBPROCESS_SSL_VERIFY_IPADD) is off");
  }
  const std::string ip = stringify(*peerIp_);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str()) != 1) {
    return Error("cannot check the address " + ip);
  }
  return Nothing();
}

void TlsSession::setError(const std::string& what, int code) {
  std::string reason;
  if (code == SSL_ERROR_SYSCALL) {
    reason = errno != 0 ? std::strerror(errno) : "the peer closed the socket";
    ERR_clear_error();
  } else {
    reason = openSslReasons();
  }
  const long verified = SSL_get_verify_result(ssl_);
  if (verified != X509_V_OK) {
    reason += std::string(" (the certificate: ") +
              X509_verify_cert_error_string(verified) + ")";
  }
  error_ = what + ": " + reason;
}

TlsSession::Want TlsSession::handshake() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (ssl_ == nullptr) {
    error_ = "cannot make a TLS session: " + openSslReasons();
    return Want::kFailed;
  }
  if (!configured_) {
    configured_ = true;
    Try<Nothing> configured = configure();
    if (configured.isError()) {
      error_ = "TLS: " + configured.error();
      return Want::kFailed;
    }
  }
  ERR_clear_error();
  errno = 0;
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    Try<Nothing> named = checkPeerName();
    if (named.isError()) {
      error_ = "the peer's certificate: " + named.error();
      return Want::kFailed;
    }
    return Want::kNothing;
  }
  const int code = SSL_get_error(ssl_, result);
  if (code == SSL_ERROR_WANT_READ) {
    return Want::kRead;
  }
  if (code == SSL_ERROR_WANT_WRITE) {
    return Want::kWrite;
  }
  setError("the TLS handshake failed", code);
  return Want::kFailed;
}

// libprocess's 'legacy' scheme: the peer's name by reverse DNS (or the
// name given, if none), matched exactly against the certificate's DNS
// names, then its IP addresses (with verifyIpAddress), then its common
// name. The 'openssl' scheme checked the name in the handshake.
Try<Nothing> TlsSession::checkPeerName() const {
  const Context::Tls& settings = context_->settings();
  if ((role_ == TlsRole::kClient && !settings.verifyCert) ||
      (role_ == TlsRole::kServer && !settings.requireCert)) {
    return Nothing();
  }
  X509* certificate = SSL_get1_peer_certificate(ssl_);
  if (certificate == nullptr) {
    return Error("none was presented");
  }
  std::unique_ptr<X509, decltype(&X509_free)> owned(certificate, X509_free);
  if (SSL_get_verify_result(ssl_) != X509_V_OK) {
    return Error(X509_verify_cert_error_string(SSL_get_verify_result(ssl_)));
  }
  if (settings.hostnameValidation ==
      Context::Tls::HostnameValidation::kOpenssl) {
    return Nothing();
  }
  std::optional<std::string> name;
  if (!hostname_.empty()) {
    name = hostname_;
  }
  if (peerIp_) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(peerIp_->value());
    char host[NI_MAXHOST];
    if (::getnameinfo(reinterpret_cast<sockaddr*>(&address), sizeof(address),
                      host, sizeof(host), nullptr, 0, NI_NAMEREQD) == 0) {
      name = host;
    }
  }
  if (!settings.verifyIpAddress && !name) {
    return settings.requireCert
               ? Try<Nothing>(Error("the peer's name is unknown"))
               : Try<Nothing>(Nothing());
  }
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  bool matched = false;
  for (int i = 0;
       names != nullptr && i < sk_GENERAL_NAME_num(names) && !matched; ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(names, i);
    if (entry->type == GEN_DNS && name) {
      const ASN1_IA5STRING* text = entry->d.dNSName;
      matched = std::string(
                    reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                    static_cast<size_t>(ASN1_STRING_length(text))) == *name;
    } else if (entry->type == GEN_IPADD && settings.verifyIpAddress &&
               peerIp_ && entry->d.iPAddress->length == 4) {
      const unsigned char* bytes = entry->d.iPAddress->data;
      const uint32_t ip = (uint32_t{bytes[0]} << 24) |
                          (uint32_t{bytes[1]} << 16) |
                          (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
      matched = ip == peerIp_->value();
    }
  }
  GENERAL_NAMES_free(names);
  if (matched) {
    return Nothing();
  }
  if (name) {
    char common[256] = {};
    X509_NAME* subject = X509_get_subject_name(certificate);
    if (subject != nullptr &&
        X509_NAME_get_text_by_NID(subject, NID_commonName, common,
                                  sizeof(common)) > 0) {
      if (*name == common) {
        return Nothing();
      }
      return Error("its name '" + std::string(common) +
                   "' is not the peer's, '" + *name + "'");
    }
  }
  return Error("it names neither " +
               (name ? "'" + *name + "'" : std::string("the peer")) +
               (peerIp_ ? " nor " + stringify(*peerIp_) : std::string()));
}

ssize_t TlsSession::read(char* data, size_t size, Want* want) {
  std::lock_guard<std::mutex> guard(mutex_);
  ERR_clear_error();
  errno = 0;
  size_t got = 0;
  const int result = SSL_read_ex(ssl_, data, size, &got);
  if (result == 1) {
    return static_cast<ssize_t>(got);
  }
  const int code = SSL_get_error(ssl_, result);
  switch (code) {
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    case SSL_ERROR_SYSCALL:
      if (errno == 0) {
        return 0;  // the peer closed without a close_notify
      }
      setError("TLS", code);
      *want = Want::kFailed;
      return -1;
    case SSL_ERROR_WANT_READ:
      *want = Want::kRead;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      *want = Want::kWrite;
      return -1;
    default:
      setError("TLS", code);
      *want = Want::kFailed;
      return -1;
  }
}

ssize_t TlsSession::write(const iovec* parts, size_t count) {
  std::lock_guard<std::mutex> guard(mutex_);
  ssize_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    const char* data = static_cast<const char*>(parts[i].iov_base);
    size_t left = parts[i].iov_len;
    while (left > 0) {
      ERR_clear_error();
      errno = 0;
      size_t written = 0;
      const int result = SSL_write_ex(ssl_, data, left, &written);
      if (result == 1) {
        total += static_cast<ssize_t>(written);
        data += written;
        left -= written;
        continue;
      }
      const int code = SSL_get_error(ssl_, result);
      if (code == SSL_ERROR_WANT_WRITE || code == SSL_ERROR_WANT_READ) {
        if (total > 0) {
          return total;
        }
        errno = EAGAIN;
        return -1;
      }
      const int error = errno != 0 ? errno : EPIPE;
      setError("TLS", code);
      errno = error;
      return -1;
    }
  }
  return total;
}

bool TlsSession::pending() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return SSL_has_pending(ssl_) == 1;
}

}  // namespace process::net
