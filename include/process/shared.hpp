// Shared<T>: shared, read-only ownership of an object. Copies share it, and
// only const access is given; the object is deleted with the last copy,
// unless someone asked to own() it back, in which case it is handed over:
//
// clang-format off
//   Shared<Config> config = Owned<Config>(new Config()).share();
//   dispatch(worker, &Worker::use, config);        // readers keep copies
//   Future<Owned<Config>> mine = config.own();     // config is now empty
//   mine.then([](Owned<Config> c) { c->edit(); });  // once the readers are done
// clang-format on
//
// own() succeeds for one copy only: the others get a FAILED future. Its
// future becomes READY on the thread that drops the last other copy, which
// runs its callbacks there.
//
// Ours: `*` and `->` on an empty Shared abort with a message. A Shared made by
// Owned::share() from one of several Owned copies keeps the object shared
// with those copies (Owned is copyable here), so the Owned that own() gives
// back shares it with them too. Copies may be made and dropped from any
// threads; one Shared object is not to be used by two threads at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

#include <glog/logging.h>

#include <process/future.hpp>
#include <process/owned.hpp>

namespace process {

template <typename T>
class Shared {
 public:
  Shared() = default;
  explicit Shared(T* object) : Shared(Owned<T>(object)) {}
  Shared(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)

  bool operator==(const Shared& that) const { return data_ == that.data_; }
  bool operator<(const Shared& that) const { return data_ < that.data_; }

  const T& operator*() const { return *checked(); }
  const T* operator->() const { return checked(); }
  const T* get() const {
    return data_ == nullptr ? nullptr : data_->object.get();
  }

  // True when this is the only copy; false for an empty Shared.
  bool unique() const { return data_ != nullptr && data_.use_count() == 1; }

  void reset() { data_.reset(); }
  void reset(T* object) { *this = Shared(object); }
  void swap(Shared& that) { data_.swap(that.data_); }

  // Asks for the object back, for exclusive ownership: this Shared becomes
  // empty and the future is READY once every other copy is gone. An empty
  // Shared gives an empty Owned at once; a second own() on the same object
  // FAILS (and leaves that Shared as it was).
  Future<Owned<T>> own() {
    if (data_ == nullptr) {
      return Owned<T>(nullptr);
    }
    bool wanted = false;
    if (!data_->owned.compare_exchange_strong(wanted, true)) {
      return Failure("Ownership has already been transferred");
    }
    Future<Owned<T>> future = data_->promise.future();
    data_.reset();  // Hands the object over now if this was the last copy.
    return future;
  }

 private:
  friend class Owned<T>;

  // Owned::share(): keeps the Owned's object as it is, so that an Owned
  // handed back by own() can still release() it.
  explicit Shared(Owned<T>&& owned) {
    if (owned.get() != nullptr) {
      data_ = std::make_shared<Data>(std::move(owned));
    }
  }

  const T* checked() const {
    const T* object = get();
    CHECK(object != nullptr) << "Shared: dereference of an empty Shared";
    return object;
  }

  // One per object, destroyed with its last Shared.
  struct Data {
    explicit Data(Owned<T>&& object) : object(std::move(object)) {}
    Data(const Data&) = delete;
    Data& operator=(const Data&) = delete;
    ~Data() {
      if (owned.load()) {
        promise.set(std::move(object));
      }
    }

    Owned<T> object;
    std::atomic<bool> owned{false};
    Promise<Owned<T>> promise;
  };

  std::shared_ptr<Data> data_;
};

}  // namespace process
