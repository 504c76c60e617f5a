// stout's names at global scope: code inside `namespace mesos::internal`
// that includes <stout/...> headers writes Option, Some, None, Try, Error,
// ErrnoError, Nothing, Result, Duration and its units, Owned, stringify and
// lambda:: unqualified, as Mesos does.
#include <stout/duration.hpp>
#include <stout/error.hpp>
#include <stout/lambda.hpp>
#include <stout/none.hpp>
#include <stout/nothing.hpp>
#include <stout/option.hpp>
#include <stout/result.hpp>
#include <stout/some.hpp>
#include <stout/stringify.hpp>
#include <stout/try.hpp>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/owned.hpp>
#include <process/pid.hpp>

namespace mesos {
namespace internal {

// The global names are process's own types, not copies.
static_assert(std::is_same_v<::Option<int>, process::Option<int>>);
static_assert(std::is_same_v<::Duration, process::Duration>);
static_assert(std::is_same_v<::Try<int>, process::Try<int>>);

Try<Option<Duration>> parseTimeout(const std::string& flag) {
  if (flag.empty()) {
    return None();
  }
  Try<Duration> duration = Duration::parse(flag);
  if (duration.isError()) {
    return Error("Invalid --timeout: " + duration.error());
  }
  return Some(duration.get());
}

Result<int> readNumber(const std::string& text) {
  if (text.empty()) {
    return None();
  }
  if (text == "x") {
    return ErrnoError(EINVAL, "read");
  }
  return static_cast<int>(text.size());
}

Try<Nothing> check(bool ok) {
  if (!ok) {
    return Error("not ok");
  }
  return Nothing();
}

class Registry {
 public:
  process::Future<Option<std::string>> leader() const {
    if (leader_.isNone()) {
      return None();
    }
    return leader_;
  }
  void elect(const std::string& name) { leader_ = name; }

 private:
  Option<std::string> leader_;
  Option<Duration> timeout_ = Seconds(5);
  Owned<int> owned_;
};

std::string describe() {
  std::vector<std::string> parts;
  parts.push_back(stringify(Seconds(5)));
  parts.push_back(stringify(Minutes(2) + Hours(1)));
  parts.push_back(stringify(Milliseconds(10) + Microseconds(1)));
  parts.push_back(stringify(Nanoseconds(3)));
  parts.push_back(stringify(Days(2)));
  parts.push_back(stringify(Weeks(3)));
  parts.push_back(stringify(true));
  parts.push_back(stringify(42));
  return stringify(parts);
}

int add(int a, int b) {
  return a + b;
}

}  // namespace internal
}  // namespace mesos

TEST(StoutTest, NamesAreUsableUnqualifiedInMesosNamespaces) {
  using namespace mesos::internal;

  Try<Option<Duration>> none = parseTimeout("");
  ASSERT_TRUE(none.isSome());
  EXPECT_TRUE(none->isNone());
  Try<Option<Duration>> some = parseTimeout("10secs");
  ASSERT_TRUE(some.isSome());
  EXPECT_EQ(Seconds(10), some->get());
  Try<Option<Duration>> bad = parseTimeout("ten");
  ASSERT_TRUE(bad.isError());
  EXPECT_EQ(0u, bad.error().find("Invalid --timeout: "));

  EXPECT_TRUE(readNumber("").isNone());
  EXPECT_EQ(3, readNumber("abc").get());
  EXPECT_EQ(std::string("read: ") + std::strerror(EINVAL),
            readNumber("x").error());

  EXPECT_TRUE(check(true).isSome());
  EXPECT_EQ("not ok", check(false).error());
}

TEST(StoutTest, Stringify) {
  EXPECT_EQ("[ 5secs, 62mins, 10001us, 3ns, 2days, 3weeks, true, 42 ]",
            mesos::internal::describe());
  // A libprocess type through the same global stringify (found by ADL).
  EXPECT_EQ("a@127.0.0.1:1", stringify(process::UPID("a@127.0.0.1:1")));
}

TEST(StoutTest, FutureOfOption) {
  mesos::internal::Registry registry;
  process::Future<Option<std::string>> before = registry.leader();
  ASSERT_TRUE(before.isReady());
  EXPECT_TRUE(before->isNone());
  registry.elect("master");
  process::Future<Option<std::string>> after = registry.leader();
  ASSERT_TRUE(after.isReady());
  EXPECT_EQ("master", after->get());
}

TEST(StoutTest, Lambda) {
  lambda::function<int(int)> addTwo =
      lambda::bind(&mesos::internal::add, lambda::_1, 2);
  EXPECT_EQ(5, addTwo(3));
  // `using namespace process;` next to the global names is not ambiguous.
  using namespace process;
  lambda::function<int(int, int)> swapped =
      lambda::bind(&mesos::internal::add, lambda::_2, lambda::_1);
  EXPECT_EQ(3, swapped(1, 2));
  Option<int> option = Some(1);
  Try<int> t = Error("e");
  Duration d = Seconds(1);
  EXPECT_EQ(1, option.get());
  EXPECT_TRUE(t.isError());
  EXPECT_EQ("1secs", stringify(d));
  EXPECT_TRUE(None() == Option<int>());
}
