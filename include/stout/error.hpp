// <stout/error.hpp>: stout's header name, for code written against stout. The
// names are Procession's, at global scope; see <process/stout.hpp>.
#pragma once

#include <process/stout.hpp>
