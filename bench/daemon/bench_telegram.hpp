// SPDX-License-Identifier: MIT
// The Telegram channel on the fake Bot API: update -> runtime exec latency and the idle cost of
// a daemon holding a long poll open (issue 12 targets: <= 5 wake-ups per minute, RSS <= 8 MB).
#pragma once

#include <nlohmann/json.hpp>

namespace nanoclaw::bench {

/// Runs `n` updates one at a time, then measures `idle_seconds` of idling; out["telegram"].
void bench_telegram(int n, int idle_seconds, nlohmann::json& out);

} // namespace nanoclaw::bench
