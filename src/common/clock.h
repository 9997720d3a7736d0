// Time source. Production code takes a Clock& so tests can inject a manual one.
#pragma once

#include <cstdint>

namespace terrane {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() = 0;
};

// The real wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  // Clock
  int64_t NowMillis() override;
};

}  // namespace terrane
