// SPDX-License-Identifier: MIT
// Reading a file whole, and creating one that must not exist yet, safely in folders a container
// can write to. One copy for the container runner, the daemon and the setup CLI.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nanoclaw::core {

/// The whole content of `path` ("" when it cannot be read).
std::string read_whole_file(const std::filesystem::path& path);

/// Creates `path` with `text` only if nothing (not even a dangling link) exists there:
/// O_CREAT|O_EXCL|O_NOFOLLOW, so a symlink an agent planted is never written through. False if
/// something was already there; throws std::filesystem::filesystem_error on other failures.
bool create_file_exclusive(const std::filesystem::path& path, std::string_view text);

} // namespace nanoclaw::core
