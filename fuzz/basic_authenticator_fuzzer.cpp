// Fuzzes the decoding of an Authorization header by BasicAuthenticator,
// which a peer fills in: any value must give a principal or a 401
// challenge, at once, and a principal only for the one known credential.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <process/authenticator.hpp>

namespace authentication = process::http::authentication;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static authentication::BasicAuthenticator authenticator(
      "fuzz", {{"alice", "s3cret:pw"}});
  process::http::Request request;
  request.headers["Authorization"] =
      std::string(reinterpret_cast<const char*>(data), size);
  process::Future<authentication::AuthenticationResult> result =
      authenticator.authenticate(request);
  if (!result.isReady()) {
    std::abort();
  }
  const authentication::AuthenticationResult& got = result.get();
  if (got.principal.isSome() == got.unauthorized.isSome() ||
      got.forbidden.isSome()) {
    std::abort();
  }
  if (got.principal.isSome() && got.principal.get() != std::string("alice")) {
    std::abort();
  }
  return 0;
}
