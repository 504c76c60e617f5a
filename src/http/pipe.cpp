#include <process/pipe.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace process::http {

namespace {

const char kReaderClosed[] = "Pipe reader closed";
const char kWriterGivenUp[] = "Pipe writer dropped without closing the pipe";

}  // namespace

// Promises are completed only after the mutex is released: completing one
// runs callbacks, which may read or write this same pipe.
struct Pipe::State {
  enum class WriteEnd { kOpen, kClosed, kFailed };

  std::mutex mutex;
  bool readerOpen = true;
  WriteEnd writeEnd = WriteEnd::kOpen;
  std::string failure;
  std::deque<std::string> data;
  // Shared so that a read's discard handler, which may run while the read
  // is being completed elsewhere, can tell its own promise from a later one.
  std::deque<std::shared_ptr<Promise<std::string>>> reads;
  Promise<Nothing> readerClosed;

  // Takes the read end out of service; false if it already was.
  bool closeReader() {
    std::deque<std::shared_ptr<Promise<std::string>>> failed;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!readerOpen) {
        return false;
      }
      readerOpen = false;
      data.clear();
      failed.swap(reads);
    }
    for (const auto& read : failed) {
      read->fail(kReaderClosed);
    }
    readerClosed.set(Nothing());
    return true;
  }

  // Ends the data, with `message` as the failure if it is set; false if the
  // write end was not open.
  bool closeWriter(const std::string* message) {
    std::deque<std::shared_ptr<Promise<std::string>>> waiting;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (writeEnd != WriteEnd::kOpen) {
        return false;
      }
      if (message != nullptr) {
        writeEnd = WriteEnd::kFailed;
        failure = *message;
      } else {
        writeEnd = WriteEnd::kClosed;
      }
      // A read waits only while nothing is queued, so every waiting read
      // now gets the end of the data.
      waiting.swap(reads);
    }
    for (const auto& read : waiting) {
      if (message != nullptr) {
        read->fail(*message);
      } else {
        read->set(std::string());
      }
    }
    return true;
  }
};

// The last handle on an end going away gives that end up.
struct Pipe::ReadEnd {
  explicit ReadEnd(std::shared_ptr<State> state) : state(std::move(state)) {}
  ~ReadEnd() { state->closeReader(); }
  ReadEnd(const ReadEnd&) = delete;
  ReadEnd& operator=(const ReadEnd&) = delete;

  std::shared_ptr<State> state;
};

struct Pipe::WriteEnd {
  explicit WriteEnd(std::shared_ptr<State> state) : state(std::move(state)) {}
  ~WriteEnd() {
    const std::string message = kWriterGivenUp;
    state->closeWriter(&message);
  }
  WriteEnd(const WriteEnd&) = delete;
  WriteEnd& operator=(const WriteEnd&) = delete;

  std::shared_ptr<State> state;
};

Pipe::Pipe() {
  auto state = std::make_shared<State>();
  read_ = std::make_shared<ReadEnd>(state);
  write_ = std::make_shared<WriteEnd>(std::move(state));
}

Future<std::string> Pipe::Reader::read() const {
  const std::shared_ptr<State>& state = end_->state;
  std::shared_ptr<Promise<std::string>> promise;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (!state->readerOpen) {
      return Failure(kReaderClosed);
    }
    if (!state->data.empty()) {
      std::string front = std::move(state->data.front());
      state->data.pop_front();
      return front;
    }
    switch (state->writeEnd) {
      case State::WriteEnd::kClosed:
        return std::string();
      case State::WriteEnd::kFailed:
        return Failure(state->failure);
      case State::WriteEnd::kOpen:
        break;
    }
    promise = std::make_shared<Promise<std::string>>();
    state->reads.push_back(promise);
  }

  Future<std::string> future = promise->future();
  // Held weakly: the state owns the promise, whose future owns this
  // callback.
  future.onDiscard([weakState = std::weak_ptr<State>(state),
                    weakPromise =
                        std::weak_ptr<Promise<std::string>>(promise)] {
    const std::shared_ptr<State> state = weakState.lock();
    const std::shared_ptr<Promise<std::string>> promise = weakPromise.lock();
    if (state == nullptr || promise == nullptr) {
      return;
    }
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      auto it = std::find(state->reads.begin(), state->reads.end(), promise);
      if (it == state->reads.end()) {
        return;  // already completed, or being completed, by someone else
      }
      state->reads.erase(it);
    }
    promise->discard();
  });
  return future;
}

namespace {

// readAll's loop. Exactly one party consumes each read's result: the loop
// itself if the read completed before its callback was registered, the
// callback otherwise. So the loop never recurses, however many reads are
// ready at once.
struct ReadAll : std::enable_shared_from_this<ReadAll> {
  explicit ReadAll(Pipe::Reader reader) : reader(std::move(reader)) {}

  void run() {
    while (true) {
      Future<std::string> read = reader.read();
      bool discarding = false;
      {
        std::lock_guard<std::mutex> lock(mutex);
        discarding = discardRequested;
        pending = read;
      }
      if (discarding) {
        read.discard();
        promise.discard();
        return;
      }
      // 0: registering, 1: registered, 2: completed during registration.
      auto handoff = std::make_shared<std::atomic<int>>(0);
      read.onAny([self = shared_from_this(),
                  handoff](const Future<std::string>& done) {
        int registering = 0;
        if (handoff->compare_exchange_strong(registering, 2)) {
          return;
        }
        if (self->consume(done)) {
          self->run();
        }
      });
      int registering = 0;
      if (handoff->compare_exchange_strong(registering, 1)) {
        return;  // the callback takes over
      }
      if (!consume(read)) {
        return;
      }
    }
  }

  // Takes in one read's result; true if there is more to read.
  bool consume(const Future<std::string>& read) {
    if (read.isReady()) {
      if (read.get().empty()) {
        promise.set(std::move(buffer));
        return false;
      }
      buffer += read.get();
      return true;
    }
    if (read.isFailed()) {
      promise.fail(read.failure());
    } else {
      promise.discard();
    }
    return false;
  }

  Pipe::Reader reader;
  std::string buffer;
  Promise<std::string> promise;
  std::mutex mutex;
  bool discardRequested = false;
  Future<std::string> pending;  // the read in progress
};

}  // namespace

Future<std::string> Pipe::Reader::readAll() const {
  auto loop = std::make_shared<ReadAll>(*this);
  Future<std::string> result = loop->promise.future();
  // A discard request withdraws the read in progress, which ends the loop;
  // if that read has just completed, the loop sees the request before its
  // next read.
  result.onDiscard([weak = std::weak_ptr<ReadAll>(loop)] {
    if (const std::shared_ptr<ReadAll> loop = weak.lock()) {
      Future<std::string> pending;
      {
        std::lock_guard<std::mutex> lock(loop->mutex);
        loop->discardRequested = true;
        pending = loop->pending;
      }
      pending.discard();
    }
  });
  loop->run();
  return result;
}

bool Pipe::Reader::close() const {
  return end_->state->closeReader();
}

bool Pipe::Writer::write(std::string data) const {
  const std::shared_ptr<State>& state = end_->state;
  std::shared_ptr<Promise<std::string>> read;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (!state->readerOpen || state->writeEnd != State::WriteEnd::kOpen) {
      return false;
    }
    if (data.empty()) {
      return true;
    }
    if (state->reads.empty()) {
      state->data.push_back(std::move(data));
      return true;
    }
    read = std::move(state->reads.front());
    state->reads.pop_front();
  }
  read->set(std::move(data));
  return true;
}

bool Pipe::Writer::close() const {
  return end_->state->closeWriter(nullptr);
}

bool Pipe::Writer::fail(const std::string& message) const {
  return end_->state->closeWriter(&message);
}

Future<Nothing> Pipe::Writer::readerClosed() const {
  return end_->state->readerClosed.future();
}

}  // namespace process::http
