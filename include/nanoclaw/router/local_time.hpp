// SPDX-License-Identifier: MIT
// Display times for agent prompts (spec 10 §6, §16.4): US-English medium format, built by hand so
// the output never depends on the C/C++ locale or the ICU version.
#pragma once

#include <string>
#include <string_view>

namespace nanoclaw::router {

/// `timezone` when the tz database knows it (IANA names and "UTC"), otherwise "UTC".
std::string resolve_timezone(std::string_view timezone);

/// Formats the instant `iso` as seen in `timezone`, e.g. "Jan 1, 2024, 12:00 AM" (month
/// abbreviation, unpadded day, year, 12-hour clock, ASCII spaces). Accepts what core::parse_iso
/// accepts; an offset-less date-time is read as wall-clock time in `timezone` (v1 read it in the
/// process zone, which is the same zone there). Unparseable input -> "Invalid Date"; an invalid
/// zone formats as UTC. Never throws on bad input.
std::string format_local_time(std::string_view iso, std::string_view timezone);

} // namespace nanoclaw::router
