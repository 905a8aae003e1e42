// SPDX-License-Identifier: MIT
// Whole-file replacement that readers (the containers) can never see half done, and that is safe
// in directories a container can write to (data/ipc/<folder>/...).
#pragma once

#include <filesystem>
#include <string_view>

namespace nanoclaw::core {

/// Replaces `path` with `text`: written to `<path>.tmp-<pid>` beside it, then swapped in with one
/// rename, so a reader sees the old file or the new one, never a part. The temporary file is
/// created with O_EXCL|O_NOFOLLOW after removing whatever was at that name, so a symlink planted
/// there is never followed; a symlink at `path` itself is replaced, not followed. One writer per
/// path at a time (the daemon is single-threaded). Throws std::system_error naming the file.
void replace_file(const std::filesystem::path& path, std::string_view text);

/// replace_file unless `path` is already a regular file holding exactly `text`. True if written.
bool replace_file_if_changed(const std::filesystem::path& path, std::string_view text);

} // namespace nanoclaw::core
