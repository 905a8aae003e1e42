// SPDX-License-Identifier: MIT
#include "nanoclaw/container/mount_security.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "temp_dir.hpp"

namespace nanoclaw::container {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// The E1 fixture of the test catalog: a temporary home with projects, docs and secrets.
class MountSecurityTest : public ::testing::Test {
protected:
    void SetUp() override {
        home_ = fs::canonical(tmp_.path()) / "home";
        for (const char* d : {"projects/app", "projects/tokenizer", ".ssh", "projects/.envrc",
                              "docs", "work"}) {
            fs::create_directories(home_ / d);
        }
        fs::create_directory_symlink(home_ / ".ssh", home_ / "link-to-ssh");
        fs::create_directory_symlink(home_ / ".ssh", home_ / "projects" / "innocent");
        fs::create_directory_symlink("/etc", home_ / "projects" / "etc-link");
        allowlist_ = tmp_.path() / "cfg" / "mount-allowlist.json";
        write_allowlist(R"({"allowedRoots":[{"path":"~/projects","allowReadWrite":true,
            "description":"Dev"},{"path":"~/docs","allowReadWrite":false}],
            "blockedPatterns":["token"],"nonMainReadOnly":true})");
    }
    void write_allowlist(const std::string& text) {
        fs::create_directories(allowlist_.parent_path());
        tmp_.write("cfg/mount-allowlist.json", text);
    }
    MountSecurity security() { return MountSecurity(allowlist_, home_, home_ / "work"); }
    static core::AdditionalMount req(std::string host, std::optional<std::string> cpath = {},
                                     std::optional<bool> ro = {}) {
        return {std::move(host), std::move(cpath), ro};
    }

    testing::TempDir tmp_;
    fs::path home_;
    fs::path allowlist_;
};

TEST_F(MountSecurityTest, NoAllowlistRejectsEverything) {
    fs::remove(allowlist_);
    auto sec = security();
    const auto d = sec.validate(req("~/projects/app"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_EQ(d.reason, "No mount allowlist configured at " + allowlist_.string());
    EXPECT_TRUE(sec.validate_all({req("~/projects/app")}, "g", true).empty());
}

TEST_F(MountSecurityTest, InvalidAllowlistIsCachedUntilRestart) {
    write_allowlist(R"({"allowedRoots":[],"blockedPatterns":[],"nonMainReadOnly":"yes"})");
    auto sec = security();
    EXPECT_FALSE(sec.validate(req("~/projects/app"), true).mount);
    write_allowlist(R"({"allowedRoots":[{"path":"~/projects","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":true})");
    EXPECT_FALSE(sec.validate(req("~/projects/app"), true).mount);
    EXPECT_TRUE(security().validate(req("~/projects/app"), true).mount); // "restart"
}

TEST_F(MountSecurityTest, NotFoundIsRetriedSoACreatedFileTakesEffect) {
    fs::remove(allowlist_);
    auto sec = security();
    EXPECT_FALSE(sec.validate(req("~/projects/app"), true).mount);
    write_allowlist(R"({"allowedRoots":[{"path":"~/projects","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":true})");
    EXPECT_TRUE(sec.validate(req("~/projects/app"), true).mount);
}

TEST_F(MountSecurityTest, BadJsonAndBadStructureAreErrorsNotCrashes) {
    for (const char* text : {"{", "[]", "null", R"({"allowedRoots":{},"blockedPatterns":[],
        "nonMainReadOnly":true})", R"({"allowedRoots":[],"blockedPatterns":[1],
        "nonMainReadOnly":true})", R"({"allowedRoots":[5,{"path":7}],"blockedPatterns":[]})"}) {
        write_allowlist(text);
        EXPECT_FALSE(security().validate(req("~/projects/app"), true).mount) << text;
    }
}

TEST_F(MountSecurityTest, DefaultPatternsAreAlwaysMerged) {
    write_allowlist(R"({"allowedRoots":[{"path":"~","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":false})");
    const auto d = security().validate(req("~/.ssh"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr("\".ssh\""));
    const auto parsed = parse_mount_allowlist(
        R"({"allowedRoots":[],"blockedPatterns":["token",".ssh","token"],"nonMainReadOnly":true})");
    ASSERT_TRUE(parsed);
    auto expected = default_blocked_patterns();
    expected.push_back("token");
    EXPECT_EQ(parsed->blocked_patterns, expected);
}

TEST_F(MountSecurityTest, SymlinkIntoSshIsBlockedAfterResolution) {
    const auto d = security().validate(req("~/projects/innocent"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr((home_ / ".ssh").string()));
    EXPECT_FALSE(security().validate(req("~/link-to-ssh"), true).mount);
}

TEST_F(MountSecurityTest, SymlinkToEtcUnderAllowedRootIsOutsideTheRoot) {
    const auto d = security().validate(req("~/projects/etc-link"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr("not under any allowed root"));
}

TEST_F(MountSecurityTest, SubstringPatternBlocksTokenizer) {
    const auto d = security().validate(req("~/projects/tokenizer"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr("\"token\""));
}

TEST_F(MountSecurityTest, SubstringFalsePositiveEnvrcIsBlockedByEnv) {
    const auto d = security().validate(req("~/projects/.envrc"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr("\".env\""));
}

TEST_F(MountSecurityTest, BlockedNamesAreRejected) {
    write_allowlist(R"({"allowedRoots":[{"path":"~","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":false})");
    for (const char* name : {".env", "credentials", ".aws", "id_rsa", ".gnupg", ".docker"}) {
        fs::create_directories(home_ / "projects" / name);
        EXPECT_FALSE(security().validate(req(std::string("~/projects/") + name), true).mount)
            << name;
    }
}

TEST_F(MountSecurityTest, OutsideRootsListsBothExpandedRoots) {
    const auto elsewhere = fs::canonical(tmp_.path()) / "elsewhere";
    fs::create_directories(elsewhere);
    const auto d = security().validate(req(elsewhere.string()), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr("not under any allowed root"));
    EXPECT_THAT(d.reason, HasSubstr((home_ / "projects").string()));
    EXPECT_THAT(d.reason, HasSubstr((home_ / "docs").string()));
}

TEST_F(MountSecurityTest, MissingHostPathNamesRequestedAndExpanded) {
    const auto d = security().validate(req("~/projects/missing"), true);
    EXPECT_FALSE(d.mount);
    EXPECT_THAT(d.reason, HasSubstr("~/projects/missing"));
    EXPECT_THAT(d.reason, HasSubstr((home_ / "projects/missing").string()));
}

TEST_F(MountSecurityTest, DotDotInHostPathIsResolvedBeforeChecks) {
    const auto d = security().validate(req("~/projects/app/../../.ssh"), true);
    EXPECT_FALSE(d.mount);
    const auto ok = security().validate(req("~/projects/app/../app"), true);
    ASSERT_TRUE(ok.mount);
    EXPECT_EQ(ok.mount->host_path, (home_ / "projects/app").string());
}

TEST_F(MountSecurityTest, DefaultContainerPathIsTheLastComponentAndHostPathIsReal) {
    const auto d = security().validate(req("~/projects/app"), true);
    ASSERT_TRUE(d.mount);
    EXPECT_EQ(d.mount->container_path, "/workspace/extra/app");
    EXPECT_EQ(d.mount->host_path, (home_ / "projects/app").string());
    EXPECT_EQ(d.reason, "Allowed under root \"~/projects\" (Dev)");
}

TEST_F(MountSecurityTest, ExplicitContainerPathWithSubdirectory) {
    const auto d = security().validate(req("~/projects/app", "code/app"), true);
    ASSERT_TRUE(d.mount);
    EXPECT_EQ(d.mount->container_path, "/workspace/extra/code/app");
}

TEST_F(MountSecurityTest, InvalidContainerPathsAreRejected) {
    for (const char* p : {"../x", "a..b", "/abs", "   ", "repo:rw", ".", "a/./b"}) {
        const auto d = security().validate(req("~/projects/app", std::string(p)), true);
        EXPECT_FALSE(d.mount) << p;
        EXPECT_THAT(d.reason, HasSubstr("Invalid container path")) << p;
    }
    const auto nul = security().validate(req("~/projects/app", std::string("a\0b", 3)), true);
    EXPECT_FALSE(nul.mount);
}

TEST_F(MountSecurityTest, HostPathWithColonOrNulIsRejected) {
    fs::create_directories(home_ / "projects" / "a:b");
    const auto colon = security().validate(req("~/projects/a:b", "ab"), true);
    EXPECT_FALSE(colon.mount);
    EXPECT_THAT(colon.reason, HasSubstr("':'"));
    const auto nul = security().validate(req(std::string("~/projects/app\0/../../.ssh", 26)), true);
    EXPECT_FALSE(nul.mount);
}

TEST_F(MountSecurityTest, ReadOnlyByDefaultEvenForMain) {
    EXPECT_TRUE(security().validate(req("~/projects/app"), true).mount->readonly);
}

TEST_F(MountSecurityTest, ReadWriteForMainWhenAskedAndAllowed) {
    EXPECT_FALSE(security().validate(req("~/projects/app", {}, false), true).mount->readonly);
}

TEST_F(MountSecurityTest, NonMainForcedReadOnlyWhenNonMainReadOnly) {
    EXPECT_TRUE(security().validate(req("~/projects/app", {}, false), false).mount->readonly);
}

TEST_F(MountSecurityTest, NonMainReadWriteWhenNonMainReadOnlyIsFalse) {
    write_allowlist(R"({"allowedRoots":[{"path":"~/projects","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":false})");
    EXPECT_FALSE(security().validate(req("~/projects/app", {}, false), false).mount->readonly);
}

TEST_F(MountSecurityTest, RootThatForbidsReadWriteForcesReadOnlyAndRootItselfMounts) {
    const auto d = security().validate(req("~/docs", {}, false), true);
    ASSERT_TRUE(d.mount);
    EXPECT_TRUE(d.mount->readonly);
    EXPECT_EQ(d.mount->container_path, "/workspace/extra/docs");
}

TEST_F(MountSecurityTest, FirstMatchingRootWins) {
    write_allowlist(R"({"allowedRoots":[{"path":"~/projects","allowReadWrite":false},
        {"path":"~/projects/app","allowReadWrite":true}],"blockedPatterns":[],
        "nonMainReadOnly":false})");
    EXPECT_TRUE(security().validate(req("~/projects/app", {}, false), true).mount->readonly);
}

TEST_F(MountSecurityTest, NonexistentRootIsSkipped) {
    write_allowlist(R"({"allowedRoots":[{"path":"~/nope","allowReadWrite":true},
        {"path":"~/projects","allowReadWrite":true}],"blockedPatterns":[],
        "nonMainReadOnly":false})");
    EXPECT_TRUE(security().validate(req("~/projects/app"), true).mount);
}

TEST_F(MountSecurityTest, TildeAndRelativeForms) {
    write_allowlist(R"({"allowedRoots":[{"path":"~","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":false})");
    const auto docs = security().validate(req("~/docs", "docs"), true);
    ASSERT_TRUE(docs.mount) << docs.reason;
    EXPECT_EQ(docs.mount->host_path, (home_ / "docs").string());
    // "~" itself contains the project root (home/work here); a relative path resolves against
    // the project root, so it always lies inside it. v1 mounted both.
    const auto home = security().validate(req("~", "home"), true);
    EXPECT_FALSE(home.mount);
    EXPECT_THAT(home.reason, HasSubstr("contains the project root"));
    fs::create_directories(home_ / "work" / "rel");
    const auto rel = security().validate(req("rel"), true);
    EXPECT_FALSE(rel.mount);
    EXPECT_THAT(rel.reason, HasSubstr("is inside the project root"));
}

// Issue 20's defect: an allowlist root inside the project root with allowReadWrite exposed the
// project (its .env, database and other groups' folders) read-write at /workspace/extra/.
TEST_F(MountSecurityTest, NothingInsideOrAboveTheProjectRootIsMountedWhateverTheAllowlistSays) {
    const auto project = home_ / "work";
    fs::create_directories(project / "inside" / "data");
    fs::create_directories(project / "groups" / "other");
    write_allowlist(R"({"allowedRoots":[{"path":")" + (project / "inside").string() +
                    R"(","allowReadWrite":true},{"path":"~","allowReadWrite":true}],"blockedPatterns":[],"nonMainReadOnly":false})");
    for (const auto& path : {project / "inside", project / "inside" / "data", project / "groups" / "other", project,
                             home_}) {
        const auto d = security().validate(req(path.string(), "x", false), true);
        EXPECT_FALSE(d.mount) << path << " was mounted";
        EXPECT_THAT(d.reason, HasSubstr("project root")) << path;
    }
    // A link from an allowed place into the project is followed first, then refused.
    fs::create_directory_symlink(project / "groups", home_ / "docs" / "into-project");
    EXPECT_FALSE(security().validate(req("~/docs/into-project", "x"), true).mount);
    EXPECT_TRUE(security().validate(req("~/docs", "docs"), true).mount) << "unrelated mounts still work";
}

TEST_F(MountSecurityTest, AnAllowlistRootThatExposesTheProjectIsReportedAtLoad) {
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    fs::create_directories(home_ / "work" / "inside");
    write_allowlist(R"({"allowedRoots":[{"path":"~/work/inside"},{"path":"~"},{"path":"~/docs"}],
                        "blockedPatterns":[],"nonMainReadOnly":true})");
    auto sec = security();
    (void)sec.validate(req("~/docs"), true);
    spdlog::set_default_logger(previous);
    EXPECT_THAT(captured.str(), HasSubstr("root \"~/work/inside\" is unsafe: it is inside the project root"));
    EXPECT_THAT(captured.str(), HasSubstr("root \"~\" is unsafe: it contains the project root"));
    EXPECT_THAT(captured.str(), Not(HasSubstr("\"~/docs\" is unsafe")));
}

TEST_F(MountSecurityTest, AllowlistRootInsideProjectDoesNotExposeSiblings) {
    // Containment is by components: a root /x/pro does not contain /x/projects.
    write_allowlist(R"({"allowedRoots":[{"path":"~/proj","allowReadWrite":true}],
                        "blockedPatterns":[],"nonMainReadOnly":false})");
    fs::create_directories(home_ / "proj");
    EXPECT_FALSE(security().validate(req("~/projects/app"), true).mount);
}

TEST_F(MountSecurityTest, MixedListKeepsOrderAndLogsTheRejection) {
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    auto sec = security();
    const auto out = sec.validate_all(
        {req("~/projects/app", "one"), req("~/projects/innocent"), req("~/docs", "two")}, "grp",
        false);
    spdlog::set_default_logger(previous);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].container_path, "/workspace/extra/one");
    EXPECT_EQ(out[1].container_path, "/workspace/extra/two");
    EXPECT_THAT(captured.str(), HasSubstr("REJECTED"));
    EXPECT_THAT(captured.str(), HasSubstr("blocked pattern \".ssh\""));
}

} // namespace
} // namespace nanoclaw::container
