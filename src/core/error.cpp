#include <process/error.hpp>

#include <cerrno>
#include <cstring>

#include <process/future.hpp>

namespace process {
namespace {

std::string describeErrno(int code, const std::string& message) {
  char buffer[256];
  // The GNU strerror_r returns the text, which may not be in `buffer`.
  const char* text = strerror_r(code, buffer, sizeof(buffer));
  return message.empty() ? std::string(text) : message + ": " + text;
}

}  // namespace

ErrnoError::ErrnoError() : ErrnoError(errno, "") {}
ErrnoError::ErrnoError(int code) : ErrnoError(code, "") {}
ErrnoError::ErrnoError(const std::string& message)
    : ErrnoError(errno, message) {}
ErrnoError::ErrnoError(int code, const std::string& message)
    : Error(describeErrno(code, message)), code(code) {}

ErrnoFailure::ErrnoFailure() : ErrnoFailure(errno, "") {}
ErrnoFailure::ErrnoFailure(const std::string& message)
    : ErrnoFailure(errno, message) {}
ErrnoFailure::ErrnoFailure(int code, const std::string& message)
    : Failure(describeErrno(code, message)), code(code) {}

}  // namespace process
