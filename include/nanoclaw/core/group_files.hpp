// SPDX-License-Identifier: MIT
// A registered group's files under groups/<folder>/ and the assistant-name rewrite of its
// CLAUDE.md (spec 30 §6.3, §17.2). Shared by the daemon (groups registered over IPC or found in
// the store) and the setup CLI's register step, so both create the same files the same way.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::core {

/// The template a new group's CLAUDE.md starts from: the data root's groups/<main|global>/
/// CLAUDE.md (users edit those), else the shipped one; nullopt when neither exists.
std::optional<std::filesystem::path> group_template(const Config& config, bool is_main);

/// v1's rename of the templates' "Andy": the first line that is exactly "# Andy" becomes
/// "# <name>", and every "You are Andy" becomes "You are <name>". The name is inserted
/// literally (no `$&` patterns). Unchanged text when `name` is "Andy".
std::string rename_assistant(std::string text, const std::string& name);

/// Creates groups/<folder>/logs and, unless groups/<folder>/CLAUDE.md exists (in any form, a
/// symlink included), writes it from group_template() renamed for config.assistant_name; the
/// file is created exclusively, never through a link. Returns the template copied (nullopt
/// when CLAUDE.md existed or no template exists), or the reason it could not be done.
tl::expected<std::optional<std::filesystem::path>, std::string>
create_group_files(const Config& config, const RegisteredGroup& group);

} // namespace nanoclaw::core
