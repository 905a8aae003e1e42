// SPDX-License-Identifier: MIT
#include "nanoclaw/core/group_folder.hpp"

#include <algorithm>
#include <cctype>

namespace nanoclaw::core {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 0x80; }

bool is_trimmed(std::string_view s) {
    auto ws = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    return !s.empty() && !ws(s.front()) && !ws(s.back());
}

} // namespace

bool is_valid_group_folder(std::string_view folder) {
    if (folder.empty() || !is_trimmed(folder)) return false;
    if (folder.size() > 64 || !is_alnum(folder.front())) return false;
    if (!std::all_of(folder.begin(), folder.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '-'; })) {
        return false;
    }
    // Implied by the character rule, checked anyway (defence in depth, as v1 does).
    if (folder.find('/') != std::string_view::npos || folder.find('\\') != std::string_view::npos ||
        folder.find("..") != std::string_view::npos) {
        return false;
    }
    std::string lower(folder);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower != "global";
}

void assert_valid_group_folder(std::string_view folder) {
    if (!is_valid_group_folder(folder)) {
        throw InvalidGroupFolder("Invalid group folder \"" + std::string(folder) + "\"");
    }
}

std::filesystem::path resolve_group_path(const std::filesystem::path& base, std::string_view folder) {
    assert_valid_group_folder(folder);
    const auto clean_base = std::filesystem::absolute(base).lexically_normal();
    const auto full = (clean_base / std::string(folder)).lexically_normal();
    const auto rel = full.lexically_relative(clean_base);
    if (rel.empty() || rel.is_absolute() || *rel.begin() == "..") {
        throw InvalidGroupFolder("Path escapes base directory: " + full.string());
    }
    return full;
}

} // namespace nanoclaw::core
