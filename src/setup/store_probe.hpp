// SPDX-License-Identifier: MIT
// Read-only questions setup steps ask of store/messages.db and the root, without creating or
// migrating anything (the daemon owns the schema; `environment` and `verify` only look).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nanoclaw::setup {

/// Rows in registered_groups; nullopt when the database or the table is missing or unreadable.
std::optional<std::int64_t> registered_group_count(const std::filesystem::path& db_file);

/// `(jid, name)` of named WhatsApp groups, most recently active first (spec 30 §5.1). Throws
/// std::runtime_error when the database cannot be read.
std::vector<std::pair<std::string, std::string>> named_whatsapp_groups(const std::filesystem::path& db_file,
                                                                      std::int64_t limit);

/// Chats with an `@g.us` JID other than the sync sentinel; 0 on any error.
std::int64_t whatsapp_group_count(const std::filesystem::path& db_file);

/// A directory that exists and has at least one entry (WhatsApp's store/auth presence test).
bool non_empty_directory(const std::filesystem::path& dir);

} // namespace nanoclaw::setup
