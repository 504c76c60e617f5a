#include <iostream>

#include <process/future.hpp>

int main() {
  process::Promise<int> promise;
  process::Future<int> doubled =
      promise.future().then([](int value) { return value * 2; });
  promise.set(21);
  std::cout << "installed Procession works: " << doubled.get() << std::endl;
  return doubled.get() == 42 ? 0 : 1;
}
