#include <process/clock.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <glog/logging.h>

namespace process {
namespace {

int64_t realNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max()
                 : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

// The clock's state and its timers. One per OS process until contexts get
// their own; made on first use and never destroyed, so timers may be used
// from static destructors and from the timer thread during exit.
class Timers {
 public:
  static Timers& instance() {
    static Timers* timers = new Timers();
    return *timers;
  }

  int64_t now() const {
    if (paused_.load(std::memory_order_acquire)) {
      return pausedAt_.load(std::memory_order_acquire);
    }
    return saturatingAdd(realNanoseconds(),
                         offset_.load(std::memory_order_acquire));
  }

  bool paused() const { return paused_.load(std::memory_order_acquire); }

  void pause() {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!paused_.load(std::memory_order_relaxed)) {
      pausedAt_.store(now(), std::memory_order_release);
      paused_.store(true, std::memory_order_release);
    }
  }

  void resume() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (paused_.load(std::memory_order_relaxed)) {
        offset_.store(pausedAt_.load() - realNanoseconds(),
                      std::memory_order_release);
        paused_.store(false, std::memory_order_release);
      }
    }
    wakeup_.notify_all();
  }

  // Moves a paused clock to `target` (never back) and fires what is due.
  void moveTo(int64_t target, const char* caller, bool backwards = false) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (!paused_.load(std::memory_order_relaxed)) {
        LOG(WARNING) << "Clock::" << caller
                     << "() ignored: the clock is not paused";
        return;
      }
      if (backwards || target > pausedAt_.load(std::memory_order_relaxed)) {
        pausedAt_.store(target, std::memory_order_release);
      }
    }
    fireDue();
  }

  void advance(int64_t nanoseconds) {
    moveTo(saturatingAdd(pausedAt_.load(), nanoseconds), "advance");
  }

  // Returns the timer's id and when it is due: `duration` from now, or at
  // `deadline` (nanoseconds since the epoch) when it is given.
  std::pair<uint64_t, int64_t> schedule(const Duration& duration,
                                        lambda::CallableOnce<void()> thunk,
                                        std::optional<int64_t> deadline = {}) {
    bool first = false;
    uint64_t id = 0;
    int64_t timeout = 0;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      id = nextId_++;
      timeout = deadline.has_value()
                    ? *deadline
                    : saturatingAdd(now(), std::max<int64_t>(duration.ns(), 0));
      auto entry = queue_.emplace(Key{timeout, id}, std::move(thunk)).first;
      first = entry == queue_.begin();
      startDriver();
    }
    if (first) {
      wakeup_.notify_all();
    }
    return {id, timeout};
  }

  bool cancel(const Timer& timer) {
    std::lock_guard<std::mutex> guard(mutex_);
    return queue_.erase(Key{timer.timeout().duration().ns(), timer.id()}) > 0;
  }

  size_t size() {
    std::lock_guard<std::mutex> guard(mutex_);
    return queue_.size();
  }

  bool due() {
    std::lock_guard<std::mutex> guard(mutex_);
    return firingCount_ > 0 ||
           (!queue_.empty() && queue_.begin()->first.first <= now());
  }

 private:
  using Key = std::pair<int64_t, uint64_t>;  // (timeout, id): time order

  // Runs due timers one at a time, earliest first, so that a thunk that
  // schedules or cancels another due timer is honoured. One thread fires at
  // a time (the timer thread, or whoever advances a paused clock).
  void fireDue() {
    std::lock_guard<std::recursive_mutex> firing(firing_);
    for (;;) {
      lambda::CallableOnce<void()> thunk;
      {
        std::lock_guard<std::mutex> guard(mutex_);
        if (queue_.empty() || queue_.begin()->first.first > now()) {
          return;
        }
        thunk = std::move(queue_.begin()->second);
        queue_.erase(queue_.begin());
        ++firingCount_;
      }
      try {
        std::move(thunk)();
      } catch (const std::exception& e) {
        LOG(ERROR) << "A timer's thunk threw (ignored): " << e.what();
      } catch (...) {
        LOG(ERROR) << "A timer's thunk threw (ignored)";
      }
      std::lock_guard<std::mutex> guard(mutex_);
      --firingCount_;
    }
  }

  void startDriver() {
    if (!driverStarted_) {
      driverStarted_ = true;
      std::thread([this] { drive(); }).detach();
    }
  }

  // The timer thread: sleeps until the earliest timer is due in real time.
  // While the clock is paused only timers already due fire.
  void drive() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (queue_.empty()) {
        wakeup_.wait(lock);
        continue;
      }
      const int64_t due = queue_.begin()->first.first;
      const int64_t current = now();
      if (due <= current) {
        lock.unlock();
        fireDue();
        lock.lock();
        continue;
      }
      if (paused_.load(std::memory_order_relaxed)) {
        wakeup_.wait(lock);
        continue;
      }
      constexpr int64_t kLongestSleep = int64_t(3600) * 1000 * 1000 * 1000;
      wakeup_.wait_for(lock, std::chrono::nanoseconds(
                                 std::min(due - current, kLongestSleep)));
    }
  }

  std::atomic<bool> paused_{false};
  std::atomic<int64_t> pausedAt_{0};
  std::atomic<int64_t> offset_{0};

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::map<Key, lambda::CallableOnce<void()>> queue_;
  uint64_t nextId_ = 1;
  int firingCount_ = 0;
  bool driverStarted_ = false;
  std::recursive_mutex firing_;
};

}  // namespace

Time Clock::now() {
  return Time::epoch() + Nanoseconds(Timers::instance().now());
}

void Clock::pause() {
  Timers::instance().pause();
}

bool Clock::paused() {
  return Timers::instance().paused();
}

void Clock::resume() {
  Timers::instance().resume();
}

void Clock::advance(const Duration& duration) {
  Timers::instance().advance(duration.ns());
}

void Clock::advance(ProcessBase* /*process*/, const Duration& duration) {
  advance(duration);
}

void Clock::update(const Time& time, Update update) {
  Timers::instance().moveTo(time.duration().ns(), "update", update == FORCE);
}

void Clock::update(ProcessBase* /*process*/, const Time& time, Update update) {
  Clock::update(time, update);
}

void Clock::order(ProcessBase* /*from*/, ProcessBase* /*to*/) {}

Time Clock::now(ProcessBase* /*process*/) {
  return now();
}

Timer Clock::timer(const Duration& duration,
                   lambda::CallableOnce<void()> thunk) {
  auto [id, timeout] = Timers::instance().schedule(duration, std::move(thunk));
  return Timer(id, Time::epoch() + Nanoseconds(timeout));
}

Timer Clock::timer(const Time& deadline, lambda::CallableOnce<void()> thunk) {
  auto [id, timeout] = Timers::instance().schedule(
      Duration::zero(), std::move(thunk), deadline.duration().ns());
  return Timer(id, Time::epoch() + Nanoseconds(timeout));
}

bool Clock::cancel(const Timer& timer) {
  return Timers::instance().cancel(timer);
}

size_t Clock::pendingTimers() {
  return Timers::instance().size();
}

bool Clock::timerDue() {
  return Timers::instance().due();
}

bool Timer::cancel() const {
  return Clock::cancel(*this);
}

}  // namespace process
