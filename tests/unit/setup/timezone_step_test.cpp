// SPDX-License-Identifier: MIT
// `setup --step timezone` (spec 30 §17.1): candidates in order, the .env edit, needs_input.
#include <sys/stat.h>

#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

using testing_support::StepTest;
namespace fs = std::filesystem;

class TimezoneStepTest : public StepTest {
  protected:
    fs::path dotenv() const { return config.root / ".env"; }
};

TEST_F(TimezoneStepTest, FlagWinsAndIsWrittenToANewEnvFile) {
    EXPECT_EQ(run("timezone", {"--tz", "Asia/Tokyo"}), 0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: TIMEZONE ===\nSYSTEM_TZ: Europe/Berlin\nENV_TZ: unset\n"
                         "ENV_FILE_TZ: unset\nRESOLVED_TZ: Asia/Tokyo\nNEEDS_USER_INPUT: false\n"
                         "STATUS: success\n=== END ===\n");
    EXPECT_EQ(read(dotenv()), "TZ=Asia/Tokyo\n");
    struct stat st{};
    ASSERT_EQ(::stat(dotenv().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << ".env holds secrets";
}

TEST_F(TimezoneStepTest, QuotedEnvFileValueIsKeptAndNotRewritten) {
    tmp.write("root/.env", "A=1\nTZ=\"America/New_York\"\nB=2\n");
    EXPECT_EQ(run("timezone"), 0);
    EXPECT_EQ(field("ENV_FILE_TZ"), "America/New_York");
    EXPECT_EQ(field("RESOLVED_TZ"), "America/New_York");
    EXPECT_EQ(read(dotenv()), "A=1\nTZ=\"America/New_York\"\nB=2\n") << "an unchanged zone is not rewritten";
}

TEST_F(TimezoneStepTest, InvalidCandidatesFallThroughToTheNextAndReplaceTheLine) {
    tmp.write("root/.env", "A=1\nTZ=Mars/Olympus\nB=2");
    env["TZ"] = "NotATimezone";
    EXPECT_EQ(run("timezone", {"--tz", "IST-2"}), 0);
    EXPECT_EQ(field("ENV_TZ"), "NotATimezone");
    EXPECT_EQ(field("ENV_FILE_TZ"), "Mars/Olympus");
    EXPECT_EQ(field("RESOLVED_TZ"), "Europe/Berlin") << "the system zone is the last candidate";
    EXPECT_EQ(read(dotenv()), "A=1\nTZ=Europe/Berlin\nB=2");
}

TEST_F(TimezoneStepTest, ProcessTzBeatsTheSystemZone) {
    env["TZ"] = "Australia/Sydney";
    tmp.write("root/.env", "ANTHROPIC_API_KEY=x");
    EXPECT_EQ(run("timezone"), 0);
    EXPECT_EQ(field("RESOLVED_TZ"), "Australia/Sydney");
    EXPECT_EQ(read(dotenv()), "ANTHROPIC_API_KEY=x\nTZ=Australia/Sydney\n");
}

TEST_F(TimezoneStepTest, NothingValidAsksTheUser) {
    platform.time_zone = "";
    EXPECT_EQ(run("timezone", {"--tz"}), 0) << "--tz without a value is no zone";
    EXPECT_EQ(field("SYSTEM_TZ"), "unknown");
    EXPECT_EQ(field("RESOLVED_TZ"), "none");
    EXPECT_EQ(field("NEEDS_USER_INPUT"), "true");
    EXPECT_EQ(field("STATUS"), "needs_input");
    EXPECT_EQ(field("LOG"), "<absent>") << "v1's timezone block has no LOG line";
    EXPECT_FALSE(fs::exists(dotenv()));
}

} // namespace
} // namespace nanoclaw::setup
