// The vocabulary types nest in each other, in std containers and in futures:
// Option<Option<T>>, Try<Option<T>>, Option<Try<T>>, Result<Option<T>>,
// std::vector/std::map of them, Future<Option<T>>, Promise<Option<T>>,
// Future<Try<T>>; they compare, hash and print in every combination.
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include <process/duration.hpp>
#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>
#include <process/owned.hpp>
#include <process/result.hpp>
#include <process/stringify.hpp>
#include <process/try.hpp>

using namespace process;

namespace {

// Compile-time: each of these is equality-comparable as a whole.
static_assert(std::equality_comparable<Option<Option<int>>>);
static_assert(std::equality_comparable<std::vector<Option<int>>>);
static_assert(std::equality_comparable<Try<Option<int>>>);
static_assert(std::equality_comparable<Option<Try<int>>>);
static_assert(std::equality_comparable<std::map<std::string, Option<int>>>);
static_assert(std::equality_comparable<Option<std::vector<Option<int>>>>);
static_assert(std::equality_comparable<Result<Option<std::string>>>);
static_assert(std::equality_comparable<Try<Nothing>>);
static_assert(std::equality_comparable<Option<Duration>>);
// And what does not compare stays so (no false positive from a template).
struct Opaque {};
static_assert(!std::equality_comparable<Option<Opaque>>);
static_assert(!std::equality_comparable<Try<Opaque>>);

Future<Option<std::string>> lookup(bool known) {
  if (known) {
    return Some(std::string("leader"));
  }
  return None();
}

Future<Try<int>> parse(const std::string& text) {
  if (text.empty()) {
    return Try<int>(Error("empty"));
  }
  return Try<int>(static_cast<int>(text.size()));
}

}  // namespace

TEST(VocabularyTest, OptionOfOption) {
  std::vector<Option<Option<int>>> all = {None(), Some(None()), Some(Some(1))};
  EXPECT_EQ(all, all);
  EXPECT_NE(all[0], all[1]);
  EXPECT_NE(all[1], all[2]);
  EXPECT_EQ("[ None, None, 1 ]", stringify(all));
}

TEST(VocabularyTest, ContainersOfOptions) {
  std::vector<Option<int>> v = {1, None(), 3};
  std::vector<Option<int>> same = v;
  EXPECT_TRUE(v == same);
  same[1] = 2;
  EXPECT_TRUE(v != same);
  EXPECT_EQ("[ 1, None, 3 ]", stringify(v));

  std::map<std::string, Option<int>> m = {{"a", 1}, {"b", None()}};
  EXPECT_EQ(m, m);
  EXPECT_EQ("{ a: 1, b: None }", stringify(m));

  std::unordered_map<Option<std::string>, int> byName;
  byName[None()] = 0;
  byName[Some("x")] = 1;
  EXPECT_EQ(1, byName[Option<std::string>("x")]);
  EXPECT_EQ(2u, byName.size());
}

TEST(VocabularyTest, TryOfOptionAndOptionOfTry) {
  Try<Option<int>> tryNone = None();
  Try<Option<int>> trySome = Some(2);
  Try<Option<int>> tryError = Error("bad");
  EXPECT_EQ(tryNone, Try<Option<int>>(Option<int>()));
  EXPECT_NE(tryNone, trySome);
  EXPECT_NE(trySome, tryError);
  EXPECT_EQ("None", stringify(tryNone));
  EXPECT_EQ("2", stringify(trySome));
  EXPECT_EQ("Error(bad)", stringify(tryError));

  Option<Try<int>> someError = Try<int>(Error("e"));
  Option<Try<int>> someValue = Try<int>(5);
  EXPECT_TRUE(someValue == Try<int>(5));
  EXPECT_FALSE(someError == Try<int>(5));
  EXPECT_NE(someError, someValue);
  EXPECT_NE(someError, Option<Try<int>>());
  EXPECT_EQ("Error(e)", stringify(someError));

  std::vector<Try<Option<std::string>>> tries = {None(), Some("x"), Error("y")};
  EXPECT_EQ(tries, tries);
  EXPECT_EQ("[ None, x, Error(y) ]", stringify(tries));
}

TEST(VocabularyTest, ResultOfOption) {
  Result<Option<int>> someNone = Option<int>();
  ASSERT_TRUE(someNone.isSome());
  EXPECT_TRUE(someNone->isNone());
  Result<Option<int>> none = None();
  EXPECT_TRUE(none.isNone());
  EXPECT_NE(someNone, none);
}

TEST(VocabularyTest, FutureOfOption) {
  Future<Option<std::string>> known = lookup(true);
  Future<Option<std::string>> unknown = lookup(false);
  AWAIT_READY(known);
  AWAIT_READY(unknown);
  EXPECT_EQ(Option<std::string>("leader"), known.get());
  EXPECT_TRUE(known.get() == "leader");
  EXPECT_TRUE(unknown.get() == None());
  EXPECT_TRUE(unknown->isNone());

  Promise<Option<int>> promise;
  Future<Option<int>> future = promise.future();
  promise.set(Some(4));
  AWAIT_READY(future);
  EXPECT_EQ(4, future->get());

  Promise<Option<int>> empty;
  empty.set(Option<int>(None()));
  AWAIT_READY(empty.future());
  EXPECT_TRUE(empty.future()->isNone());

  // then() on a Future<Option<T>>.
  Future<std::string> text = known.then(
      [](const Option<std::string>& name) { return name.getOrElse("?"); });
  AWAIT_READY(text);
  EXPECT_EQ("leader", text.get());
}

TEST(VocabularyTest, FutureOfTry) {
  Future<Try<int>> ok = parse("abc");
  Future<Try<int>> bad = parse("");
  AWAIT_READY(ok);
  AWAIT_READY(bad);  // A Try that holds an error is still a ready value.
  EXPECT_EQ(3, ok->get());
  ASSERT_TRUE(bad->isError());
  EXPECT_EQ("empty", bad->error());

  Promise<Try<Option<int>>> promise;
  promise.set(Try<Option<int>>(None()));
  AWAIT_READY(promise.future());
  EXPECT_TRUE(promise.future()->get().isNone());
}

TEST(VocabularyTest, OwnedAndDurationNest) {
  std::map<std::string, Owned<int>> owners;
  owners["a"] = Owned<int>(new int(1));
  EXPECT_EQ(1, *owners["a"]);
  Option<Owned<int>> maybe = owners["a"];
  EXPECT_EQ(1, **maybe);

  Option<Duration> timeout = Seconds(5);
  EXPECT_TRUE(timeout == Seconds(5));
  EXPECT_EQ("5secs", stringify(timeout));
  std::set<Duration> ordered = {Seconds(2), Milliseconds(1)};
  EXPECT_EQ("{ 1ms, 2secs }", stringify(ordered));
  std::unordered_set<Option<int>> hashed = {Some(1), None()};
  EXPECT_EQ(2u, hashed.size());
}
