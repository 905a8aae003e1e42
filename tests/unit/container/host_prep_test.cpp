// SPDX-License-Identifier: MIT
#include "nanoclaw/container/host_prep.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "container_fixture.hpp"
#include "nanoclaw/core/group_folder.hpp"

namespace nanoclaw::container {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;
using ::testing::Contains;
using ::testing::Not;

class HostPrepTest : public ::testing::Test, protected testing_support::ProjectFixture {
protected:
    PreparedMounts prep(const std::string& folder, bool is_main = false) {
        return prepare_host(config, settings, group(folder, is_main), is_main, {});
    }
    fs::path session(const std::string& folder) { return root / "data/sessions" / folder; }
};

TEST_F(HostPrepTest, SettingsJsonIsCreatedOnceAndNeverOverwritten) {
    prep("g1");
    const auto file = session("g1") / ".claude/settings.json";
    EXPECT_EQ(TempDir::read(file),
              "{\n  \"env\": {\n    \"CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS\": \"1\",\n"
              "    \"CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD\": \"1\",\n"
              "    \"CLAUDE_CODE_DISABLE_AUTO_MEMORY\": \"0\"\n  }\n}\n");
    std::ofstream(file) << "{\"edited\":true}";
    prep("g1");
    EXPECT_EQ(TempDir::read(file), "{\"edited\":true}");
}

TEST_F(HostPrepTest, SkillsSyncCopiesDirectoriesOverwritesAndKeepsExtras) {
    tmp.write("share/container/skills/a/SKILL.md", "v1");
    tmp.write("share/container/skills/README", "top-level file");
    prep("g1");
    const auto dst = session("g1") / ".claude/skills";
    EXPECT_EQ(TempDir::read(dst / "a/SKILL.md"), "v1");
    EXPECT_FALSE(fs::exists(dst / "README"));
    tmp.write("share/container/skills/a/SKILL.md", "v2");
    std::ofstream(dst / "a/extra.md") << "agent note";
    prep("g1");
    EXPECT_EQ(TempDir::read(dst / "a/SKILL.md"), "v2");
    EXPECT_EQ(TempDir::read(dst / "a/extra.md"), "agent note");
}

TEST_F(HostPrepTest, SkillsComeFromTheShareDirNeverFromTheRoot) {
    tmp.write("share/container/skills/shipped/SKILL.md", "shipped skill");
    tmp.write("root/container/skills/planted/SKILL.md", "root skill");
    prep("g1");
    const auto dst = session("g1") / ".claude/skills";
    EXPECT_EQ(TempDir::read(dst / "shipped/SKILL.md"), "shipped skill");
    EXPECT_FALSE(fs::exists(dst / "planted"));
}

TEST_F(HostPrepTest, SkillsSyncNeverWritesThroughAPlantedSymlink) {
    tmp.write("share/container/skills/a/SKILL.md", "skill text");
    prep("g1");
    const auto victim = tmp.write("victim.txt", "precious");
    const auto planted = session("g1") / ".claude/skills/a/SKILL.md";
    fs::remove(planted);
    fs::create_symlink(victim, planted);
    prep("g1");
    EXPECT_EQ(TempDir::read(victim), "precious");
    EXPECT_FALSE(fs::is_symlink(planted));
    EXPECT_EQ(TempDir::read(planted), "skill text");
}

TEST_F(HostPrepTest, AgentRunnerSourceCopiedOnceThenRefreshedWhenShippedIsNewer) {
    tmp.write("share/container/agent-runner/src/index.ts", "v1");
    tmp.write("share/container/agent-runner/src/lib.ts", "lib v1");
    prep("g1");
    const auto copy = session("g1") / "agent-runner-src/index.ts";
    EXPECT_EQ(TempDir::read(copy), "v1");
    EXPECT_EQ(TempDir::read(session("g1") / "agent-runner-src/lib.ts"), "lib v1");
    std::ofstream(copy) << "agent edit";
    prep("g1"); // source not newer: the agent's edit stays
    EXPECT_EQ(TempDir::read(copy), "agent edit");
    tmp.write("share/container/agent-runner/src/index.ts", "v2");
    fs::last_write_time(share / "container/agent-runner/src/index.ts",
                        fs::last_write_time(copy) + std::chrono::seconds(5));
    prep("g1");
    EXPECT_EQ(TempDir::read(copy), "v2");
}

TEST_F(HostPrepTest, AgentRunnerSourceComesFromTheShareDirNeverFromTheRoot) {
    // A data root that happens to be an old checkout: its copy must not be mounted.
    tmp.write("root/container/agent-runner/src/index.ts", "root copy");
    const auto mounts = prep("g1").mounts;
    const auto copy = session("g1") / "agent-runner-src/index.ts";
    EXPECT_EQ(TempDir::read(copy), "// shipped runner\n");
    const auto app_src = std::find_if(mounts.begin(), mounts.end(), [](const VolumeMount& m) {
        return m.container_path == "/app/src";
    });
    ASSERT_NE(app_src, mounts.end());
    EXPECT_EQ(app_src->host_path, (session("g1") / "agent-runner-src").string());
}

TEST_F(HostPrepTest, NoShareDirIsAClearErrorNotAnEmptyMount) {
    config.share_dir.clear();
    try {
        prep("g1");
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("NANOCLAW_SHARE_DIR"));
    }
    EXPECT_FALSE(fs::exists(session("g1") / "agent-runner-src"));
}

TEST_F(HostPrepTest, ShareDirWithoutTheAgentRunnerSourceIsAnErrorNamingTheFile) {
    fs::remove_all(share / "container/agent-runner");
    try {
        prep("g1");
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(),
                    ::testing::HasSubstr((share / "container/agent-runner/src/index.ts").string()));
    }
    EXPECT_FALSE(fs::exists(session("g1") / "agent-runner-src"));
}

TEST_F(HostPrepTest, IpcSubdirectoriesAndLogsExist) {
    prep("g1");
    for (const char* d : {"messages", "tasks", "input"}) {
        EXPECT_TRUE(fs::is_directory(root / "data/ipc/g1" / d)) << d;
    }
    EXPECT_TRUE(fs::is_directory(root / "groups/g1/logs"));
}

TEST_F(HostPrepTest, PlantedLogsSymlinkIsReplacedByARealDirectory) {
    prep("g1");
    fs::remove_all(root / "groups/g1/logs");
    fs::create_directory_symlink(tmp.path(), root / "groups/g1/logs");
    prep("g1");
    EXPECT_FALSE(fs::is_symlink(root / "groups/g1/logs"));
    EXPECT_TRUE(fs::is_directory(root / "groups/g1/logs"));
}

TEST_F(HostPrepTest, InvalidFolderThrowsBeforeCreatingAnything) {
    for (const char* bad : {"../../etc", "/tmp", "global", ""}) {
        EXPECT_THROW(prep(bad), core::InvalidGroupFolder) << bad;
    }
    EXPECT_FALSE(fs::exists(root / "data"));
}

TEST_F(HostPrepTest, DockerSandboxShadowIsAnEmptyFileUnderData) {
    tmp.write("root/.env", "ANTHROPIC_API_KEY=sk-real");
    settings.env_shadow_source = config.data_dir / "empty-env";
    const auto mounts = prep("main", true).mounts;
    ASSERT_GE(mounts.size(), 2u);
    EXPECT_EQ(mounts[1].host_path, (root / "data/empty-env").string());
    EXPECT_EQ(mounts[1].container_path, "/workspace/project/.env");
    EXPECT_TRUE(mounts[1].readonly);
    EXPECT_EQ(fs::file_size(root / "data/empty-env"), 0u);
}

TEST_F(HostPrepTest, NonEmptyConfiguredShadowFallsBackToEmptyFile) {
    tmp.write("root/.env", "ANTHROPIC_API_KEY=sk-real");
    settings.env_shadow_source = tmp.write("copy-of-env", "ANTHROPIC_API_KEY=sk-real");
    const auto mounts = prep("main", true).mounts;
    EXPECT_EQ(mounts[1].host_path, (root / "data/empty-env").string());
    EXPECT_EQ(fs::file_size(mounts[1].host_path), 0u);
}

TEST_F(HostPrepTest, StoreAuthIsShadowedForMainAfterEnvShadow) {
    tmp.write("root/.env", "X=1");
    tmp.write("root/store/auth/creds.json", "{\"secret\":1}");
    const auto mounts = prep("main", true).mounts;
    ASSERT_GE(mounts.size(), 4u);
    EXPECT_EQ(mounts[2].container_path, "/workspace/project/store/auth");
    EXPECT_TRUE(mounts[2].readonly);
    EXPECT_TRUE(fs::is_empty(mounts[2].host_path));
    EXPECT_EQ(mounts[3].container_path, "/workspace/group");
}

// A read-only mount does not stop connect(): the daemon's socket is covered by an empty file.
TEST_F(HostPrepTest, DaemonSocketIsShadowedForMain) {
    fs::create_directories(root / "data");
    const auto socket_path = root / "data/nanoclawd.sock";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(socket_path.string().size(), sizeof addr.sun_path);
    std::strcpy(addr.sun_path, socket_path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const auto mounts = prep("main", true).mounts;
    ::close(fd);
    const auto shadow = std::find_if(mounts.begin(), mounts.end(), [](const VolumeMount& m) {
        return m.container_path == "/workspace/project/data/nanoclawd.sock";
    });
    ASSERT_NE(shadow, mounts.end());
    EXPECT_TRUE(shadow->readonly);
    EXPECT_TRUE(shadow->host_path == "/dev/null" || fs::file_size(shadow->host_path) == 0u)
        << shadow->host_path;
    for (const auto& m : prep("g1").mounts) EXPECT_NE(m.host_path, socket_path.string());
}

TEST_F(HostPrepTest, NonMainNeverSeesTheProject) {
    tmp.write("root/.env", "X=1");
    tmp.write("root/store/auth/creds.json", "{}");
    for (const auto& m : prep("g1").mounts) {
        EXPECT_EQ(m.container_path.find("/workspace/project"), std::string::npos);
        EXPECT_NE(m.host_path, root.string());
    }
}

} // namespace
} // namespace nanoclaw::container
