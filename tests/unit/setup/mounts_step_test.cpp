// SPDX-License-Identifier: MIT
// `setup --step mounts` (spec 30 §7, §17.3; catalogue H 97-104) plus the port's shape and
// project-root checks (§19 #9).
#include <sstream>

#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

using testing_support::StepTest;
namespace fs = std::filesystem;

class MountsStepTest : public StepTest {
  protected:
    fs::path file() const { return config.mount_allowlist_path; }
};

TEST_F(MountsStepTest, EmptyAllowlist) {
    EXPECT_EQ(run("mounts", {"--empty"}), 0);
    EXPECT_EQ(read(file()), "{\n  \"allowedRoots\": [],\n  \"blockedPatterns\": [],\n  \"nonMainReadOnly\": true\n}\n");
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: CONFIGURE_MOUNTS ===\nPATH: " + file().string() +
                             "\nALLOWED_ROOTS: 0\nNON_MAIN_READ_ONLY: true\nSTATUS: success\nLOG: logs/setup.log\n=== END ===\n");
}

TEST_F(MountsStepTest, JsonIsReserialisedWithTwoSpacesInItsOwnKeyOrder) {
    EXPECT_EQ(run("mounts", {"--json", R"({"allowedRoots":[{"path":"~/p","allowReadWrite":true}],"blockedPatterns":[],"nonMainReadOnly":false})"}), 0);
    EXPECT_EQ(read(file()), "{\n  \"allowedRoots\": [\n    {\n      \"path\": \"~/p\",\n      \"allowReadWrite\": true\n"
                            "    }\n  ],\n  \"blockedPatterns\": [],\n  \"nonMainReadOnly\": false\n}\n");
    EXPECT_EQ(field("ALLOWED_ROOTS"), "1");
    EXPECT_EQ(field("NON_MAIN_READ_ONLY"), "false");
}

TEST_F(MountsStepTest, NotJsonLeavesTheFileAlone) {
    tmp.write("home/.config/nanoclaw/mount-allowlist.json", "{\"allowedRoots\":[]}");
    EXPECT_EQ(run("mounts", {"--force", "--json", "{not json"}), 4);
    EXPECT_EQ(field("ALLOWED_ROOTS"), "0");
    EXPECT_EQ(field("NON_MAIN_READ_ONLY"), "unknown");
    EXPECT_EQ(field("STATUS"), "failed");
    EXPECT_EQ(field("ERROR"), "invalid_json");
    EXPECT_EQ(read(file()), "{\"allowedRoots\":[]}");
}

TEST_F(MountsStepTest, WrongShapeIsRefusedUnlikeV1) {
    for (const std::string bad : {R"({"allowedRoots":"x"})", "5", "[]", "null", R"({"allowedRoots":[],"blockedPatterns":[],"nonMainReadOnly":"yes"})"}) {
        EXPECT_EQ(run("mounts", {"--json", bad}), 4) << bad;
        EXPECT_EQ(field("ERROR"), "invalid_schema") << bad;
    }
    EXPECT_FALSE(fs::exists(file()));
}

TEST_F(MountsStepTest, RootsThatExposeTheProjectAreRefused) {
    fs::create_directories(config.root / "inside");
    for (const auto& root : {config.root.string(), (config.root / "inside").string(), config.root.parent_path().string(), std::string("~/..")}) {
        const std::string json = R"({"allowedRoots":[{"path":")" + root + R"(","allowReadWrite":true}],"blockedPatterns":[],"nonMainReadOnly":true})";
        EXPECT_EQ(run("mounts", {"--json", json}), 4) << root;
        EXPECT_EQ(field("ERROR"), "unsafe_root") << root;
    }
    EXPECT_FALSE(fs::exists(file()));
    const std::string sibling = R"({"allowedRoots":[{"path":")" + (base / "projects").string() + R"("}],"blockedPatterns":[],"nonMainReadOnly":true})";
    EXPECT_EQ(run("mounts", {"--json", sibling}), 0) << "a sibling of the root is fine";
}

TEST_F(MountsStepTest, ReadsStdinWithoutFlags) {
    std::istringstream in(R"({"allowedRoots":[],"blockedPatterns":["secret"],"nonMainReadOnly":true})");
    auto* old = std::cin.rdbuf(in.rdbuf());
    const int code = run("mounts");
    std::cin.rdbuf(old);
    EXPECT_EQ(code, 0);
    EXPECT_NE(read(file()).find("\"secret\""), std::string::npos);
}

TEST_F(MountsStepTest, EmptyStdinIsNotJson) {
    std::istringstream in("");
    auto* old = std::cin.rdbuf(in.rdbuf());
    const int code = run("mounts");
    std::cin.rdbuf(old);
    EXPECT_EQ(code, 4);
    EXPECT_EQ(field("ERROR"), "invalid_json");
}

TEST_F(MountsStepTest, EmptyWinsOverJson) {
    EXPECT_EQ(run("mounts", {"--json", R"({"allowedRoots":[{"path":"/srv"}],"blockedPatterns":[],"nonMainReadOnly":true})", "--empty"}), 0);
    EXPECT_EQ(field("ALLOWED_ROOTS"), "0");
}

TEST_F(MountsStepTest, ExistingFileIsSkippedUnlessForced) {
    tmp.write("home/.config/nanoclaw/mount-allowlist.json", "mine");
    EXPECT_EQ(run("mounts", {"--json", "{bad"}), 0) << "skipped before the JSON is looked at";
    EXPECT_EQ(field("STATUS"), "skipped");
    EXPECT_EQ(field("NON_MAIN_READ_ONLY"), "unknown");
    EXPECT_EQ(read(file()), "mine");
    EXPECT_EQ(run("mounts", {"--force", "--empty"}), 0);
    EXPECT_EQ(field("STATUS"), "success");
    EXPECT_NE(read(file()), "mine");
}

TEST_F(MountsStepTest, DoubleDashesReachTheStepAsFlags) {
    EXPECT_EQ(run("mounts", {"--", "--empty"}), 0);
    EXPECT_EQ(field("STATUS"), "success");
}

} // namespace
} // namespace nanoclaw::setup
