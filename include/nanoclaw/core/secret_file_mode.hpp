// SPDX-License-Identifier: MIT
// Whether a file that holds credentials (`.env`) is private to its owner. The daemon warns at
// start-up and `nanoclaw doctor` reports it: another local user who can read `.env` has the API
// key, and one who can write it can point ANTHROPIC_BASE_URL at a server of theirs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nanoclaw::core {

/// nullopt when `path` is missing or only its owner may read or write it (execute bits and
/// setuid/setgid/sticky are ignored); otherwise one sentence naming the path, its mode and who
/// else can read or write it, e.g. "/x/.env is readable by its group and other users (mode
/// 0644)". A symlink is judged by the file it points to (that is what the daemon reads).
std::optional<std::string> secret_file_exposure(const std::filesystem::path& path);

} // namespace nanoclaw::core
