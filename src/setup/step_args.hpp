// SPDX-License-Identifier: MIT
// Private: reading a setup step's arguments (the words after `--step <name> --`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nanoclaw::setup {

/// The non-empty word after `flag`, or nullopt when the flag is absent or has no value.
inline std::optional<std::string> flag_value(const std::vector<std::string>& args, const std::string& flag) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == flag && !args[i + 1].empty()) return args[i + 1];
    }
    return std::nullopt;
}

} // namespace nanoclaw::setup
