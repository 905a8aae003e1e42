// SPDX-License-Identifier: MIT
// The setup CLI's argument handling and status block (spec 30 §1.2, §1.3).
#include "nanoclaw/setup/setup.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "nanoclaw/setup/status_block.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::setup {
namespace {

TEST(StatusBlockTest, ExactFormatInInsertionOrder) {
    StatusBlock block("SETUP_TELEGRAM");
    block.add("BOT_USERNAME", std::string("@andy_ai_bot")).add("READY", true).add("STATUS", std::string("success"));
    EXPECT_EQ(block.text(), "=== NANOCLAW SETUP: SETUP_TELEGRAM ===\n"
                            "BOT_USERNAME: @andy_ai_bot\nREADY: true\nSTATUS: success\n"
                            "=== END ===\n");
}

TEST(StatusBlockTest, ANewlineInAValueCannotBreakTheBlock) {
    StatusBlock block("X");
    block.add("ERROR", std::string("line one\nline two\r\n"));
    EXPECT_EQ(block.text(), "=== NANOCLAW SETUP: X ===\nERROR: line one line two  \n=== END ===\n");
}

struct SetupArgsTest : ::testing::Test {
    testing::TempDir dir;
    core::Config config;
    core::EnvMap env;
    std::ostringstream out, err;
    SetupArgsTest() { config.root = dir.path(); }
    int run(std::vector<std::string> args) { return run_setup(args, SetupContext{config, env, out, err}); }
};

TEST_F(SetupArgsTest, MissingStepPrintsTheUsageAndFails) {
    EXPECT_EQ(run({}), 1);
    EXPECT_EQ(err.str(), "Usage: nanoclaw setup --step <timezone|environment|container|groups|register|mounts|service|verify|"
                         "telegram|whatsapp-auth> [args...]\n");
    EXPECT_EQ(run({"--step"}), 1);
    EXPECT_EQ(run({"--step", ""}), 1);
    EXPECT_EQ(out.str(), ""); // no status block for usage errors
}

TEST_F(SetupArgsTest, UnknownStepNamesTheAvailableOnes) {
    EXPECT_EQ(run({"--step", "nope"}), 1);
    EXPECT_EQ(err.str(), "Unknown step: nope\nAvailable steps: timezone, environment, container, groups, register, "
                         "mounts, service, verify, telegram, whatsapp-auth\n");
    EXPECT_EQ(out.str(), "");
}

TEST_F(SetupArgsTest, DoubleDashesAreDroppedAndTheStepRuns) {
    // No token configured: the telegram step answers with its own block and exit 4.
    EXPECT_EQ(run({"--", "--step", "telegram", "--"}), 4);
    EXPECT_NE(out.str().find("=== NANOCLAW SETUP: SETUP_TELEGRAM ===\nSTATUS: missing_token\n"),
              std::string::npos)
        << out.str();
}

TEST_F(SetupArgsTest, TheFirstStepWinsAndItsRivalIsJustAnArgument) {
    // register gets ["--step", "verify"], unknown tokens to it: the required fields are missing.
    EXPECT_EQ(run({"--step", "register", "--step", "verify"}), 4);
    EXPECT_NE(out.str().find("ERROR: missing_required_args"), std::string::npos) << out.str();
}

TEST_F(SetupArgsTest, AStepThatThrowsGetsTheGenericBlockTitledAfterIt) {
    // A --limit that is no number makes the groups step throw (v1: an SQL datatype error).
    EXPECT_EQ(run({"--step", "groups", "--list", "--limit", "x"}), 1);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: GROUPS ===\nSTATUS: failed\nERROR: --limit x is not a number\n=== END ===\n");
}

} // namespace
} // namespace nanoclaw::setup
