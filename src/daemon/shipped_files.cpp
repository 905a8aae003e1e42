// SPDX-License-Identifier: MIT
#include "shipped_files.hpp"



#include <spdlog/spdlog.h>

#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/install_paths.hpp"
#include "nanoclaw/core/whole_file.hpp"

namespace nanoclaw::daemon {
namespace {

namespace fs = std::filesystem;

// False when something is already there (a user's file, or a link an agent planted).
bool create_exclusive(const fs::path& path, const std::string& text) {
    try {
        return core::create_file_exclusive(path, text);
    } catch (const fs::filesystem_error& e) {
        throw core::FatalError("cannot create " + path.string() + ": " + e.code().message());
    }
}

} // namespace

void require_shipped_files(const core::Config& config) {
    if (config.share_dir.empty()) {
        throw core::FatalError(config.share_dir_error.value_or(
            std::string("shipped files not found (no share directory); ") +
            core::k_share_dir_hint));
    }
    if (auto missing = core::missing_shipped_file(config.share_dir)) {
        throw core::FatalError("shipped files not found: " + missing->string() + " is missing (" +
                               core::k_share_dir_hint + ")");
    }
}

void seed_templates(const core::Config& config) {
    if (config.share_dir.empty()) return;
    for (const char* group : {"main", "global"}) {
        const auto source = config.share_dir / "groups" / group / "CLAUDE.md";
        const auto target = config.groups_dir / group / "CLAUDE.md";
        std::error_code ec;
        if (fs::exists(fs::symlink_status(target, ec)) || !fs::is_regular_file(source, ec))
            continue;
        fs::create_directories(target.parent_path(), ec);
        if (ec) {
            throw core::FatalError("cannot create directory " + target.parent_path().string() +
                                   ": " + ec.message());
        }
        if (create_exclusive(target, core::read_whole_file(source))) {
            spdlog::info("seeded {} from the shipped template {}", target.string(),
                         source.string());
        }
    }
}

} // namespace nanoclaw::daemon
