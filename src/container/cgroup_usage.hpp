// SPDX-License-Identifier: MIT
// Memory and CPU use of a container, read from the cgroup (v2) of its first process: no runtime
// CLI call, so `nanoclaw status` can show it at once. Roots are parameters for the tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace nanoclaw::container::detail {

struct CgroupUsage {
    std::optional<std::uint64_t> memory_bytes; ///< memory.current
    std::optional<std::uint64_t> cpu_usec;     ///< cpu.stat usage_usec
};

/// Both empty when the process is gone, is not in a cgroup v2 hierarchy, or the files are not
/// readable from here (a runtime on another machine or in a VM).
CgroupUsage read_cgroup_usage(int pid, const std::filesystem::path& proc_root = "/proc",
                              const std::filesystem::path& cgroup_root = "/sys/fs/cgroup");

} // namespace nanoclaw::container::detail
