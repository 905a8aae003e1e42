// SPDX-License-Identifier: MIT
// Group folder names come from chat admins and agents (untrusted). They become directory names
// under groups/ and data/ipc/, so they are validated before any path is built (spec 10 §5).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nanoclaw::core {

/// Thrown with v1's exact messages: `Invalid group folder "<f>"` or
/// `Path escapes base directory: <path>`.
class InvalidGroupFolder : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$, untrimmed, no '/', '\\', "..", and not "global" in any case.
bool is_valid_group_folder(std::string_view folder);

/// Throws InvalidGroupFolder unless valid.
void assert_valid_group_folder(std::string_view folder);

/// base/folder after validation, checked to stay lexically inside `base`.
std::filesystem::path resolve_group_path(const std::filesystem::path& base, std::string_view folder);

} // namespace nanoclaw::core
