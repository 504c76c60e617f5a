// Owned<T>: a pointer to an object that the holder owns. As in libprocess it
// is copyable (copies share the object); it is a std::shared_ptr with the
// names libprocess code uses: share() and release().
//
// clang-format off
//   Owned<Master> master(new Master());
//   spawn(master.get());
//   Owned<Master> same = master;             // shares the Master
//   Shared<Master> readers = master.share(); // master is now empty
// clang-format on
//
// share() gives a Shared<T> (process/shared.hpp, included here), whose own()
// gives an Owned back.
//
// Ours: share() empties only the Owned it is called on; other copies keep the
// object (libprocess's abort on their next use). release() of an object other
// copies still share aborts instead of leaving them dangling; `*` and `->` on
// an empty Owned abort with a message.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

#include <glog/logging.h>

namespace process {

template <typename T>
class Shared;

template <typename T>
class Owned : public std::shared_ptr<T> {
 public:
  Owned() = default;
  explicit Owned(T* object) : std::shared_ptr<T>(object, ReleasableDelete{}) {}
  Owned(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  template <typename U>
  Owned(const Owned<U>& other)  // NOLINT(google-explicit-constructor)
      : std::shared_ptr<T>(other) {}

  T& operator*() const {
    CHECK(this->get() != nullptr) << "Owned: dereference of an empty Owned";
    return *this->get();
  }
  T* operator->() const {
    CHECK(this->get() != nullptr) << "Owned: dereference of an empty Owned";
    return this->get();
  }

  void reset() { std::shared_ptr<T>::reset(); }
  // Takes `object` as the constructor does, so that release() still works.
  void reset(T* object) { *this = Owned(object); }

  // The object, now shared read-only: the caller holds a Shared of it and
  // this Owned is empty.
  Shared<T> share() { return Shared<T>(std::move(*this)); }

  // Gives the object up: the caller must delete it. Only allowed when no
  // other Owned shares the object.
  T* release() {
    if (this->get() == nullptr) {
      return nullptr;
    }
    CHECK_EQ(this->use_count(), 1) << "Owned::release() of a shared object";
    auto* deleter = std::get_deleter<ReleasableDelete>(*this);
    CHECK(deleter != nullptr) << "Owned::release() of an object it did not "
                                 "take from a raw pointer";
    deleter->released = true;
    T* object = this->get();
    this->reset();
    return object;
  }

 private:
  struct ReleasableDelete {
    bool released = false;
    void operator()(T* object) const {
      if (!released) {
        delete object;
      }
    }
  };
};

}  // namespace process

// stout declares these at global scope; so do we (see <process/stout.hpp>).
using process::Owned;

// Last, so that each of owned.hpp and shared.hpp, whichever comes first, sees
// the other complete before any code can call share() or own().
#include <process/shared.hpp>  // IWYU pragma: export
