// SPDX-License-Identifier: MIT
// Logging setup. Lines go to stderr (no colour unless a TTY, so journald gets plain text) and
// optionally to a file. Every line passes a redaction step: registered secret values are replaced
// by "[REDACTED]" before anything is written, so a secret can never reach a log by accident.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace nanoclaw::core {

/// Maps v1 level names (trace, debug, info, warn, error, fatal) to spdlog; unknown -> nullopt.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

/// Installs the process logger. An unknown level falls back to info with a warning.
void init_logging(std::string_view level, const std::optional<std::filesystem::path>& file);

/// Registers a secret value that must never appear in a log line (values shorter than 4
/// characters are ignored: they would redact ordinary words).
void register_secret(std::string value);

/// Replaces every registered secret in `text` with "[REDACTED]".
std::string redact(std::string_view text);

} // namespace nanoclaw::core
