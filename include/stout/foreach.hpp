// <stout/foreach.hpp>: stout's loop macros, which Mesos code uses on every
// page:
//
// clang-format off
//   foreach (const std::string& name, names) { ... }
//   foreachpair (const std::string& key, int value, counts) { ... }
//   foreachkey (const std::string& key, counts) { ... }
//   foreachvalue (int value, counts) { ... }
// clang-format on
//
// foreach is a range-for. The pair forms walk anything whose elements have
// `first` and `second` (the std maps); `break` and `continue` in their body
// mean what they mean in a plain loop.
#pragma once

#include <tuple>

#define foreach(declaration, range) for (declaration : range)

// How the pair form works: `procession_foreach_broke_` is true while a body
// runs and stays true when the body breaks out, which the next element sees
// and stops at; the two inner loops only declare `key` and `value` for one
// pass of the body.
// clang-format off
#define foreachpair(key, value, range)                                      \
  for (bool procession_foreach_broke_ = false;                              \
       auto&& procession_foreach_pair_ : range)                             \
    if (procession_foreach_broke_) break; else                              \
    if (bool procession_foreach_once_ = true; false) {} else                \
    for (key = procession_foreach_pair_.first; procession_foreach_once_;    \
         procession_foreach_once_ = false)                                  \
      if ((procession_foreach_broke_ = true), false) {} else                \
      for (value = procession_foreach_pair_.second;                         \
           procession_foreach_broke_; procession_foreach_broke_ = false)

#define foreachkey(key, range) foreachpair (key, std::ignore, range)
#define foreachvalue(value, range) foreachpair (std::ignore, value, range)
// clang-format on
