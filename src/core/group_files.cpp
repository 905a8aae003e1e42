// SPDX-License-Identifier: MIT
#include "nanoclaw/core/group_files.hpp"


#include <cerrno>

#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/whole_file.hpp"

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;

// The groups folders are mounted writable into containers: the file is created exclusively,
// never through anything an agent planted at the name.
tl::expected<void, std::string> create_exclusive(const fs::path& path, const std::string& text) {
    try {
        if (create_file_exclusive(path, text)) return {};
        return tl::make_unexpected("cannot create " + path.string() + ": " +
                                   std::make_error_code(std::errc::file_exists).message());
    } catch (const fs::filesystem_error& e) {
        return tl::make_unexpected("cannot create " + path.string() + ": " + e.code().message());
    }
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
            create_exclusive(memory, rename_assistant(read_whole_file(*source), config.assistant_name));
        !ok)
        return tl::make_unexpected(ok.error());
    return source;
}

} // namespace nanoclaw::core
