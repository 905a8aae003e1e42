// SPDX-License-Identifier: MIT
// The canonical timestamp text of v1: JavaScript's toISOString() shape "YYYY-MM-DDTHH:MM:SS.mmmZ".
// Every stored timestamp uses it because all ordering in the database is plain string comparison.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nanoclaw::core {

using TimePoint = std::chrono::system_clock::time_point;

/// Formats `t` (truncated to milliseconds) as exactly 24 characters ending in 'Z'.
std::string format_iso(TimePoint t);

/// Parses an ISO-8601 instant: date-only ("2024-01-01", UTC), date-time with optional fraction and
/// a 'Z' or "+HH:MM"/"-HH:MM" offset. Date-times without an offset return nullopt here: callers that
/// accept local times resolve them with a zone (see scheduler). Anything else -> nullopt.
std::optional<TimePoint> parse_iso(std::string_view text);

/// The instant `seconds` after the epoch, or nullopt when TimePoint cannot hold it (it counts
/// nanoseconds: years 1678-2262). For Unix times from untrusted input (chat message dates).
std::optional<TimePoint> from_unix_seconds(std::int64_t seconds);

} // namespace nanoclaw::core
