// TLS under a Stream (stream.hpp): a node's OpenSSL context, made from
// Context::Tls as libprocess makes its own from LIBPROCESS_SSL_*, and one
// connection's session over the stream's socket. OpenSSL reads and writes
// the socket itself through a small BIO of ours (recv/send with
// MSG_NOSIGNAL, never blocking): the stream's read loop calls read()
// where it would call recv(), and its write queue calls write() where it
// would call sendmsg(), so TLS keeps the stream's deadlines, limits and
// gathered writes.
//
//   auto context = net::TlsContext::make(options.tls, true);  // Try<>
//   stream->secureServer(context.get(), options.tls.supportDowngrade);
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <process/address.hpp>
#include <process/context.hpp>
#include <process/nothing.hpp>
#include <process/try.hpp>

// OpenSSL's types, without its headers in every user of a Stream.
struct ssl_st;
struct ssl_ctx_st;

namespace process::net {

class TlsContext {
 public:
  // With `identity`, the certificate and key are loaded (a node with TLS
  // on); without, it is a client's only (https from a node without TLS).
  // The Error names the file or setting and OpenSSL's reason.
  static Try<std::shared_ptr<TlsContext>> make(const Context::Tls& settings,
                                               bool identity);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const { return context_; }
  // As given, with requireCert implying verifyCert (libprocess's rule).
  const Context::Tls& settings() const { return settings_; }

 private:
  TlsContext(const Context::Tls& settings, ssl_ctx_st* context)
      : settings_(settings), context_(context) {}

  Context::Tls settings_;
  ssl_ctx_st* context_;
};

enum class TlsRole { kClient, kServer };

// One connection's TLS. The handshake and read() belong to the loop's
// thread; write() to the holder of the stream's write token, on any
// thread: the two are kept apart by a mutex, as an SSL object is not for
// two threads at once.
class TlsSession {
 public:
  // `hostname`: the name the client meant (an https URL's host), checked
  // against the server's certificate; empty for a peer known by address.
  TlsSession(std::shared_ptr<TlsContext> context, int fd, TlsRole role,
             std::string hostname, std::optional<net::IP> peerIp);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Want { kNothing, kRead, kWrite, kFailed };
  // Goes on with the handshake; kNothing once it is done and the peer's
  // certificate passed the checks the settings ask for. kFailed: error().
  Want handshake();
  // As recv(): > 0 bytes, 0 at end of file, -1 with `*want` kRead or
  // kWrite (wait for the socket, then read again) or kFailed (error()).
  ssize_t read(char* data, size_t size, Want* want);
  // As sendmsg(): the bytes taken, or -1 with errno (EAGAIN: wait for
  // the socket, and retry with the same bytes).
  ssize_t write(const iovec* parts, size_t count);
  // Decrypted bytes wait inside OpenSSL: read() again before waiting.
  bool pending() const;
  // What went wrong last: OpenSSL's reasons, and the certificate's.
  const std::string& error() const { return error_; }

 private:
  Try<Nothing> configure();
  Try<Nothing> checkPeerName() const;
  void setError(const std::string& what, int code);

  std::shared_ptr<TlsContext> context_;
  ssl_st* ssl_ = nullptr;
  const TlsRole role_;
  const std::string hostname_;
  const std::optional<net::IP> peerIp_;
  int fd_;  // the BIO's
  mutable std::mutex mutex_;
  std::string error_;
  bool configured_ = false;
};

// Whether the first byte a client sent opens a TLS record (a handshake,
// 0x16): with downgrade on, it decides how an accepted connection is read.
inline bool opensTlsRecord(unsigned char first) {
  return first == 0x16;
}

}  // namespace process::net
