// SPDX-License-Identifier: MIT
// Time enters the program through a Clock so the scheduler, timeouts and timestamps are testable
// without sleeping (tests use ManualClock from tests/support).
#pragma once

#include <chrono>

namespace nanoclaw::core {

class Clock {
public:
    virtual ~Clock() = default;
    /// Wall-clock time, used for stored timestamps and schedules.
    virtual std::chrono::system_clock::time_point now() const = 0;
};

/// The real wall clock.
class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now();
    }
};

} // namespace nanoclaw::core
