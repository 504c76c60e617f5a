// Error: the reason an operation failed, carried by Try<T> and turned into a
// failed Future by whoever returns one.
#pragma once

#include <string>
#include <utility>

namespace process {

class Error {
 public:
  explicit Error(std::string message) : message(std::move(message)) {}

  std::string message;
};

// An Error whose message ends with strerror(errno), as errno was when it was
// made (or the code given).
class ErrnoError : public Error {
 public:
  ErrnoError();
  explicit ErrnoError(int code);
  explicit ErrnoError(const std::string& message);
  ErrnoError(int code, const std::string& message);

  int code;
};

}  // namespace process
