// SPDX-License-Identifier: MIT
// Line edits of .env by setup steps (register's ASSISTANT_NAME, timezone's TZ): the first line
// starting with `KEY=` is replaced, else the line is appended. Edited in place, so the file keeps
// its mode (it holds secrets); a new .env is created readable by its owner only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nanoclaw::setup {

/// Replaces the first line starting with `key=` by `line`, else appends `line` (after a newline
/// when the file lacks a final one). Throws std::runtime_error when the file cannot be written.
void set_env_line(const std::filesystem::path& env_file, const std::string& key, const std::string& line);

/// The value of the first line starting with `key=`, trimmed, with one leading and one trailing
/// quote removed (v1's timezone step reads TZ this way); nullopt without such a line or file.
std::optional<std::string> first_env_value(const std::filesystem::path& env_file, const std::string& key);

} // namespace nanoclaw::setup
