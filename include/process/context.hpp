// Context: one node, a listening (ip, port) pair with its own workers and
// processes (compactor's model). Several contexts can live in one OS
// process, each with its own port, so a test can run a whole cluster in one
// binary. Destroying a context terminates its processes and waits for them.
//
//   Context leader(Context::Options{.ip = "127.0.0.1", .port = 0});
//   PID<Leader> pid = leader.spawn(new Leader(), true);
//
// The free functions (spawn, dispatch, …) use the default context, made on
// first use from LIBPROCESS_IP (default 127.0.0.1), LIBPROCESS_PORT (0: any
// free port), LIBPROCESS_ADVERTISE_IP/_PORT (what goes into UPIDs) and
// LIBPROCESS_NUM_WORKER_THREADS (default: the number of cores), and
// PROCESSION_PEER_TIMEOUT (a duration such as "5secs"; default 30secs) and
// PROCESSION_SYSTEM_ENDPOINTS (0 or false: no /help, /__processes__,
// /metrics/snapshot, …), and LIBPROCESS_SSL_* for TLS (Options::tls).
//
// Each context serves libprocess's wire protocol on its port: processes on
// other nodes (libprocess, compactor or Procession, in this OS process or
// another) reach its processes with messages and links, and what a peer can
// make the node hold is bounded by Limits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <process/address.hpp>
#include <process/drop_reason.hpp>
#include <process/duration.hpp>
#include <process/option.hpp>
#include <process/pid.hpp>
#include <process/try.hpp>

namespace process {

class ProcessBase;

class Context;

namespace detail {
class ContextImpl;
ContextImpl& implOf(Context& context);
}  // namespace detail

class Context {
 public:
  // What a peer can make this node hold or wait for. Over a limit the peer
  // gets a 4xx answer or a closed connection, and a log line is written.
  struct Limits {
    size_t maxHeaderBytes = size_t{64} * 1024;  // request line and headers: 431
    size_t maxBodyBytes = size_t{64} * 1024 * 1024;  // one request's body: 413
    size_t maxConnections = 10000;                   // accepted, open at once
    // From a request's first byte to its last; a slower client is cut off.
    Duration requestTimeout = Seconds(30);
    // Encoded messages waiting for a slow peer; beyond it they are dropped.
    size_t maxOutboundBytes = size_t{256} * 1024 * 1024;
    // A peer that accepts no connection within this is unreachable.
    Duration connectTimeout = Seconds(5);
    // Accepted connections open at once from one IP address; past it a new
    // one is closed at once. At maxConnections, the connection idle
    // longest that never carried a request is closed to make room.
    size_t maxConnectionsPerAddress = 1024;
    // Bytes of messages from other nodes queued for one process and not yet
    // taken by it. Past it the node stops reading the connections that
    // bring them (TCP then slows the senders) until the queue is half
    // drained; nothing is dropped.
    size_t maxQueuedBytesPerProcess = size_t{64} * 1024 * 1024;
  };

  // TLS for every connection of the node: the messages and links to and
  // from other nodes, its routes, and the HTTP client's https URLs. The
  // default context reads them from libprocess's LIBPROCESS_SSL_*
  // variables (docs/guide.md, "TLS"); the defaults are libprocess's.
  struct Tls {
    bool enabled = false;  // LIBPROCESS_SSL_ENABLED
    std::string certFile;  // _CERT_FILE (PEM chain); needed when enabled
    std::string keyFile;   // _KEY_FILE (PEM)
    // Connections we open (as the client) check the server's certificate
    // against the CAs and its name: _VERIFY_CERT or _VERIFY_SERVER_CERT.
    bool verifyCert = false;
    // Connections accepted (as the server) need a certificate the CAs
    // signed, checked as above; implies verifyCert: _REQUIRE_CERT or
    // _REQUIRE_CLIENT_CERT.
    bool requireCert = false;
    // An iPAddress in the certificate may match the peer: _VERIFY_IPADD.
    bool verifyIpAddress = false;
    std::string caFile;    // _CA_FILE; with caDir empty: the system's CAs
    std::string caDir;     // _CA_DIR
    int verifyDepth = 4;   // _VERIFY_DEPTH
    std::string ciphers =  // _CIPHERS (TLS 1.2 and older)
        "AES128-SHA:AES256-SHA:RC4-SHA:DHE-RSA-AES128-SHA:DHE-DSS-AES128-SHA:"
        "DHE-RSA-AES256-SHA:DHE-DSS-AES256-SHA";
    std::string ecdhCurves = "auto";  // _ECDH_CURVES
    bool enableTlsV1_2 = true;        // _ENABLE_TLS_V1_2
    bool enableTlsV1_3 = false;       // _ENABLE_TLS_V1_3
    // One port serves plaintext too, told apart by the first byte (a TLS
    // record begins 0x16): _SUPPORT_DOWNGRADE.
    bool supportDowngrade = false;
    enum class HostnameValidation {
      kLegacy,   // the peer's name by reverse DNS, against SAN and CN
      kOpenssl,  // OpenSSL's own check, within the handshake
    };
    // _HOSTNAME_VALIDATION_SCHEME: legacy or openssl.
    HostnameValidation hostnameValidation = HostnameValidation::kLegacy;
  };

  struct Options {
    std::string ip = "127.0.0.1";  // where to listen
    uint16_t port = 0;             // 0: a free port
    int workers = 0;               // 0: the number of cores
    std::string advertiseIp{};     // empty: `ip`
    uint16_t advertisePort = 0;    // 0: the bound port
    // Messages and links to other contexts of this OS process skip the
    // sockets (no wire encoding, and a link hears of the process's own
    // exit, not only of its node's). Off: they travel as to any node.
    bool inMemoryLocalPeers = false;
    // A peer that acknowledges nothing and answers no keepalive probe for
    // this long (a partition, a frozen host: no FIN ever comes) is gone:
    // its links fire exited(), what was sent to it is given up. TCP
    // keepalive and TCP_USER_TIMEOUT, so it works against any peer. (Also
    // when a test's <process/testing/faults.hpp> cut lasts this long.)
    Duration peerTimeout = Seconds(30);
    // The node's own endpoints: /__processes__, /__network__, /help,
    // /logging/toggle, /system/stats.json, the page /__ui__ (docs/guide.md,
    // System endpoints) and /metrics/snapshot, /metrics/prometheus
    // ("Metrics"). Off: none of them is served (metrics::add still works).
    // PROCESSION_SYSTEM_ENDPOINTS=0 (or false) turns them off for the default
    // context.
    bool systemEndpoints = true;
    // /metrics/snapshot answers at most `requests` requests per `interval`,
    // evenly spaced on the Clock; one over the rate waits for its turn. As
    // libprocess, 2 per second unless told: for the default context,
    // LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT="10/1secs" (set and
    // empty: no limit); here, None() for no limit.
    struct RateLimit {
      int requests = 2;
      Duration interval = Seconds(1);
    };
    Option<RateLimit> metricsSnapshotRateLimit = RateLimit{};
    // The realms (process/authenticator.hpp) the node's own endpoints are
    // authenticated in, as libprocess's initialize() takes them:
    // /logging/toggle in the read-write one, the rest in the read-only one.
    // None: open. PROCESSION_READWRITE_REALM and PROCESSION_READONLY_REALM
    // set them for the default context.
    Option<std::string> readwriteAuthenticationRealm{};
    Option<std::string> readonlyAuthenticationRealm{};
    // A route whose handler throws or fails answers 500 with a generic body
    // (the reason goes to the log); true puts the reason in the body, for
    // development. PROCESSION_HTTP_ERROR_DETAILS=1 for the default context.
    bool httpErrorDetails = false;
    Limits limits{};
    // Bad files (a missing certificate, an unreadable key) make the
    // constructor throw, naming the file and OpenSSL's reason.
    Tls tls{};
  };

  // Binds the address at once. If it cannot (the port is taken, the ip is
  // not an address, or not one of this machine's), throws: a
  // std::system_error whose what() says the address and the reason
  // ("Context: cannot listen on 127.0.0.1:5050: Address already in use"),
  // or a std::invalid_argument for options that make no sense.
  explicit Context(const Options& options);
  // The same, with the failure as an Error of that text instead of an
  // exception:
  //
  //   Try<std::unique_ptr<Context>> node = Context::create({.port = 5050});
  //   if (node.isError()) { std::cerr << node.error() << std::endl; }
  static Try<std::unique_ptr<Context>> create(const Options& options);
  Context();
  ~Context();

  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // The default context, made on first use from the environment. If it
  // cannot be made (LIBPROCESS_PORT in use, a variable that is not a
  // number), the program ends with one line on stderr and exit status 1.
  static Context& instance();

  // The advertised address: what UPIDs of this context's processes carry.
  Address address() const;
  int workers() const;

  UPID spawn(ProcessBase* process, bool manage = false);
  template <typename T>
  PID<T> spawn(T* process, bool manage = false) {
    return PID<T>(spawn(static_cast<ProcessBase*>(process), manage));
  }
  template <typename T>
  PID<T> spawn(T& process) {
    return PID<T>(spawn(static_cast<ProcessBase*>(&process), false));
  }
  void terminate(const UPID& pid, bool inject = true);
  bool wait(const UPID& pid, const Duration& timeout = Duration::max());

  // Messages this context gave up on since it started, in all and by
  // reason (process/drop_reason.hpp): sent to no process, or to a node
  // that did not acknowledge them, or refused by a limit.
  uint64_t droppedMessages() const;
  uint64_t droppedMessages(DropReason reason) const;

 private:
  friend detail::ContextImpl& detail::implOf(Context& context);

  std::unique_ptr<detail::ContextImpl> impl_;
};

}  // namespace process
