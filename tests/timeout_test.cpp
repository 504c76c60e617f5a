// Timeout: a deadline on the Clock. The clock is paused in every test, so
// "now" moves only when a test advances it.
#include <process/timeout.hpp>

#include <gtest/gtest.h>

#include <process/clock.hpp>
#include <process/duration.hpp>
#include <process/time.hpp>

using namespace process;

namespace {

class TimeoutTest : public ::testing::Test {
 protected:
  void SetUp() override { Clock::pause(); }
  void TearDown() override { Clock::resume(); }
};

}  // namespace

TEST_F(TimeoutTest, InCountsDownWithThePausedClock) {
  const Time start = Clock::now();
  Timeout timeout = Timeout::in(Seconds(10));
  EXPECT_EQ(start + Seconds(10), timeout.time());
  EXPECT_EQ(Seconds(10), timeout.remaining());
  EXPECT_FALSE(timeout.expired());

  Clock::advance(Seconds(9));
  EXPECT_EQ(Seconds(1), timeout.remaining());
  EXPECT_FALSE(timeout.expired());

  Clock::advance(Seconds(1) - Nanoseconds(1));
  EXPECT_EQ(Nanoseconds(1), timeout.remaining());
  EXPECT_FALSE(timeout.expired());

  // Expired at the deadline itself, not only after it.
  Clock::advance(Nanoseconds(1));
  EXPECT_EQ(Duration::zero(), timeout.remaining());
  EXPECT_TRUE(timeout.expired());

  // Past the deadline, what is left stays zero rather than going negative.
  Clock::advance(Seconds(5));
  EXPECT_EQ(Duration::zero(), timeout.remaining());
  EXPECT_TRUE(timeout.expired());

  // The deadline itself does not move.
  EXPECT_EQ(start + Seconds(10), timeout.time());
}

TEST_F(TimeoutTest, DefaultExpiresNow) {
  Timeout timeout;
  EXPECT_EQ(Clock::now(), timeout.time());
  EXPECT_TRUE(timeout.expired());
  EXPECT_EQ(Duration::zero(), timeout.remaining());
}

TEST_F(TimeoutTest, FromATime) {
  const Time deadline = Clock::now() + Minutes(1);
  Timeout timeout(deadline);
  EXPECT_EQ(deadline, timeout.time());
  EXPECT_EQ(Minutes(1), timeout.remaining());

  Timeout past(Time::epoch());
  EXPECT_TRUE(past.expired());
  EXPECT_EQ(Duration::zero(), past.remaining());
}

TEST_F(TimeoutTest, ZeroAndNegativeDurationsHaveExpired) {
  EXPECT_TRUE(Timeout::in(Duration::zero()).expired());

  const Time now = Clock::now();
  Timeout negative = Timeout::in(-Seconds(3));
  EXPECT_EQ(now - Seconds(3), negative.time());
  EXPECT_TRUE(negative.expired());
  EXPECT_EQ(Duration::zero(), negative.remaining());
}

TEST_F(TimeoutTest, HugeDurationsSaturate) {
  const Time now = Clock::now();

  Timeout forever = Timeout::in(Duration::max());
  EXPECT_EQ(Time::max(), forever.time());
  EXPECT_FALSE(forever.expired());
  EXPECT_EQ(Time::max() - now, forever.remaining());

  // Just short of overflowing is not clamped.
  const Duration room = Time::max() - now;
  EXPECT_EQ(Time::max(), Timeout::in(room).time());
  EXPECT_EQ(Time::max() - Nanoseconds(1),
            Timeout::in(room - Nanoseconds(1)).time());

  Clock::advance(Weeks(52));
  EXPECT_FALSE(forever.expired());

  Timeout never = Timeout::in(Duration::min());
  EXPECT_EQ(Time::epoch(), never.time());
  EXPECT_TRUE(never.expired());
}

TEST_F(TimeoutTest, AssigningADurationRestartsIt) {
  Timeout timeout = Timeout::in(Seconds(1));
  Clock::advance(Seconds(2));
  ASSERT_TRUE(timeout.expired());

  timeout = Seconds(5);
  EXPECT_EQ(Clock::now() + Seconds(5), timeout.time());
  EXPECT_EQ(Seconds(5), timeout.remaining());
  EXPECT_FALSE(timeout.expired());

  timeout = Duration::max();
  EXPECT_EQ(Time::max(), timeout.time());
}

TEST_F(TimeoutTest, CopiesAndComparisons) {
  Timeout sooner = Timeout::in(Seconds(1));
  Timeout later = Timeout::in(Seconds(2));
  Timeout copy = sooner;

  EXPECT_TRUE(copy == sooner);
  EXPECT_FALSE(copy != sooner);
  EXPECT_TRUE(sooner < later);
  EXPECT_FALSE(later < sooner);
  EXPECT_TRUE(sooner <= later);
  EXPECT_TRUE(sooner <= copy);
  EXPECT_TRUE(later > sooner);
  EXPECT_TRUE(later >= sooner);
  EXPECT_FALSE(sooner == later);

  copy = later;
  EXPECT_EQ(later.time(), copy.time());
}

TEST(TimeoutRunningClockTest, ReadsTheRealClock) {
  ASSERT_FALSE(Clock::paused());
  Timeout distant = Timeout::in(Days(1));
  EXPECT_FALSE(distant.expired());
  EXPECT_GT(distant.remaining(), Days(1) - Hours(1));
  EXPECT_LE(distant.remaining(), Days(1));
  EXPECT_TRUE(Timeout::in(Duration::zero()).expired());
}
