// SPDX-License-Identifier: MIT
#include "safe_fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace nanoclaw::container::detail {

namespace fs = std::filesystem;

namespace {

// Removes whatever sits at `p` unless it is a real directory (symlinks are not followed).
void clear_unless_real_dir(const fs::path& p) {
    const auto st = fs::symlink_status(p);
    if (!fs::exists(st) || fs::is_directory(st)) return;
    fs::remove(p);
}

void copy_entry(const fs::directory_entry& entry, const fs::path& target) {
    const auto st = entry.symlink_status();
    if (fs::is_directory(st)) {
        ensure_real_directory(target);
        return;
    }
    const auto existing = fs::symlink_status(target);
    if (fs::exists(existing) && !fs::is_regular_file(existing)) fs::remove_all(target);
    if (fs::is_symlink(st)) {
        if (fs::exists(fs::symlink_status(target))) fs::remove(target);
        fs::copy_symlink(entry.path(), target);
    } else if (fs::is_regular_file(st)) {
        // `target` is now absent or a regular file, so overwriting cannot follow a link.
        fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
    }
}

} // namespace

void ensure_real_directory(const fs::path& dir) {
    if (dir.has_parent_path() && dir.parent_path() != dir) {
        const auto parent_status = fs::symlink_status(dir.parent_path());
        if (!fs::exists(parent_status)) fs::create_directories(dir.parent_path());
    }
    clear_unless_real_dir(dir);
    fs::create_directory(dir);
}

void copy_tree_no_follow(const fs::path& src, const fs::path& dst) {
    ensure_real_directory(dst);
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
        copy_entry(entry, dst / entry.path().lexically_relative(src));
    }
}

} // namespace nanoclaw::container::detail
