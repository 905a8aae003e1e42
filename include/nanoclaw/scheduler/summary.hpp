// SPDX-License-Identifier: MIT
// The `last_result` summary a task run leaves behind (spec 10 §14.2 step 9).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nanoclaw::scheduler {

/// The first `max_chars` code points of UTF-8 `text`, never splitting a multi-byte sequence
/// (v1 counts UTF-16 units; we count code points). Stray continuation bytes count as part of
/// the preceding character.
std::string truncate_code_points(std::string_view text, std::size_t max_chars = 200);

/// "Error: <error>" if an error was recorded, else the first 200 characters of the result, else
/// "Completed" (an empty result counts as none, like JavaScript truthiness).
std::string run_summary(const std::optional<std::string>& error,
                        const std::optional<std::string>& result);

} // namespace nanoclaw::scheduler
