// Error: the reason an operation failed, carried by Try<T> and Result<T> and
// turned into a failed Future by whoever returns one. ErrnoError appends
// strerror(errno) to a message.
//
// clang-format off
//   Try<int> openLog(const std::string& path) {
//     int fd = ::open(path.c_str(), O_RDONLY);
//     if (fd < 0) return ErrnoError("open " + path);  // "open x: No such ..."
//     return fd;
//   }
// clang-format on
//
// Ours: `message` is not const (stout's is), so Try<T> and Result<T> are
// assignable; ErrnoError(code, "") gives just the strerror text, not ": text".
#pragma once

#include <ostream>
#include <string>
#include <utility>

namespace process {

class Error {
 public:
  explicit Error(std::string message) : message(std::move(message)) {}

  friend bool operator==(const Error& left, const Error& right) {
    return left.message == right.message;
  }

  std::string message;
};

inline std::ostream& operator<<(std::ostream& stream, const Error& error) {
  return stream << error.message;
}

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

// stout's name for the error of a failed socket call (ErrnoError off
// Windows).
using SocketError = ErrnoError;

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::ErrnoError;
using process::Error;
using process::SocketError;
