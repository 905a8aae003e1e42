// SPDX-License-Identifier: MIT
#include "env_edit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "nanoclaw/core/whole_file.hpp"

namespace nanoclaw::setup {
void set_env_line(const std::filesystem::path& env_file, const std::string& key, const std::string& line) {
    std::string text = core::read_whole_file(env_file);
    const std::string prefix = key + "=";
    bool replaced = false;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = std::min(text.find('\n', start), text.size());
        if (text.compare(start, prefix.size(), prefix) == 0) {
            const bool cr = end > start && text[end - 1] == '\r';
            text.replace(start, end - start - (cr ? 1 : 0), line);
            replaced = true;
            break;
        }
        start = end + 1;
    }
    if (!replaced) text += (text.empty() || text.back() == '\n' ? "" : "\n") + line + "\n";
    const int fd = ::open(env_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + env_file.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write " + env_file.string());
}

std::optional<std::string> first_env_value(const std::filesystem::path& env_file, const std::string& key) {
    const std::string text = core::read_whole_file(env_file);
    const std::string prefix = key + "=";
    for (std::size_t start = 0; start < text.size();) {
        const auto end = std::min(text.find('\n', start), text.size());
        if (text.compare(start, prefix.size(), prefix) == 0 && end > start + prefix.size()) {
            std::string value = text.substr(start + prefix.size(), end - start - prefix.size());
            const auto first = value.find_first_not_of(" \t\r");
            const auto last = value.find_last_not_of(" \t\r");
            value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
            if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.erase(0, 1);
            if (!value.empty() && (value.back() == '"' || value.back() == '\'')) value.pop_back();
            return value;
        }
        start = end + 1;
    }
    return std::nullopt;
}

} // namespace nanoclaw::setup
