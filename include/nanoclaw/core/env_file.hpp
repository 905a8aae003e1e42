// SPDX-License-Identifier: MIT
// The `.env` reader of v1 (spec 10 §2): returns the requested keys without ever exporting them to
// the process environment, so secrets never reach child processes.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace nanoclaw::core {

/// Parses `.env` text with v1's exact rules: lines split on '\n' and trimmed, '#' comments and
/// lines without '=' skipped, split at the first '=', surrounding matching quotes (2+ characters)
/// removed, empty values dropped, later lines win. Keys not in `keys` are ignored; an empty `keys`
/// keeps all.
std::map<std::string, std::string> parse_env_text(std::string_view text,
                                                  const std::set<std::string>& keys);

/// Reads and parses `path`; a missing or unreadable file yields an empty map (logged at debug).
std::map<std::string, std::string> read_env_file(const std::filesystem::path& path,
                                                 const std::set<std::string>& keys);

/// Removes leading and trailing whitespace exactly as JavaScript's String.prototype.trim does
/// (ASCII whitespace plus NBSP, U+1680, U+2000-U+200A, U+2028/9, U+202F, U+205F, U+3000, BOM),
/// decoding UTF-8: a malformed sequence is never whitespace, and no byte of one is trimmed.
std::string_view js_trim(std::string_view text);

/// JavaScript parseInt(s, 10): skip leading whitespace, optional sign, longest digit run.
/// No digits -> nullopt (JS NaN). Values beyond long long saturate.
std::optional<long long> js_parse_int(std::string_view s);

} // namespace nanoclaw::core
