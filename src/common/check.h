// Invariant checks. TERRANE_CHECK always aborts on failure; TERRANE_DCHECK only in debug
// builds. Never use them on user input or terraform output: those are errors, not bugs.
#pragma once

#include <cstdio>
#include <cstdlib>

#define TERRANE_CHECK(cond)                                                         \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

#ifdef NDEBUG
#define TERRANE_DCHECK(cond) \
  do {                       \
  } while (0)
#else
#define TERRANE_DCHECK(cond) TERRANE_CHECK(cond)
#endif
