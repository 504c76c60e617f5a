#include "fake_transport.hpp"

#include "runtime/system_processes.hpp"

#include <atomic>
#include <map>

namespace process {
namespace testing {
namespace {

std::mutex& registryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<Address, FakeTransport*>& registry() {
  static std::map<Address, FakeTransport*> fakes;
  return fakes;
}

// Each fake context gets a port of its own: contexts are told apart by
// address.
std::atomic<uint16_t> nextPort{41000};

// Sends since the last end of a turn, per worker thread.
thread_local int sendsThisTurn = 0;

}  // namespace

void FakePoller::poll() {}

uint64_t FakePoller::interruptions() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return interrupts_;
}

detail::Poller::WaitResult FakePoller::wait(std::chrono::microseconds timeout,
                                            uint64_t seen) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (blocked_) {
    return WaitResult::kWatched;
  }
  if (interrupts_ != seen) {
    return WaitResult::kWaited;
  }
  blocked_ = true;
  ++waits_;
  changed_.notify_all();
  const auto woken = [this, seen] { return interrupts_ != seen; };
  if (timeout.count() > 0) {
    changed_.wait_for(lock, timeout, woken);
  } else {
    changed_.wait(lock, woken);
  }
  blocked_ = false;
  return WaitResult::kWaited;
}

bool FakePoller::watched() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return blocked_;
}

void FakePoller::interrupt() {
  std::lock_guard<std::mutex> guard(mutex_);
  ++interrupts_;
  changed_.notify_all();
}

bool FakePoller::awaitWaits(int count, std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return waits_ >= count; });
}

int FakePoller::interrupts() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return static_cast<int>(interrupts_);
}

void FakeTransport::send(const UPID& from, const UPID& to,
                         const std::string& name, std::string&& body) {
  std::lock_guard<std::mutex> guard(mutex_);
  sent_.push_back(SentMessage{from, to, name, std::move(body)});
  ++sendsThisTurn;
}

void FakeTransport::link(const UPID& linker, const UPID& linkee) {
  std::lock_guard<std::mutex> guard(mutex_);
  links_.emplace_back(linker, linkee);
}

void FakeTransport::endTurn() {
  if (sendsThisTurn == 0) {
    return;
  }
  std::lock_guard<std::mutex> guard(mutex_);
  sendsPerTurn_.push_back(sendsThisTurn);
  sendsThisTurn = 0;
}

void FakeTransport::stop() {
  std::lock_guard<std::mutex> guard(mutex_);
  stopped_ = true;
}

std::vector<SentMessage> FakeTransport::sent() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return sent_;
}

std::vector<std::pair<UPID, UPID>> FakeTransport::links() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return links_;
}

std::vector<int> FakeTransport::sendsPerTurn() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return sendsPerTurn_;
}

bool FakeTransport::stopped() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return stopped_;
}

FakeTransport* FakeTransport::at(const Address& address) {
  std::lock_guard<std::mutex> guard(registryMutex());
  auto found = registry().find(address);
  return found == registry().end() ? nullptr : found->second;
}

}  // namespace testing

// The runtime's one link to a network, here a fake.
std::unique_ptr<detail::Transport> detail::makeTransport(
    Host& host, const Context::Options& options) {
  Try<net::IP> ip = net::IP::parse(options.ip);
  const Address bound(ip.isSome() ? ip.get() : net::IP(0x7f000001),
                      options.port != 0 ? options.port : testing::nextPort++);
  auto fake = std::make_unique<testing::FakeTransport>(host, bound);
  std::lock_guard<std::mutex> guard(testing::registryMutex());
  testing::registry()[bound] = fake.get();
  return fake;
}

}  // namespace process
