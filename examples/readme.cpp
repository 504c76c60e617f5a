// The README's first program, kept compiling and running by the test suite.
#include <iostream>
#include <process/defer.hpp>
#include <process/dispatch.hpp>
#include <process/process.hpp>
using namespace process;

class Counter : public Process<Counter> {
 public:
  int add(int n) { return total += n; }
  Future<int> addTwice(int n) {  // a coroutine, run on this process
    co_await dispatch(self(), &Counter::add, n);
    co_return add(n);  // back on our own process: safe
  }

 private:
  int total = 0;
};

int main() {
  Counter counter;
  spawn(counter);
  Future<int> sum =
      dispatch(counter, &Counter::add, 5).then(defer(counter.self(), [&](int) {
        return counter.addTwice(1);
      }));
  std::cout << sum.get() << std::endl;  // 7
  terminate(counter);
  wait(counter);
  return sum.get() == 7 ? 0 : 1;
}
