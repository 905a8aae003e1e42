// SPDX-License-Identifier: MIT
// A Clock the test moves by hand.
#pragma once

#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::testing {

class ManualClock final : public core::Clock {
public:
    explicit ManualClock(core::TimePoint start = *core::parse_iso("2026-01-01T00:00:00.000Z"))
        : now_(start) {}
    core::TimePoint now() const override { return now_; }
    void set(core::TimePoint t) { now_ = t; }
    void advance(std::chrono::milliseconds d) { now_ += d; }

private:
    core::TimePoint now_;
};

} // namespace nanoclaw::testing
