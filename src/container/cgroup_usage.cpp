// SPDX-License-Identifier: MIT
#include "cgroup_usage.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace nanoclaw::container::detail {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The path of one hierarchy in /proc/<pid>/cgroup ("<n>:<controllers>:<path>"): controllers ""
// is the unified (v2) one; a v1 controller may share its line ("cpu,cpuacct").
std::optional<std::string> hierarchy_path(const std::string& cgroup_file,
                                          std::string_view controller) {
    std::istringstream lines(cgroup_file);
    std::string line;
    while (std::getline(lines, line)) {
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string_view names(line.data() + first + 1, second - first - 1);
        bool match = controller.empty() ? names.empty() : false;
        for (std::size_t at = 0; !controller.empty() && at <= names.size();) {
            auto end = names.find(',', at);
            if (end == std::string_view::npos) end = names.size();
            if (names.substr(at, end - at) == controller) match = true;
            at = end + 1;
        }
        if (!match) continue;
        auto path = line.substr(second + 1);
        // ".." would leave the hierarchy; a relative path is not one the kernel wrote.
        if (path.empty() || path.front() != '/' || path.find("..") != std::string::npos)
            return std::nullopt;
        return path.substr(1);
    }
    return std::nullopt;
}

} // namespace

CgroupUsage read_cgroup_usage(int pid, const std::filesystem::path& proc_root,
                              const std::filesystem::path& cgroup_root) {
    CgroupUsage usage;
    if (pid <= 0) return usage;
    const auto file = read_small_file(proc_root / std::to_string(pid) / "cgroup");
    if (!file) return usage;
    if (const auto v2 = hierarchy_path(*file, "")) {
        const auto dir = cgroup_root / *v2;
        if (const auto memory = read_small_file(dir / "memory.current")) {
            usage.memory_bytes = parse_u64(*memory);
        }
        if (const auto stat = read_small_file(dir / "cpu.stat")) {
            std::istringstream lines(*stat);
            std::string key, value;
            while (lines >> key >> value) {
                if (key == "usage_usec") usage.cpu_usec = parse_u64(value);
            }
        }
        if (usage.memory_bytes || usage.cpu_usec) return usage;
    }
    // cgroup v1: one tree per controller; cpuacct counts nanoseconds.
    if (const auto memory = hierarchy_path(*file, "memory")) {
        if (const auto text = read_small_file(cgroup_root / "memory" / *memory / "memory.usage_in_bytes"))
            usage.memory_bytes = parse_u64(*text);
    }
    if (const auto cpu = hierarchy_path(*file, "cpuacct")) {
        if (const auto text = read_small_file(cgroup_root / "cpuacct" / *cpu / "cpuacct.usage")) {
            if (const auto ns = parse_u64(*text)) usage.cpu_usec = *ns / 1000;
        }
    }
    return usage;
}

} // namespace nanoclaw::container::detail
