// Any Procession header brings stout's names at global scope, as
// libprocess's headers do: this file includes only libprocess headers and
// writes Option, Try, Nothing, Duration… unqualified outside namespace
// process, as Mesos's sources and libprocess's own tests do.
#include <process/future.hpp>
#include <process/process.hpp>

#include <string>
#include <type_traits>

#include <gtest/gtest.h>

using process::Future;
using process::Promise;

namespace mesos::internal {

Future<Option<std::string>> lookup(bool found) {
  if (found) {
    return Some(std::string("leader"));
  }
  return None();
}

Try<Duration> timeout(const std::string& text) {
  Try<Duration> parsed = Duration::parse(text);
  if (parsed.isError()) {
    return Error("bad timeout: " + parsed.error());
  }
  return parsed;
}

}  // namespace mesos::internal

static_assert(std::is_same_v<::Nothing, process::Nothing>);
static_assert(std::is_same_v<::Error, process::Error>);

TEST(GlobalNamesTest, VocabularyIsUsableUnqualified) {
  Promise<Nothing> promise;
  promise.set(Nothing());
  EXPECT_TRUE(promise.future().isReady());

  EXPECT_EQ(Some(std::string("leader")), mesos::internal::lookup(true).get());
  EXPECT_TRUE(mesos::internal::lookup(false).get().isNone());
  EXPECT_EQ(Seconds(5), mesos::internal::timeout("5secs").get());
  EXPECT_TRUE(mesos::internal::timeout("soon").isError());
  EXPECT_EQ("5secs", stringify(Seconds(5)));
}

// `using namespace process;` beside the global names sees one entity each.
namespace {
using namespace process;
Option<Duration> sameEntities() {
  return Milliseconds(1);
}
}  // namespace

TEST(GlobalNamesTest, UsingNamespaceProcessIsNotAmbiguous) {
  EXPECT_EQ(Milliseconds(1), sameEntities().get());
}
