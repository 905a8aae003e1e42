// SPDX-License-Identifier: MIT
#include "nanoclaw/core/secret_file_mode.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

namespace nanoclaw::core {
namespace {

// "its group", "other users" or both, for the bits of `mode` that `group_bit`/`other_bit` name.
std::string who(mode_t mode, mode_t group_bit, mode_t other_bit) {
    const bool group = (mode & group_bit) != 0;
    const bool other = (mode & other_bit) != 0;
    if (group && other) return "its group and other users";
    return group ? "its group" : "other users";
}

} // namespace

std::optional<std::string> secret_file_exposure(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    const mode_t mode = st.st_mode & 0777;
    const bool readable = (mode & (S_IRGRP | S_IROTH)) != 0;
    const bool writable = (mode & (S_IWGRP | S_IWOTH)) != 0;
    if (!readable && !writable) return std::nullopt;
    std::string what;
    if (readable) what = "readable by " + who(mode, S_IRGRP, S_IROTH);
    if (writable) {
        if (!what.empty()) what += " and ";
        what += "writable by " + who(mode, S_IWGRP, S_IWOTH);
    }
    return fmt::format("{} is {} (mode {:04o})", path.string(), what, mode);
}

} // namespace nanoclaw::core
