// Metrics (<process/metrics/*.hpp>): Counter, PushGauge, PullGauge (and
// its older name Gauge), Timer with its statistics window, and the
// registry's add/remove/snapshot, per context and on the default one, as
// libprocess's process::metrics behave.
#include <map>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/context.hpp>
#include <process/defer.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/metrics/counter.hpp>
#include <process/metrics/gauge.hpp>
#include <process/metrics/metrics.hpp>
#include <process/metrics/pull_gauge.hpp>
#include <process/metrics/push_gauge.hpp>
#include <process/metrics/timer.hpp>
#include <process/process.hpp>

using namespace process;
using process::metrics::Counter;
using process::metrics::PullGauge;
using process::metrics::PushGauge;

namespace {

Context::Options localNode() {
  Context::Options options;
  options.workers = 2;
  return options;
}

// The snapshot of `node`, waited for.
std::map<std::string, double> snapshotOf(Context& node,
                                         const Option<Duration>& timeout) {
  Future<std::map<std::string, double>> snapshot =
      metrics::snapshot(node, timeout);
  EXPECT_TRUE(snapshot.await(Seconds(30)));
  EXPECT_TRUE(snapshot.isReady()) << "snapshot not ready";
  return snapshot.isReady() ? snapshot.get() : std::map<std::string, double>{};
}

class Gauged : public Process<Gauged> {
 public:
  double level() { return level_; }
  void set(double level) { level_ = level; }

 private:
  double level_ = 0;
};

}  // namespace

TEST(MetricsTest, CounterCountsAndCopiesShareItsValue) {
  Counter counter("test/counter");
  ++counter;
  counter += 4;
  Counter copy = counter;
  ++copy;
  AWAIT_EXPECT_EQ(6.0, counter.value());
  EXPECT_EQ(metrics::Metric::Kind::kCounter, counter.kind());
  EXPECT_EQ("test/counter", copy.name());
  counter.reset();
  AWAIT_EXPECT_EQ(0.0, copy.value());
  EXPECT_TRUE(counter.statistics().isNone());  // no window, no history
}

TEST(MetricsTest, PushGaugeIsSetAndMoved) {
  PushGauge gauge("test/gauge");
  gauge = 10;
  gauge += 2.5;
  gauge -= 0.5;
  ++gauge;
  --gauge;
  --gauge;
  AWAIT_EXPECT_EQ(11.0, gauge.value());
  EXPECT_EQ(metrics::Metric::Kind::kGauge, gauge.kind());
}

TEST(MetricsTest, GaugeIsOlderLibprocessNameOfPullGauge) {
  static_assert(std::is_same_v<metrics::Gauge, PullGauge>);
  metrics::Gauge gauge("test/old_gauge", [] { return Future<double>(2.0); });
  AWAIT_EXPECT_EQ(2.0, gauge.value());
}

TEST(MetricsTest, AddedMetricsAppearInTheSnapshotAndLeaveOnRemove) {
  Context node(localNode());
  Counter counter("test/requests");
  PushGauge gauge("test/level");
  AWAIT_READY(metrics::add(node, counter));
  AWAIT_READY(metrics::add(node, gauge));
  counter += 3;  // the registry's copy sees what the caller's does
  gauge = 7;
  std::map<std::string, double> snapshot = snapshotOf(node, None());
  EXPECT_EQ(3.0, snapshot["test/requests"]);
  EXPECT_EQ(7.0, snapshot["test/level"]);

  AWAIT_READY(metrics::remove(node, counter));
  snapshot = snapshotOf(node, None());
  EXPECT_EQ(0U, snapshot.count("test/requests"));
  EXPECT_EQ(1U, snapshot.count("test/level"));
}

TEST(MetricsTest, DuplicateNamesAndUnknownRemovalsAreFailedFutures) {
  Context node(localNode());
  Counter first("test/twice");
  AWAIT_READY(metrics::add(node, first));
  Future<Nothing> second = metrics::add(node, PushGauge("test/twice"));
  AWAIT_FAILED(second);
  EXPECT_EQ("Metric 'test/twice' was already added", second.failure());
  Future<Nothing> unknown = metrics::remove(node, Counter("test/never"));
  AWAIT_FAILED(unknown);
  EXPECT_EQ("Metric 'test/never' not found", unknown.failure());
}

TEST(MetricsTest, EachContextHasItsOwnRegistry) {
  Context a(localNode());
  Context b(localNode());
  AWAIT_READY(metrics::add(a, Counter("test/only_in_a")));
  EXPECT_EQ(1U, snapshotOf(a, None()).count("test/only_in_a"));
  EXPECT_EQ(0U, snapshotOf(b, None()).count("test/only_in_a"));
  // The same name may be taken on another node.
  AWAIT_READY(metrics::add(b, Counter("test/only_in_a")));
}

TEST(MetricsTest, TheFreeFunctionsUseTheDefaultContext) {
  Counter counter("test/default_context");
  AWAIT_READY(metrics::add(counter));
  ++counter;
  Future<std::map<std::string, double>> snapshot = metrics::snapshot(None());
  AWAIT_READY(snapshot);
  EXPECT_EQ(1.0, snapshot->at("test/default_context"));
  EXPECT_EQ(1U, snapshot->count("procession/processes"));
  AWAIT_READY(metrics::remove(counter));
  AWAIT_FAILED(metrics::remove(counter));
}

TEST(MetricsTest, PullGaugeIsAskedOnItsProcessAtSnapshotTime) {
  Context node(localNode());
  auto* gauged = new Gauged();
  const PID<Gauged> pid = node.spawn(gauged, true);
  PullGauge gauge("test/pulled", defer(pid, &Gauged::level));
  AWAIT_READY(metrics::add(node, gauge));
  dispatch(pid, &Gauged::set, 4.5);
  EXPECT_EQ(4.5, snapshotOf(node, None())["test/pulled"]);
  dispatch(pid, &Gauged::set, 5.5);
  EXPECT_EQ(5.5, snapshotOf(node, None())["test/pulled"]);
  node.terminate(pid);
  node.wait(pid);
}

TEST(MetricsTest, APullGaugeThatDoesNotAnswerInTimeIsLeftOut) {
  Context node(localNode());
  Promise<double> never;
  Promise<Nothing> asked;
  PullGauge slow("test/slow", [&never, &asked] {
    asked.set(Nothing());
    return never.future();
  });
  AWAIT_READY(metrics::add(node, slow));
  AWAIT_READY(metrics::add(node, Counter("test/fast")));
  // A gauge that fails is left out as well.
  AWAIT_READY(metrics::add(node, PullGauge("test/failing", [] {
                             return Future<double>(Failure("x"));
                           })));

  Clock::pause();
  Future<std::map<std::string, double>> snapshot =
      metrics::snapshot(node, Seconds(10));
  AWAIT_READY(asked.future());
  Clock::settle();  // the registry's turn, which set the timeout, is over
  EXPECT_TRUE(snapshot.isPending());
  Clock::advance(Seconds(9));
  Clock::settle();
  EXPECT_TRUE(snapshot.isPending());
  Clock::advance(Seconds(1));
  AWAIT_READY(snapshot);
  EXPECT_EQ(0U, snapshot->count("test/slow"));
  EXPECT_EQ(0U, snapshot->count("test/failing"));
  EXPECT_EQ(1U, snapshot->count("test/fast"));
  Clock::resume();
  AWAIT_READY(metrics::remove(node, slow));
}

TEST(MetricsTest, TimerMeasuresWithThePausedClock) {
  Clock::pause();
  metrics::Timer<Milliseconds> timer("test/work");
  EXPECT_EQ("test/work_ms", timer.name());
  EXPECT_EQ(metrics::Metric::Kind::kTimer, timer.kind());
  AWAIT_FAILED(timer.value());  // nothing timed yet
  timer.start();
  Clock::advance(Milliseconds(25));
  EXPECT_EQ(Milliseconds(25), timer.stop());
  AWAIT_EXPECT_EQ(25.0, timer.value());

  Promise<int> work;
  Future<int> timed = timer.time(work.future());
  Clock::advance(Milliseconds(40));
  work.set(1);
  AWAIT_EXPECT_EQ(1, timed);
  AWAIT_EXPECT_EQ(40.0, timer.value());
  Clock::resume();
}

TEST(MetricsTest, TimerWithAWindowReportsLibprocessStatistics) {
  Context node(localNode());
  Clock::pause();
  metrics::Timer<Milliseconds> timer("test/latency", Minutes(10));
  AWAIT_READY(metrics::add(node, timer));
  for (int ms = 10; ms <= 50; ms += 10) {
    timer.start();
    Clock::advance(Milliseconds(ms));
    timer.stop();
  }
  std::map<std::string, double> snapshot = snapshotOf(node, None());
  EXPECT_EQ(50.0, snapshot["test/latency_ms"]);
  EXPECT_EQ(5.0, snapshot["test/latency_ms/count"]);
  EXPECT_EQ(10.0, snapshot["test/latency_ms/min"]);
  EXPECT_EQ(50.0, snapshot["test/latency_ms/max"]);
  EXPECT_EQ(30.0, snapshot["test/latency_ms/p50"]);
  EXPECT_DOUBLE_EQ(46.0, snapshot["test/latency_ms/p90"]);
  EXPECT_DOUBLE_EQ(48.0, snapshot["test/latency_ms/p95"]);
  EXPECT_DOUBLE_EQ(49.6, snapshot["test/latency_ms/p99"]);
  EXPECT_DOUBLE_EQ(49.96, snapshot["test/latency_ms/p999"]);
  EXPECT_EQ(1U, snapshot.count("test/latency_ms/p9999"));
  EXPECT_DOUBLE_EQ(150.0, timer.windowSum().get());

  // Values older than the window leave it.
  Clock::advance(Minutes(11));
  timer.start();
  Clock::advance(Milliseconds(5));
  timer.stop();
  timer.start();
  Clock::advance(Milliseconds(7));
  timer.stop();
  snapshot = snapshotOf(node, None());
  EXPECT_EQ(2.0, snapshot["test/latency_ms/count"]);
  EXPECT_EQ(5.0, snapshot["test/latency_ms/min"]);
  Clock::resume();
}

TEST(MetricsTest, CounterWithAWindowKeepsItsValuesHistory) {
  Context node(localNode());
  Clock::pause();
  Counter counter("test/windowed", Minutes(1));
  AWAIT_READY(metrics::add(node, counter));
  for (int i = 0; i < 3; ++i) {
    Clock::advance(Seconds(1));
    ++counter;
  }
  std::map<std::string, double> snapshot = snapshotOf(node, None());
  EXPECT_EQ(3.0, snapshot["test/windowed"]);
  EXPECT_EQ(4.0, snapshot["test/windowed/count"]);  // 0 (made), 1, 2, 3
  EXPECT_EQ(0.0, snapshot["test/windowed/min"]);
  EXPECT_EQ(3.0, snapshot["test/windowed/max"]);
  Clock::resume();
}
