// SPDX-License-Identifier: MIT
// The warm pool's memory/CPU figures come from the container's cgroup files: v2 first, then v1;
// anything missing, malformed or pointing outside the hierarchy reads as unknown, never as 0.
#include "cgroup_usage.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace nanoclaw::container::detail {
namespace {

namespace fs = std::filesystem;

class CgroupUsageTest : public ::testing::Test {
protected:
    void write(const fs::path& path, const std::string& text) {
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
    }
    void proc_cgroup(int pid, const std::string& text) {
        write(proc_ / std::to_string(pid) / "cgroup", text);
    }
    CgroupUsage read(int pid) { return read_cgroup_usage(pid, proc_, cgroup_); }

    nanoclaw::testing::TempDir tmp_;
    fs::path proc_ = tmp_.path() / "proc";
    fs::path cgroup_ = tmp_.path() / "cgroup";
};

TEST_F(CgroupUsageTest, UnifiedHierarchy) {
    proc_cgroup(10, "0::/system.slice/docker-abc.scope\n");
    write(cgroup_ / "system.slice/docker-abc.scope/memory.current", "196395008\n");
    write(cgroup_ / "system.slice/docker-abc.scope/cpu.stat",
          "usage_usec 1420000\nuser_usec 1000000\nsystem_usec 420000\n");
    const auto u = read(10);
    EXPECT_EQ(u.memory_bytes, 196395008u);
    EXPECT_EQ(u.cpu_usec, 1420000u);
}

TEST_F(CgroupUsageTest, V1ControllersIncludingASharedCpuLine) {
    proc_cgroup(11, "9:name=systemd:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n"
                    "0::/docker/abc\n");
    write(cgroup_ / "memory/docker/abc/memory.usage_in_bytes", "839680\n");
    write(cgroup_ / "cpuacct/docker/abc/cpuacct.usage", "17280367\n");
    const auto u = read(11);
    EXPECT_EQ(u.memory_bytes, 839680u);
    EXPECT_EQ(u.cpu_usec, 17280u) << "cpuacct counts nanoseconds";
}

TEST_F(CgroupUsageTest, UnknownRatherThanWrong) {
    EXPECT_FALSE(read(12).memory_bytes) << "no such process";
    EXPECT_FALSE(read(0).memory_bytes);
    EXPECT_FALSE(read(-1).cpu_usec);
    proc_cgroup(13, "0::/../../etc\n");
    write(tmp_.path() / "etc/memory.current", "1\n");
    EXPECT_FALSE(read(13).memory_bytes) << "a path leaving the hierarchy is not followed";
    proc_cgroup(14, "0::/a\n");
    write(cgroup_ / "a/memory.current", "12abc\n");
    write(cgroup_ / "a/cpu.stat", "usage_usec\n");
    const auto bad = read(14);
    EXPECT_FALSE(bad.memory_bytes);
    EXPECT_FALSE(bad.cpu_usec);
    proc_cgroup(15, "garbage without colons\n");
    EXPECT_FALSE(read(15).memory_bytes);
}

} // namespace
} // namespace nanoclaw::container::detail
