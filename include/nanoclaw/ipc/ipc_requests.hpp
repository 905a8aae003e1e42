// SPDX-License-Identifier: MIT
// Handling of one IPC request file written by an agent container (spec 10 §13.3-§13.5).
// The caller's identity (`source_folder`, `is_main`) comes from the directory the file was
// found in, never from its contents.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/ipc/ipc_deps.hpp"

namespace nanoclaw::ipc {

/// What became of a request (for logs and tests). Throwing means "move the file to errors/".
enum class Outcome { done, ignored, unauthorized, invalid };

/// A `messages/*.json` request: send `text` to `chatJid` if the source may message it.
awaitable<Outcome> handle_message_request(const nlohmann::json& data, std::string source_folder,
                                          bool is_main, IpcDeps& deps);

/// A `tasks/*.json` request: schedule/pause/resume/cancel/update tasks, refresh or register
/// groups, with v1's authorisation rules.
awaitable<Outcome> handle_task_request(const nlohmann::json& data, std::string source_folder,
                                       bool is_main, IpcDeps& deps);

/// A non-empty string field, else nullopt (v1 used JS truthiness; quirk 11).
std::optional<std::string> required_string(const nlohmann::json& data, const char* key);

} // namespace nanoclaw::ipc
