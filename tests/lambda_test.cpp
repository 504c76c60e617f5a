// lambda::CallableOnce<R(Args...)> and the lambda:: placeholders.
#include <process/lambda.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

using namespace process;
using lambda::CallableOnce;

namespace {

// Counts how many copies of a probe exist, and catches any destroyed twice.
struct Counts {
  int constructed = 0;
  int destroyed = 0;
  int destroyedTwice = 0;
  int copies = 0;
  int live() const { return constructed - destroyed; }
};

class Probe {
 public:
  explicit Probe(Counts* counts) : counts_(counts) { ++counts_->constructed; }
  Probe(const Probe& other) : counts_(other.counts_) {
    ++counts_->constructed;
    ++counts_->copies;
  }
  Probe(Probe&& other) noexcept : counts_(other.counts_) {
    ++counts_->constructed;
  }
  Probe& operator=(const Probe&) = delete;
  Probe& operator=(Probe&&) = delete;
  ~Probe() {
    if (alive_ != kAlive) {
      ++counts_->destroyedTwice;
      return;
    }
    alive_ = kDead;
    ++counts_->destroyed;
  }

 private:
  static constexpr unsigned kAlive = 0xA11CE;
  static constexpr unsigned kDead = 0xDEAD;
  Counts* counts_;
  unsigned alive_ = kAlive;
};

// Callables that count their own heap allocations: `new F` of a class with an
// operator new of its own uses it.
struct Allocations {
  static inline int news = 0;
  static inline int deletes = 0;
  static void reset() { news = deletes = 0; }
};

template <std::size_t Bytes>
struct Sized {
  static void* operator new(std::size_t size) {
    ++Allocations::news;
    return ::operator new(size);
  }
  static void operator delete(void* pointer) {
    ++Allocations::deletes;
    ::operator delete(pointer);
  }
  int operator()(int x) && { return x + int(Bytes) + payload[0]; }
  std::array<char, Bytes> payload{};
};

// Small, but its move may throw: it must not be kept inline.
struct ThrowingMove {
  ThrowingMove() = default;
  ThrowingMove(const ThrowingMove&) = default;
  ThrowingMove(ThrowingMove&&) noexcept(false) {}
  static void* operator new(std::size_t size) {
    ++Allocations::news;
    return ::operator new(size);
  }
  static void operator delete(void* pointer) {
    ++Allocations::deletes;
    ::operator delete(pointer);
  }
  int operator()() && { return 11; }
};

int add(int a, int b) {
  return a + b;
}

std::string concat(const std::string& a, const std::string& b,
                   const std::string& c) {
  return a + b + c;
}

}  // namespace

TEST(CallableOnceTest, EmptyByDefault) {
  CallableOnce<void()> f;
  EXPECT_FALSE(f);
  CallableOnce<int(int)> g = nullptr;
  EXPECT_FALSE(g);
  CallableOnce<int(int)> h([](int x) { return x; });
  EXPECT_TRUE(h);
}

TEST(CallableOnceTest, CallsWithArgumentsAndReturns) {
  CallableOnce<int(int, int)> f = [](int a, int b) { return a * 10 + b; };
  EXPECT_EQ(42, std::move(f)(4, 2));

  int called = 0;
  CallableOnce<void()> g = [&called] { ++called; };
  std::move(g)();
  EXPECT_EQ(1, called);
}

TEST(CallableOnceTest, FunctionPointers) {
  CallableOnce<int(int, int)> f = &add;
  EXPECT_EQ(5, std::move(f)(2, 3));
  CallableOnce<int(int, int)> g = add;
  EXPECT_EQ(7, std::move(g)(3, 4));
}

TEST(CallableOnceTest, ConvertsTheResult) {
  CallableOnce<long(int)> f = [](int x) { return x * 2; };
  EXPECT_EQ(8L, std::move(f)(4));
  CallableOnce<std::string()> g = [] { return "text"; };
  EXPECT_EQ("text", std::move(g)());
}

TEST(CallableOnceTest, ReferenceArguments) {
  CallableOnce<void(int&)> f = [](int& x) { x = 9; };
  int value = 0;
  std::move(f)(value);
  EXPECT_EQ(9, value);

  std::string text = "unchanged";
  CallableOnce<size_t(const std::string&)> g = [&text](const std::string& s) {
    EXPECT_EQ(&text, &s);  // Passed by reference, not copied.
    return s.size();
  };
  EXPECT_EQ(9u, std::move(g)(text));
}

TEST(CallableOnceTest, MoveOnlyArgumentsAndResults) {
  CallableOnce<std::unique_ptr<int>(std::unique_ptr<int>)> f =
      [](std::unique_ptr<int> p) {
        *p += 1;
        return p;
      };
  std::unique_ptr<int> result = std::move(f)(std::make_unique<int>(1));
  ASSERT_NE(nullptr, result);
  EXPECT_EQ(2, *result);
}

TEST(CallableOnceTest, MoveOnlyCaptures) {
  auto pointer = std::make_unique<int>(5);
  int* raw = pointer.get();
  CallableOnce<std::unique_ptr<int>()> f = [p = std::move(pointer)]() mutable {
    return std::move(p);
  };
  std::unique_ptr<int> taken = std::move(f)();
  EXPECT_EQ(raw, taken.get());
  EXPECT_EQ(5, *taken);
}

TEST(CallableOnceTest, CallMayConsumeCaptures) {
  std::string text(100, 'x');  // Too long for a small-string buffer.
  const char* data = text.data();
  CallableOnce<std::string()> f = [s = std::move(text)]() mutable {
    return std::move(s);
  };
  std::string result = std::move(f)();
  EXPECT_EQ(std::string(100, 'x'), result);
  // Moved out of the capture, not copied.
  EXPECT_EQ(data, result.data());
}

TEST(CallableOnceTest, SmallCallablesAreKeptInline) {
  Allocations::reset();
  {
    CallableOnce<int(int)> f = Sized<8>{};
    EXPECT_EQ(0, Allocations::news);
    CallableOnce<int(int)> g = std::move(f);
    CallableOnce<int(int)> h;
    h = std::move(g);
    EXPECT_EQ(13, std::move(h)(5));
  }
  EXPECT_EQ(0, Allocations::news);
  EXPECT_EQ(0, Allocations::deletes);

  // Four pointers' worth still fits.
  {
    CallableOnce<int(int)> f = Sized<4 * sizeof(void*)>{};
    EXPECT_EQ(int(4 * sizeof(void*)), std::move(f)(0));
  }
  EXPECT_EQ(0, Allocations::news);
}

TEST(CallableOnceTest, LargeCallablesGoToTheHeap) {
  Allocations::reset();
  {
    CallableOnce<int(int)> f = Sized<256>{};
    EXPECT_EQ(1, Allocations::news);
    // Moves pass the same allocation on.
    CallableOnce<int(int)> g = std::move(f);
    CallableOnce<int(int)> h;
    h = std::move(g);
    EXPECT_EQ(1, Allocations::news);
    EXPECT_EQ(0, Allocations::deletes);
    EXPECT_EQ(257, std::move(h)(1));
    EXPECT_EQ(0, Allocations::deletes);
  }
  EXPECT_EQ(1, Allocations::news);
  EXPECT_EQ(1, Allocations::deletes);
}

TEST(CallableOnceTest, CallablesWithThrowingMovesGoToTheHeap) {
  Allocations::reset();
  {
    CallableOnce<int()> f = ThrowingMove{};
    EXPECT_EQ(1, Allocations::news);
    CallableOnce<int()> g = std::move(f);
    EXPECT_EQ(11, std::move(g)());
  }
  EXPECT_EQ(1, Allocations::news);
  EXPECT_EQ(1, Allocations::deletes);
}

TEST(CallableOnceTest, OverAlignedCallables) {
  struct alignas(64) Aligned {
    int operator()() && {
      return reinterpret_cast<std::uintptr_t>(this) % 64 == 0 ? 1 : 0;
    }
    char data[8];
  };
  CallableOnce<int()> f = Aligned{};
  CallableOnce<int()> g = std::move(f);
  EXPECT_EQ(1, std::move(g)());
}

TEST(CallableOnceTest, LargeCapturesWork) {
  std::array<int, 64> numbers{};
  for (int i = 0; i < 64; ++i) {
    numbers[i] = i;
  }
  CallableOnce<int(int)> f = [numbers](int extra) {
    int sum = extra;
    for (int n : numbers) {
      sum += n;
    }
    return sum;
  };
  CallableOnce<int(int)> g = std::move(f);
  EXPECT_EQ(2016 + 1, std::move(g)(1));
}

TEST(CallableOnceTest, MoveConstructionLeavesTheSourceEmpty) {
  CallableOnce<int()> small = [] { return 1; };
  CallableOnce<int()> movedSmall = std::move(small);
  EXPECT_FALSE(small);  // NOLINT(bugprone-use-after-move)
  ASSERT_TRUE(movedSmall);
  EXPECT_EQ(1, std::move(movedSmall)());

  std::array<char, 200> big{};
  big[0] = 2;
  CallableOnce<int()> large = [big] { return int(big[0]); };
  CallableOnce<int()> movedLarge = std::move(large);
  EXPECT_FALSE(large);  // NOLINT(bugprone-use-after-move)
  ASSERT_TRUE(movedLarge);
  EXPECT_EQ(2, std::move(movedLarge)());

  CallableOnce<int()> empty;
  CallableOnce<int()> movedEmpty = std::move(empty);
  EXPECT_FALSE(movedEmpty);
}

TEST(CallableOnceTest, MoveAssignmentReplaces) {
  Counts first;
  Counts second;
  CallableOnce<int()> f = [probe = Probe(&first)] { return 1; };
  CallableOnce<int()> g = [probe = Probe(&second)] { return 2; };
  EXPECT_EQ(1, first.live());
  EXPECT_EQ(1, second.live());

  f = std::move(g);
  // The callable f held is destroyed at once; g's moved into f.
  EXPECT_EQ(0, first.live());
  EXPECT_EQ(1, second.live());
  EXPECT_FALSE(g);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(2, std::move(f)());

  // Assigning an empty one empties the target.
  f = CallableOnce<int()>();
  EXPECT_FALSE(f);
  EXPECT_EQ(0, second.live());
  EXPECT_EQ(0, first.destroyedTwice + second.destroyedTwice);
}

TEST(CallableOnceTest, SelfMoveAssignmentKeepsTheCallable) {
  Counts counts;
  CallableOnce<int()> f = [probe = Probe(&counts)] { return 3; };
  CallableOnce<int()>& alias = f;
  f = std::move(alias);
  ASSERT_TRUE(f);
  EXPECT_EQ(1, counts.live());
  EXPECT_EQ(3, std::move(f)());
}

TEST(CallableOnceTest, DestructionFreesSmallCapturesOnce) {
  Counts counts;
  {
    CallableOnce<void()> f = [probe = Probe(&counts)] {};
    EXPECT_EQ(1, counts.live());
    CallableOnce<void()> g = std::move(f);
    CallableOnce<void()> h;
    h = std::move(g);
    EXPECT_EQ(1, counts.live());
    std::move(h)();
    // Calling does not destroy what was captured; the owner does.
    EXPECT_EQ(1, counts.live());
  }
  EXPECT_EQ(0, counts.live());
  EXPECT_EQ(0, counts.destroyedTwice);
  EXPECT_EQ(0, counts.copies);
}

TEST(CallableOnceTest, DestructionFreesLargeCapturesOnce) {
  Counts counts;
  {
    std::array<char, 300> padding{};
    CallableOnce<void()> f = [probe = Probe(&counts), padding] {
      (void)padding;
    };
    EXPECT_EQ(1, counts.live());
    CallableOnce<void()> g = std::move(f);
    CallableOnce<void()> h;
    h = std::move(g);
    // A heap-stored callable is not moved at all: its pointer is.
    EXPECT_EQ(1, counts.live());
    std::move(h)();
    EXPECT_EQ(1, counts.live());
  }
  EXPECT_EQ(0, counts.live());
  EXPECT_EQ(0, counts.destroyedTwice);
  EXPECT_EQ(0, counts.copies);
}

TEST(CallableOnceTest, DestructionWithoutCallFreesCaptures) {
  Counts counts;
  auto shared = std::make_shared<int>(0);
  {
    CallableOnce<void()> f = [probe = Probe(&counts), shared] {};
    EXPECT_EQ(2, shared.use_count());
  }
  EXPECT_EQ(1, shared.use_count());
  EXPECT_EQ(0, counts.live());
  EXPECT_EQ(0, counts.destroyedTwice);
}

TEST(CallableOnceTest, StoresAnRvalueWithoutCopying) {
  Counts counts;
  Probe probe(&counts);
  CallableOnce<void()> f = [p = std::move(probe)] {};
  CallableOnce<void()> g = std::move(f);
  EXPECT_EQ(0, counts.copies);
}

TEST(CallableOnceTest, CopiesAnLvalueCallableOnce) {
  Counts counts;
  auto callable = [probe = Probe(&counts)] { return 4; };
  CallableOnce<int()> f = callable;  // Copies; `callable` stays usable.
  EXPECT_EQ(1, counts.copies);
  EXPECT_EQ(4, std::move(f)());
  EXPECT_EQ(4, callable());
}

TEST(CallableOnceTest, HoldsAStdFunction) {
  std::function<int(int)> function = [](int x) { return x + 1; };
  CallableOnce<int(int)> f = function;
  EXPECT_EQ(2, std::move(f)(1));
}

TEST(CallableOnceTest, IsMoveOnly) {
  static_assert(!std::is_copy_constructible_v<CallableOnce<void()>>);
  static_assert(!std::is_copy_assignable_v<CallableOnce<void()>>);
  static_assert(std::is_nothrow_move_constructible_v<CallableOnce<void()>>);
  static_assert(std::is_nothrow_move_assignable_v<CallableOnce<void()>>);
  // Only an rvalue can be called.
  static_assert(std::is_invocable_v<CallableOnce<void()>&&>);
  static_assert(!std::is_invocable_v<CallableOnce<void()>&>);
  // A callable of the wrong shape does not convert.
  static_assert(
      !std::is_constructible_v<CallableOnce<int(int)>, int (*)(const char*)>);
  static_assert(!std::is_convertible_v<int, CallableOnce<void()>>);
}

TEST(CallableOnceDeathTest, CallingAnEmptyOneAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  CallableOnce<void()> f;
  EXPECT_DEATH(std::move(f)(), "empty CallableOnce");
}

TEST(LambdaBindTest, Placeholders) {
  auto addTen = lambda::bind(&add, lambda::_1, 10);
  EXPECT_EQ(15, addTen(5));

  auto swapped = lambda::bind(&concat, lambda::_2, lambda::_1, "!");
  EXPECT_EQ("ba!", swapped(std::string("a"), std::string("b")));

  auto all = lambda::bind(&concat, lambda::_3, lambda::_2, lambda::_1);
  EXPECT_EQ("cba", all(std::string("a"), std::string("b"), std::string("c")));
}

TEST(LambdaBindTest, AllNinePlaceholders) {
  auto sum9 = [](int a, int b, int c, int d, int e, int f, int g, int h,
                 int i) {
    return a * 100000000 + b * 10000000 + c * 1000000 + d * 100000 + e * 10000 +
           f * 1000 + g * 100 + h * 10 + i;
  };
  auto reversed =
      lambda::bind(sum9, lambda::_9, lambda::_8, lambda::_7, lambda::_6,
                   lambda::_5, lambda::_4, lambda::_3, lambda::_2, lambda::_1);
  EXPECT_EQ(987654321, reversed(1, 2, 3, 4, 5, 6, 7, 8, 9));
}

TEST(LambdaBindTest, BindToMemberFunction) {
  struct Accumulator {
    int total = 0;
    int add(int n) { return total += n; }
  };
  Accumulator accumulator;
  auto addTo = lambda::bind(&Accumulator::add, &accumulator, lambda::_1);
  addTo(3);
  addTo(4);
  EXPECT_EQ(7, accumulator.total);
}

TEST(LambdaBindTest, BoundCallableIntoCallableOnce) {
  CallableOnce<int(int)> f = lambda::bind(&add, lambda::_1, 2);
  EXPECT_EQ(42, std::move(f)(40));

  CallableOnce<std::string(std::string, std::string)> g =
      lambda::bind(&concat, lambda::_2, "-", lambda::_1);
  EXPECT_EQ("b-a", std::move(g)("a", "b"));
}

TEST(LambdaPartialTest, PlaceholdersTakeTheCallsArguments) {
  auto subtract = lambda::partial([](int a, int b) { return a - b; },
                                  lambda::_2, lambda::_1);
  EXPECT_EQ(3, subtract(2, 5));
}

TEST(LambdaPartialTest, CallArgumentsNoPlaceholderNamesAreIgnored) {
  auto constant = lambda::partial([](int a) { return a; }, 7);
  EXPECT_EQ(7, constant());
  EXPECT_EQ(7, constant(std::string("ignored")));
}

TEST(LambdaPartialTest, AnRvalueCallMovesTheBoundValues) {
  auto unwrap =
      lambda::partial([](std::unique_ptr<int>&& value) { return *value; },
                      std::make_unique<int>(42));
  static_assert(!std::is_copy_constructible_v<decltype(unwrap)>);
  // A lambda taking `unique_ptr&&` can be called only once the partial is
  // an rvalue: an lvalue call would hand it an lvalue.
  static_assert(!std::is_invocable_v<decltype(unwrap)&>);
  EXPECT_EQ(42, std::move(unwrap)());
}

TEST(LambdaPartialTest, AnLvalueCallLeavesTheBoundValuesInPlace) {
  auto length = lambda::partial(
      [](const std::string& text) { return text.size(); }, std::string("four"));
  EXPECT_EQ(4u, length());
  EXPECT_EQ(4u, length());
}

TEST(LambdaPartialTest, GoesIntoACallableOnce) {
  CallableOnce<int(int)> add = lambda::partial(
      [](std::unique_ptr<int>&& base, int extra) { return *base + extra; },
      std::make_unique<int>(40), lambda::_1);
  EXPECT_EQ(42, std::move(add)(2));
}
