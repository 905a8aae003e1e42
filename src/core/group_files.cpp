// SPDX-License-Identifier: MIT
#include "nanoclaw/core/group_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nanoclaw/core/group_folder.hpp"

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

// The groups folders are mounted writable into containers: O_EXCL|O_NOFOLLOW never writes
// through anything an agent planted at the name.
tl::expected<void, std::string> create_exclusive(const fs::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return tl::make_unexpected("cannot create " + path.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) return tl::make_unexpected("cannot write " + path.string());
    return {};
}

} // namespace

std::optional<fs::path> group_template(const Config& config, bool is_main) {
    const auto relative = fs::path(is_main ? "main" : "global") / "CLAUDE.md";
    std::error_code ec;
    if (fs::exists(config.groups_dir / relative, ec)) return config.groups_dir / relative;
    if (config.share_dir.empty()) return std::nullopt;
    const auto shipped = config.share_dir / "groups" / relative;
    if (fs::exists(shipped, ec)) return shipped;
    return std::nullopt;
}

std::string rename_assistant(std::string text, const std::string& name) {
    if (name == "Andy") return text;
    // v1's /^# Andy$/m: the first whole line (JavaScript's line ends are '\n' and '\r').
    const std::string heading = "# Andy";
    for (std::size_t pos = 0; (pos = text.find(heading, pos)) != std::string::npos; ++pos) {
        const bool starts_line = pos == 0 || text[pos - 1] == '\n' || text[pos - 1] == '\r';
        const auto end = pos + heading.size();
        const bool ends_line = end == text.size() || text[end] == '\n' || text[end] == '\r';
        if (starts_line && ends_line) {
            text.replace(pos, heading.size(), "# " + name);
            break;
        }
    }
    const std::string from = "You are Andy", to = "You are " + name;
    for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
        text.replace(pos, from.size(), to);
    return text;
}

tl::expected<std::optional<fs::path>, std::string>
create_group_files(const Config& config, const RegisteredGroup& group) {
    fs::path dir;
    try {
        dir = resolve_group_path(config.groups_dir, group.folder);
    } catch (const InvalidGroupFolder& e) {
        return tl::make_unexpected(std::string(e.what()));
    }
    std::error_code ec;
    fs::create_directories(dir / "logs", ec);
    if (ec)
        return tl::make_unexpected("cannot create " + (dir / "logs").string() + ": " +
                                   ec.message());
    const auto memory = dir / "CLAUDE.md";
    if (fs::exists(fs::symlink_status(memory, ec))) return std::nullopt;
    const auto source = group_template(config, group.main());
    if (!source || *source == memory) return std::nullopt;
    if (auto ok =
            create_exclusive(memory, rename_assistant(read_file(*source), config.assistant_name));
        !ok)
        return tl::make_unexpected(ok.error());
    return source;
}

} // namespace nanoclaw::core
