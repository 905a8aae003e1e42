// SPDX-License-Identifier: MIT
#include "shipped_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/install_paths.hpp"

namespace nanoclaw::daemon {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

// O_CREAT|O_EXCL fails on anything at `path`, a dangling symlink included: the groups folders
// are mounted writable into containers, so a link there must never be written through.
// False when something is already there.
bool create_exclusive(const fs::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) return false;
    if (fd < 0) {
        throw core::FatalError("cannot create " + path.string() + ": " + std::strerror(errno));
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw core::FatalError("cannot write " + path.string());
    return true;
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
        if (create_exclusive(target, read_file(source))) {
            spdlog::info("seeded {} from the shipped template {}", target.string(),
                         source.string());
        }
    }
}

} // namespace nanoclaw::daemon
