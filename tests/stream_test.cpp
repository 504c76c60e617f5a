// net::Stream, the one connection every socket of a context uses: connect,
// read, end of file, writes from any thread, the read deadline, the write
// stall, refusal past a limit and the count of units lost at close. The
// other end is a plain socket (tests/wire_socket.hpp), the loop is run by a
// thread of the test.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <glog/logging.h>

#include <process/clock.hpp>

#include "net/event_loop.hpp"
#include "net/stream.hpp"
#include "wire_socket.hpp"

namespace process::net {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kLimit{15000};

// Runs the loop on a thread of its own, as a context's workers would.
class LoopThread {
 public:
  explicit LoopThread(const Context::Limits& limits = {}) : loop_(limits) {
    thread_ = std::thread([this] {
      while (!stop_.load(std::memory_order_acquire)) {
        loop_.wait(std::chrono::microseconds(2000), loop_.interruptions());
      }
    });
  }
  ~LoopThread() {
    stop_.store(true, std::memory_order_release);
    loop_.interrupt();
    thread_.join();
  }
  EventLoop& loop() { return loop_; }

 private:
  EventLoop loop_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// What the owner of a stream hears, for the test to wait on.
class Recorder final : public StreamHandler {
 public:
  void onConnected() override {
    update([&] { connected = true; });
  }
  void onData(const char* data, size_t size) override {
    update([&] { received.append(data, size); });
  }
  void onEndOfFile() override {
    update([&] { endOfFile = true; });
  }
  void onError(const StreamError& e) override {
    update([&] { error = e; });
  }
  void onDrained() override {
    update([&] { ++drained; });
  }
  void onReadDeadline() override {
    update([&] { ++deadlines; });
  }

  // Waits (bounded) until `done()` holds, under the lock.
  template <typename F>
  bool await(F&& done) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, kLimit, std::forward<F>(done));
  }

  std::mutex mutex;
  std::condition_variable changed;
  bool connected = false;
  bool endOfFile = false;
  std::string received;
  std::optional<StreamError> error;
  int drained = 0;
  int deadlines = 0;

 private:
  template <typename F>
  void update(F&& f) {
    std::lock_guard<std::mutex> guard(mutex);
    f();
    changed.notify_all();
  }
};

asio::ip::tcp::endpoint endpointOf(const Address& address) {
  return {asio::ip::address_v4(address.ip.value()), address.port};
}

struct Connected {
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  std::shared_ptr<Stream> stream;
  wire::Socket peer;
};

// A stream connected to a listener of the test, reading.
Connected connect(LoopThread& thread, wire::Listener& listener) {
  Connected c;
  c.stream = std::make_shared<Stream>(thread.loop());
  thread.loop().post([&c, &listener] {
    c.stream->setHandler(c.recorder);
    c.stream->connect(endpointOf(listener.address()), Seconds(15));
  });
  c.peer = listener.accept();
  EXPECT_TRUE(c.recorder->await([&] { return c.recorder->connected; }));
  thread.loop().post([stream = c.stream] { stream->startReading(); });
  return c;
}

TEST(StreamTest, WritesFromAnyThreadAndReadsUntilEndOfFile) {
  LoopThread thread;
  wire::Listener listener;
  Connected c = connect(thread, listener);
  ASSERT_TRUE(c.peer.valid());

  // Off the loop, as a worker at the end of a turn.
  EXPECT_EQ(Stream::Appended::kWritable, c.stream->write("hello "));
  EXPECT_EQ(Stream::Appended::kWritable, c.stream->write("world"));
  c.stream->flush();
  EXPECT_EQ(std::optional<std::string>("hello world"), c.peer.read(11));
  EXPECT_EQ(0u, c.stream->unwrittenBytes());

  ASSERT_TRUE(c.peer.write("from the peer"));
  EXPECT_TRUE(c.recorder->await(
      [&] { return c.recorder->received == "from the peer"; }));
  ::shutdown(c.peer.fd(), SHUT_WR);
  EXPECT_TRUE(c.recorder->await([&] { return c.recorder->endOfFile; }));
  EXPECT_FALSE(c.recorder->error.has_value());
}

TEST(StreamTest, BytesQueuedBeforeTheConnectGoOutOnceConnected) {
  LoopThread thread;
  wire::Listener listener;
  auto recorder = std::make_shared<Recorder>();
  auto stream = std::make_shared<Stream>(thread.loop());
  EXPECT_EQ(Stream::Appended::kQueued, stream->write("early"));
  thread.loop().post([&] {
    stream->setHandler(recorder);
    stream->connect(endpointOf(listener.address()), Seconds(15));
  });
  wire::Socket peer = listener.accept();
  EXPECT_EQ(std::optional<std::string>("early"), peer.read(5));
}

TEST(StreamTest, ARefusedConnectIsAConnectError) {
  LoopThread thread;
  wire::Listener closed(false);  // bound, not listening: refuses
  auto recorder = std::make_shared<Recorder>();
  auto stream = std::make_shared<Stream>(thread.loop());
  thread.loop().post([&] {
    stream->setHandler(recorder);
    stream->connect(endpointOf(closed.address()), Seconds(15));
  });
  ASSERT_TRUE(recorder->await([&] { return recorder->error.has_value(); }));
  EXPECT_EQ(StreamError::Cause::kConnect, recorder->error->cause);
  EXPECT_EQ(ECONNREFUSED, recorder->error->code);
  EXPECT_FALSE(recorder->error->timedOut);
  EXPECT_EQ(Stream::Appended::kClosed, stream->write("late"));
}

// Runs `f` on the loop and returns once it has run (and what the loop had
// queued before it).
template <typename F>
void onLoop(LoopThread& thread, F&& f) {
  std::promise<void> ran;
  thread.loop().post([&] {
    f();
    ran.set_value();
  });
  ran.get_future().wait();
}

// Pauses the clock for one test, also when an ASSERT ends it early.
struct PausedClock {
  PausedClock() { Clock::pause(); }
  ~PausedClock() { Clock::resume(); }
  PausedClock(const PausedClock&) = delete;
  PausedClock& operator=(const PausedClock&) = delete;
};

// Deadlines are on process::Clock: paused, they pass only by advance().
TEST(StreamTest, TheReadDeadlineIsHeardWhenTheClockReachesIt) {
  LoopThread thread;
  wire::Listener listener;
  Connected c = connect(thread, listener);
  const PausedClock paused;
  onLoop(thread, [stream = c.stream] {
    stream->setReadDeadline(deadlineAfter(Seconds(30)));
  });
  Clock::advance(Seconds(29));
  onLoop(thread, [] {});
  EXPECT_TRUE(c.recorder->await([&] { return c.recorder->deadlines == 0; }));
  Clock::advance(Seconds(1));
  EXPECT_TRUE(c.recorder->await([&] { return c.recorder->deadlines == 1; }));
  EXPECT_FALSE(c.recorder->error.has_value());  // the owner decides
}

TEST(StreamTest, APeerThatTakesNothingStallsTheWrite) {
  LoopThread thread;
  wire::Listener listener;
  Connected c = connect(thread, listener);
  const PausedClock paused;
  onLoop(thread,
         [stream = c.stream] { stream->setWriteStallTimeout(Seconds(10)); });
  // More than the socket buffers hold; the peer reads none of it.
  const std::string block(1 << 20, 'x');
  for (int i = 0; i < 32; ++i) {
    c.stream->write(block);
  }
  c.stream->flush();
  onLoop(thread, [] {});  // the blocked write has set its stall deadline
  Clock::advance(Seconds(10));
  ASSERT_TRUE(c.recorder->await([&] { return c.recorder->error.has_value(); }));
  EXPECT_EQ(StreamError::Cause::kStalled, c.recorder->error->cause);
  EXPECT_TRUE(c.recorder->error->timedOut);
}

TEST(StreamTest, AWriteThatWaitedEndsDrained) {
  LoopThread thread;
  wire::Listener listener;
  Connected c = connect(thread, listener);
  const std::string block(1 << 20, 'y');
  for (int i = 0; i < 8; ++i) {
    c.stream->write(block);
  }
  c.stream->flush();
  EXPECT_TRUE(c.peer.read(block.size() * 8).has_value());
  EXPECT_TRUE(c.recorder->await([&] { return c.recorder->drained >= 1; }));
  EXPECT_EQ(0u, c.stream->unwrittenBytes());
}

TEST(StreamTest, AppendIsRefusedPastTheLimitAndClosingCountsLostUnits) {
  LoopThread thread;
  auto stream = std::make_shared<Stream>(thread.loop());
  const auto add = [&](std::string_view bytes, size_t limit) {
    return stream->append(bytes.size(), limit, true,
                          [bytes](std::string& block) { block += bytes; });
  };
  EXPECT_EQ(Stream::Appended::kQueued, add("one", 8));
  EXPECT_EQ(Stream::Appended::kQueued, add("two", 8));
  EXPECT_EQ(Stream::Appended::kQueued, add("three", 8));  // 6 < 8 before
  EXPECT_EQ(Stream::Appended::kFull, add("four", 8));     // 11 >= 8
  std::promise<uint64_t> lost;
  thread.loop().post([&] {
    stream->close();
    lost.set_value(stream->lostMarks());
  });
  std::future<uint64_t> count = lost.get_future();
  ASSERT_EQ(std::future_status::ready, count.wait_for(kLimit));
  EXPECT_EQ(3u, count.get());
  EXPECT_EQ(Stream::Appended::kClosed, add("five", 100));
}

}  // namespace
}  // namespace process::net
