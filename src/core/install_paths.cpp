// SPDX-License-Identifier: MIT
#include "nanoclaw/core/install_paths.hpp"

#include <fstream>

#include <fmt/format.h>

namespace nanoclaw::core {
namespace {

namespace fs = std::filesystem;

bool is_share_dir(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / k_share_dir_probe, ec);
}

// The first line of the build-tree marker, without surrounding whitespace; nullopt when the
// marker is absent (a copied binary has none).
std::optional<std::string> read_marker(const fs::path& marker) {
    std::ifstream in(marker);
    if (!in) return std::nullopt;
    std::string line;
    std::getline(in, line);
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    return first == std::string::npos ? "" : line.substr(first, last - first + 1);
}

// Looks beside the executable: installed layout, then the build-tree marker. Each place looked
// in is added to `tried`, so the error can name them all.
std::optional<fs::path> beside_executable(const fs::path& executable,
                                          std::vector<std::string>& tried) {
    const auto exe_dir = executable.parent_path();
    const auto installed = (exe_dir / ".." / "share" / "nanoclaw").lexically_normal();
    if (is_share_dir(installed)) return installed;
    tried.push_back(installed.string() + " (installed layout)");

    const auto marker = exe_dir / k_build_tree_marker;
    const auto recorded = read_marker(marker);
    if (!recorded) {
        tried.push_back(marker.string() + " (build-tree marker: absent)");
        return std::nullopt;
    }
    const fs::path checkout(*recorded);
    // A relative path would be read against the cwd, which says nothing about the binary.
    if (checkout.is_absolute() && is_share_dir(checkout)) return checkout.lexically_normal();
    tried.push_back(fmt::format("{:?} (named by {})", *recorded, marker.string()));
    return std::nullopt;
}

std::string not_found(const std::vector<std::string>& tried) {
    return fmt::format("shipped files not found: no {} in {}; {}", k_share_dir_probe,
                       fmt::join(tried, ", "), k_share_dir_hint);
}

} // namespace

fs::path executable_path() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe;
}

tl::expected<fs::path, std::string> locate_share_dir(const fs::path& executable,
                                                     const EnvMap& env) {
    std::vector<std::string> tried;
    if (auto it = env.find("NANOCLAW_SHARE_DIR"); it != env.end() && !it->second.empty()) {
        const auto dir = fs::absolute(it->second).lexically_normal();
        if (is_share_dir(dir)) return dir;
        tried.push_back(dir.string() + " (NANOCLAW_SHARE_DIR)");
        return tl::unexpected(not_found(tried));
    }
    if (executable.empty()) {
        tried.push_back("nowhere else (the executable's own path is unknown)");
        return tl::unexpected(not_found(tried));
    }
    if (auto found = beside_executable(executable, tried)) return *found;
    return tl::unexpected(not_found(tried));
}

const std::vector<fs::path>& shipped_runtime_files() {
    // The image build files (Dockerfile, build.sh...) are shipped too, but only the image build
    // reads them; the daemon needs these.
    static const std::vector<fs::path> files{k_share_dir_probe, "container/skills",
                                             "groups/main/CLAUDE.md", "groups/global/CLAUDE.md"};
    return files;
}

std::optional<fs::path> missing_shipped_file(const fs::path& share_dir) {
    for (const auto& relative : shipped_runtime_files()) {
        std::error_code ec;
        if (!fs::exists(share_dir / relative, ec)) return share_dir / relative;
    }
    return std::nullopt;
}

} // namespace nanoclaw::core
