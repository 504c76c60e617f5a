// UPID and PID<T> as libprocess code uses them: text conversions both ways,
// PID<T> <-> UPID, truth, ordering, and hashing for use as map keys.
#include <process/pid.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include <gtest/gtest.h>

#include <process/process.hpp>

using namespace process;

namespace {

class Worker : public Process<Worker> {};

TEST(PidTest, ConvertsToItsText) {
  const UPID pid("master@10.0.0.5:5050");
  std::string name = pid;
  EXPECT_EQ("master@10.0.0.5:5050", name);
  EXPECT_EQ("master@10.0.0.5:5050", std::string(pid));
  EXPECT_EQ("master@10.0.0.5:5050", static_cast<std::string>(pid));
}

TEST(PidTest, MadeImplicitlyFromText) {
  const UPID fromLiteral = "slave(1)@127.0.0.1:5051";
  const std::string text = "slave(1)@127.0.0.1:5051";
  const UPID fromString = text;
  EXPECT_EQ(fromLiteral, fromString);
  EXPECT_EQ("slave(1)", fromLiteral.id);
  EXPECT_EQ(5051, fromLiteral.address.port);
}

TEST(PidTest, RoundTripsThroughStreams) {
  const UPID pid("a@1.2.3.4:5");
  std::stringstream stream;
  stream << pid;
  UPID read;
  stream >> read;
  EXPECT_FALSE(stream.fail());
  EXPECT_EQ(pid, read);

  std::stringstream garbage("garbage");
  UPID bad("x@1.2.3.4:5");
  garbage >> bad;
  EXPECT_TRUE(garbage.fail());
  EXPECT_FALSE(bad);
}

TEST(PidTest, TruthNeedsIdIpAndPort) {
  EXPECT_FALSE(static_cast<bool>(UPID()));
  EXPECT_FALSE(static_cast<bool>(UPID("garbage")));
  EXPECT_FALSE(static_cast<bool>(UPID("a@0.0.0.0:5050")));
  EXPECT_FALSE(static_cast<bool>(UPID("a@1.2.3.4:0")));
  EXPECT_TRUE(static_cast<bool>(UPID("a@1.2.3.4:5")));
  const bool linked = UPID("a@1.2.3.4:5");
  EXPECT_TRUE(linked);
}

// As in libprocess, `!pid` is not the negation of `bool(pid)`: it is true only
// for a UPID with nothing in it.
TEST(PidTest, NotMeansEntirelyEmpty) {
  EXPECT_TRUE(!UPID());
  EXPECT_FALSE(!UPID("a@1.2.3.4:0"));
  EXPECT_FALSE(!UPID("a@1.2.3.4:5"));
}

TEST(PidTest, TypedAndUntypedConvert) {
  const UPID untyped("worker@1.2.3.4:5");
  const PID<Worker> typed(untyped);
  const UPID back = typed;
  EXPECT_EQ(untyped, back);
  EXPECT_EQ(untyped, typed);
  EXPECT_FALSE(untyped != typed);

  // Upcasts only: PID<Worker> -> PID<ProcessBase>, the default argument.
  const PID<> base = typed;
  EXPECT_EQ(untyped, base);
  static_assert(std::is_convertible_v<PID<Worker>, PID<ProcessBase>>);
  static_assert(!std::is_convertible_v<PID<ProcessBase>, PID<Worker>>);
}

TEST(PidTest, OrdersByAddressThenId) {
  const UPID a("b@1.1.1.1:1");
  const UPID b("a@1.1.1.1:2");
  const UPID c("b@1.1.1.1:2");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  std::set<UPID> ordered{c, b, a};
  EXPECT_EQ(a, *ordered.begin());
  std::map<PID<Worker>, int> byTyped{{PID<Worker>(c), 1}, {PID<Worker>(a), 2}};
  EXPECT_EQ(2, byTyped.begin()->second);
}

TEST(PidTest, HashesAsMapKeys) {
  std::unordered_map<UPID, int> counts;
  counts[UPID("a@1.1.1.1:1")] += 1;
  counts[UPID("a@1.1.1.1:1")] += 1;
  counts[UPID("a@1.1.1.1:2")] += 1;
  EXPECT_EQ(2u, counts.size());
  EXPECT_EQ(2, counts[UPID("a@1.1.1.1:1")]);

  std::unordered_set<PID<Worker>> typed;
  typed.insert(PID<Worker>(UPID("a@1.1.1.1:1")));
  typed.insert(PID<Worker>(UPID("a@1.1.1.1:1")));
  EXPECT_EQ(1u, typed.size());
  EXPECT_EQ(std::hash<UPID>()(UPID("a@1.1.1.1:1")),
            std::hash<PID<Worker>>()(PID<Worker>(UPID("a@1.1.1.1:1"))));
}

TEST(PidTest, SelfOfASpawnedProcessIsAddressable) {
  Worker worker;
  const PID<Worker> pid = spawn(worker);
  EXPECT_TRUE(pid);
  const std::string text = pid;
  EXPECT_EQ(pid, UPID(text));
  terminate(worker);
  wait(worker);
}

}  // namespace
