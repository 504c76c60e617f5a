#include <process/future.hpp>

#include <exception>
#include <string>

#include <glog/logging.h>

namespace process::detail {

void logCallbackException(const char* what) {
  LOG(ERROR) << "A future's callback threw (ignored; the other callbacks "
                "still run): "
             << what;
}

std::string describeException(std::exception_ptr exception) {
  try {
    std::rethrow_exception(std::move(exception));
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

}  // namespace process::detail

#include <process/after.hpp>

namespace process {

Future<Nothing> after(const Duration& duration) {
  auto promise = std::make_shared<Promise<Nothing>>();
  Timer timer = Clock::timer(duration, [promise] { promise->set(Nothing()); });
  Future<Nothing> future = promise->future();
  future.onDiscard([weak = std::weak_ptr<Promise<Nothing>>(promise), timer] {
    // Hold the promise before cancelling: the timer's thunk owns it too.
    if (auto promise = weak.lock(); promise && Clock::cancel(timer)) {
      promise->discard();
    }
  });
  return future;
}

}  // namespace process
