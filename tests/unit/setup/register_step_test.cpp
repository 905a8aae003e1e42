// SPDX-License-Identifier: MIT
// `nanoclaw setup --step register` on a temp root (spec 30 §6, §17.2; catalog G 61-96): the
// validation matrix and exit codes, strict flags, the row, the group's files, the name rewrite.
#include <sys/stat.h>

#include <regex>
#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "manual_clock.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/store/store.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;
using Args = std::vector<std::string>;

const std::string k_main_template = "# Andy\n\nYou are Andy, a personal assistant.\n\n## Admin "
                                    "Context\n\nThis is the **main channel**.";
const std::string k_global_template = "# Andy\n\nYou are Andy, a personal assistant.";

std::string failure(const std::string& error) {
    return "=== NANOCLAW SETUP: REGISTER_CHANNEL ===\nSTATUS: failed\nERROR: " + error +
           "\nLOG: logs/setup.log\n=== END ===\n";
}

struct Row {
    std::string jid, name, folder, trigger, added_at;
    bool container_config_null = false;
    int requires_trigger = -1, is_main = -1;
};

class RegisterStepTest : public ::testing::Test {
  protected:
    RegisterStepTest() {
        const auto base = fs::canonical(tmp.path());
        config.root = base / "root";
        config.store_dir = config.root / "store";
        config.groups_dir = config.root / "groups";
        config.data_dir = config.root / "data";
        config.share_dir = base / "share";
        fs::create_directories(config.root);
        tmp.write("root/groups/main/CLAUDE.md", k_main_template);
        tmp.write("root/groups/global/CLAUDE.md", k_global_template);
        tmp.write("share/groups/main/CLAUDE.md", "# Andy\n\nYou are Andy, shipped main.\n");
        tmp.write("share/groups/global/CLAUDE.md", "# Andy\n\nYou are Andy, shipped global.\n");
    }

    int run(Args args) {
        out.str("");
        args.insert(args.begin(), {"--step", "register"});
        return run_setup(args, SetupContext{config, env, out, err, &clock});
    }
    // A complete call for `jid` with `folder`, plus `extra`.
    int register_chat(const std::string& jid, const std::string& folder, Args extra = {}) {
        Args args{"--jid",     jid,     "--name",   "Team " + folder,
                  "--trigger", "@Andy", "--folder", folder};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    }
    fs::path db_file() const { return config.store_dir / "messages.db"; }
    std::vector<Row> rows() {
        SQLite::Database db(db_file().string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(
            db, "SELECT jid, name, folder, trigger_pattern, added_at, container_config, "
                "requires_trigger, is_main FROM registered_groups ORDER BY jid");
        std::vector<Row> found;
        while (q.executeStep()) {
            found.push_back(Row{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                q.getColumn(2).getString(), q.getColumn(3).getString(),
                                q.getColumn(4).getString(), q.getColumn(5).isNull(),
                                q.getColumn(6).getInt(), q.getColumn(7).getInt()});
        }
        return found;
    }
    std::string memory(const std::string& folder) const {
        return TempDir::read(config.groups_dir / folder / "CLAUDE.md");
    }
    std::string setup_log() const { return TempDir::read(config.root / "logs/setup.log"); }

    TempDir tmp;
    core::Config config;
    core::EnvMap env;
    nanoclaw::testing::ManualClock clock{*core::parse_iso("2026-03-01T10:00:00.000Z")};
    std::ostringstream out, err;
};

// Catalog 70: the example of §6.3, byte for byte, and its row.
TEST_F(RegisterStepTest, TheReferenceExamplePrintsTheExactBlockAndWritesTheRow) {
    EXPECT_EQ(run({"--jid", "tg:-1001234567890", "--name", "Dev Team", "--folder",
                   "telegram_dev-team", "--trigger", "@Andy", "--channel", "Telegram"}),
              0);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: REGISTER_CHANNEL ===\n"
                         "JID: tg:-1001234567890\nNAME: Dev Team\nFOLDER: telegram_dev-team\n"
                         "CHANNEL: telegram\nTRIGGER: @Andy\nREQUIRES_TRIGGER: true\n"
                         "ASSISTANT_NAME: Andy\nNAME_UPDATED: false\nSTATUS: success\n"
                         "LOG: logs/setup.log\n=== END ===\n");
    EXPECT_EQ(err.str(), "");
    const auto all = rows();
    ASSERT_EQ(all.size(), 1u);
    const auto& r = all[0];
    EXPECT_EQ(r.jid, "tg:-1001234567890");
    EXPECT_EQ(r.name, "Dev Team");
    EXPECT_EQ(r.folder, "telegram_dev-team");
    EXPECT_EQ(r.trigger, "@Andy");
    EXPECT_EQ(r.added_at, "2026-03-01T10:00:00.000Z");
    EXPECT_TRUE(r.container_config_null);
    EXPECT_EQ(r.requires_trigger, 1);
    EXPECT_EQ(r.is_main, 0);
    EXPECT_TRUE(fs::is_directory(config.groups_dir / "telegram_dev-team/logs"));
    EXPECT_EQ(memory("telegram_dev-team"), k_global_template); // §17.2: from the global template
    EXPECT_FALSE(fs::exists(config.root / ".env"));
}

// Catalog 76: a fresh root gets store/ and data/ and the daemon's full schema.
TEST_F(RegisterStepTest, AFreshRootGetsTheFullSchema) {
    ASSERT_EQ(register_chat("tg:1", "team"), 0);
    EXPECT_TRUE(fs::is_directory(config.data_dir));
    SQLite::Database db(db_file().string(), SQLite::OPEN_READONLY);
    for (const char* table : {"chats", "messages", "scheduled_tasks", "task_run_logs",
                              "router_state", "sessions", "registered_groups"}) {
        EXPECT_TRUE(db.tableExists(table)) << table;
    }
}

// Catalog 68 and the required-field matrix: nothing is written, not even the database.
TEST_F(RegisterStepTest, EachMissingRequiredFieldIsBadInput) {
    const Args full{"--jid", "tg:1", "--name", "N", "--trigger", "@Andy", "--folder", "team"};
    for (std::size_t drop = 0; drop < full.size(); drop += 2) {
        Args args;
        for (std::size_t i = 0; i < full.size(); i += 2)
            if (i != drop) args.insert(args.end(), {full[i], full[i + 1]});
        EXPECT_EQ(run(args), 4) << full[drop];
        EXPECT_EQ(out.str(), failure("missing_required_args")) << full[drop];
    }
    EXPECT_EQ(run({"--jid", "", "--name", "N", "--trigger", "@Andy", "--folder", "team"}), 4);
    EXPECT_EQ(out.str(), failure("missing_required_args"));
    EXPECT_FALSE(fs::exists(db_file()));
    EXPECT_FALSE(fs::exists(config.groups_dir / "team"));
}

// Catalog 69.
TEST_F(RegisterStepTest, TheFolderRule) {
    for (const std::string& bad : std::vector<std::string>{"../evil", "global", "GLOBAL", " main",
                                                           "a/b", std::string(65, 'a')}) {
        EXPECT_EQ(register_chat("tg:1", bad), 4) << bad;
        EXPECT_EQ(out.str(), failure("invalid_folder")) << bad;
    }
    EXPECT_FALSE(fs::exists(db_file()));
    EXPECT_FALSE(fs::exists(tmp.path() / "root/evil"));
    EXPECT_EQ(register_chat("tg:1", "main"), 0);
    EXPECT_EQ(register_chat("tg:2", "telegram_dev-team"), 0);
}

// Deviation from catalog 72/73 (issue 14, spec §19 #2): v1 took the next token blindly.
TEST_F(RegisterStepTest, AFlagWithoutItsValueIsRefusedNeverSwallowingTheNextFlag) {
    const std::vector<Args> cases{
        {"--jid", "--name", "X", "--trigger", "@Andy", "--folder", "team"},
        {"--jid", "tg:1", "--name", "X", "--trigger", "@Andy", "--folder", "team",
         "--assistant-name"},
        {"--jid", "tg:1", "--name", "X", "--trigger", "@Andy", "--channel", "--folder", "team"},
        {"--jid", "tg:1", "--name", "X", "--folder", "team", "--trigger"},
    };
    for (const auto& args : cases) {
        EXPECT_EQ(run(args), 4) << args[0];
        EXPECT_EQ(out.str(), failure("missing_flag_value"));
    }
    EXPECT_FALSE(fs::exists(db_file()));
    EXPECT_NE(setup_log().find("--jid has no value (the next argument is --name)"),
              std::string::npos)
        << setup_log();
    EXPECT_NE(setup_log().find("--assistant-name has no value (last argument)"), std::string::npos);
}

// Catalog 7 and §1.2: unknown tokens are ignored; `--` anywhere is dropped.
TEST_F(RegisterStepTest, UnknownTokensAreIgnoredAndDoubleDashesDropped) {
    EXPECT_EQ(run({"--step", "verify"}), 4);
    EXPECT_EQ(out.str(), failure("missing_required_args"));
    EXPECT_EQ(run_setup({"--step", "register", "--", "--jid", "tg:5", "stray", "--name", "N",
                         "--bogus", "--trigger", "@Andy", "--folder", "team", "--"},
                        SetupContext{config, env, out, err, &clock}),
              0);
    ASSERT_EQ(rows().size(), 1u);
    EXPECT_EQ(rows()[0].jid, "tg:5");
}

// Catalog 71: lower-cased, defaulted, never validated; a mismatch is only logged.
TEST_F(RegisterStepTest, TheChannelIsLowerCasedAndDefaultsToWhatsapp) {
    ASSERT_EQ(register_chat("tg:1", "a", {"--channel", "TeLeGrAm"}), 0);
    EXPECT_NE(out.str().find("\nCHANNEL: telegram\n"), std::string::npos);
    ASSERT_EQ(register_chat("tg:2", "b"), 0);
    EXPECT_NE(out.str().find("\nCHANNEL: whatsapp\n"), std::string::npos);
    EXPECT_NE(setup_log().find("warning: JID tg:2 does not look like a whatsapp chat"),
              std::string::npos);
    ASSERT_EQ(register_chat("x:3", "c", {"--channel", "foo"}), 0);
    EXPECT_NE(out.str().find("\nCHANNEL: foo\n"), std::string::npos);
    EXPECT_NE(setup_log().find("warning: unknown channel \"foo\""), std::string::npos);
}

// Catalog 61-66: the stored values, verbatim.
TEST_F(RegisterStepTest, FlagsAndUntrustedTextAreStoredAsGiven) {
    ASSERT_EQ(run({"--jid", "123@g.us", "--name", "O'Brien's Group", "--trigger", "@Andy",
                   "--folder", "obriens-group", "--no-trigger-required"}),
              0);
    EXPECT_NE(out.str().find("\nREQUIRES_TRIGGER: false\n"), std::string::npos);
    ASSERT_EQ(register_chat("'; DROP TABLE registered_groups; --", "evil"), 0);
    ASSERT_EQ(register_chat("789@s.whatsapp.net", "whatsapp_main", {"--is-main"}), 0);
    const auto all = rows();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].jid, "'; DROP TABLE registered_groups; --");
    EXPECT_EQ(all[0].is_main, 0);
    EXPECT_EQ(all[1].name, "O'Brien's Group");
    EXPECT_EQ(all[1].requires_trigger, 0);
    EXPECT_EQ(all[2].jid, "789@s.whatsapp.net");
    EXPECT_EQ(all[2].is_main, 1);
    EXPECT_EQ(all[2].requires_trigger, 1);
    EXPECT_EQ(memory("whatsapp_main"), k_main_template);
}

// Catalog 67 and 75: one row, replaced whole (added_at new, container_config back to NULL).
TEST_F(RegisterStepTest, ReRegisteringAJidReplacesItsRow) {
    ASSERT_EQ(register_chat("123@g.us", "team"), 0);
    {
        auto store = store::Store::open(db_file(), store::StoreOptions{clock});
        auto g = store.get_registered_group("123@g.us")->group;
        g.container_config = core::ContainerConfig{{}, 5000};
        store.set_registered_group("123@g.us", g);
    }
    clock.advance(std::chrono::hours(1));
    ASSERT_EQ(run({"--jid", "123@g.us", "--name", "Updated", "--trigger", "@Bot", "--folder",
                   "team", "--no-trigger-required"}),
              0);
    const auto all = rows();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].name, "Updated");
    EXPECT_EQ(all[0].trigger, "@Bot");
    EXPECT_EQ(all[0].requires_trigger, 0);
    EXPECT_EQ(all[0].added_at, "2026-03-01T11:00:00.000Z");
    EXPECT_TRUE(all[0].container_config_null);
    EXPECT_NE(setup_log().find("its container_config is cleared"), std::string::npos);
}

// Deviation from catalog 74 (spec §19 #4): v1 silently deleted the other JID's row.
TEST_F(RegisterStepTest, AFolderOwnedByAnotherJidIsRefused) {
    ASSERT_EQ(register_chat("tg:1", "team"), 0);
    EXPECT_EQ(register_chat("tg:2", "team"), 4);
    EXPECT_EQ(out.str(), failure("folder_in_use"));
    const auto all = rows();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].jid, "tg:1");
    EXPECT_NE(setup_log().find("folder team belongs to tg:1"), std::string::npos);
}

// Catalog 93-95: an existing CLAUDE.md is never replaced, not even on promotion to main.
TEST_F(RegisterStepTest, AnExistingClaudeMdIsKept) {
    ASSERT_EQ(register_chat("slack:1", "slack_main", {"--is-main"}), 0);
    tmp.write("root/groups/slack_main/CLAUDE.md", "# Gambi\n\nCustom persona");
    ASSERT_EQ(register_chat("slack:1", "slack_main", {"--is-main"}), 0);
    EXPECT_EQ(memory("slack_main"), "# Gambi\n\nCustom persona");
    ASSERT_EQ(register_chat("wa:casa", "whatsapp_casa"), 0);
    tmp.write("root/groups/whatsapp_casa/CLAUDE.md", "mine");
    ASSERT_EQ(register_chat("wa:casa", "whatsapp_casa", {"--is-main"}), 0);
    EXPECT_EQ(memory("whatsapp_casa"), "mine");
}

// Catalog 96, and the port's fallback: the root's templates first, then the shipped ones.
TEST_F(RegisterStepTest, TemplatesComeFromTheRootThenTheShareDirElseNoFile) {
    fs::remove(config.groups_dir / "global/CLAUDE.md");
    ASSERT_EQ(register_chat("d:1", "discord_general"), 0);
    EXPECT_EQ(memory("discord_general"), "# Andy\n\nYou are Andy, shipped global.\n");
    config.share_dir.clear();
    ASSERT_EQ(register_chat("d:2", "discord_other"), 0);
    EXPECT_TRUE(fs::is_directory(config.groups_dir / "discord_other/logs"));
    EXPECT_FALSE(fs::exists(config.groups_dir / "discord_other/CLAUDE.md"));
}

// Catalog 92 and 81: every groups/*/CLAUDE.md, the new copy included; .env gets the name.
TEST_F(RegisterStepTest, AnAssistantNameRenamesEveryGroupsMemoryAndDotEnv) {
    ASSERT_EQ(register_chat("wa:1", "whatsapp_main", {"--is-main"}), 0);
    ASSERT_EQ(register_chat("tg:1", "telegram_main", {"--is-main"}), 0);
    ASSERT_EQ(register_chat("sl:1", "slack_devs"), 0);
    ASSERT_EQ(register_chat("d:1", "discord_main", {"--is-main", "--assistant-name", "Luna"}), 0);
    EXPECT_NE(out.str().find("\nASSISTANT_NAME: Luna\nNAME_UPDATED: true\n"), std::string::npos);
    for (const char* folder :
         {"main", "global", "whatsapp_main", "telegram_main", "slack_devs", "discord_main"}) {
        const auto text = memory(folder);
        EXPECT_NE(text.find("# Luna\n"), std::string::npos) << folder;
        EXPECT_NE(text.find("You are Luna"), std::string::npos) << folder;
        EXPECT_EQ(text.find("Andy"), std::string::npos) << folder;
    }
    EXPECT_NE(memory("discord_main").find("Admin Context"), std::string::npos);
    EXPECT_EQ(memory("slack_devs").find("Admin Context"), std::string::npos);
    EXPECT_EQ(TempDir::read(tmp.path() / "share/groups/main/CLAUDE.md"),
              "# Andy\n\nYou are Andy, shipped main.\n"); // shipped files are never edited
    EXPECT_EQ(TempDir::read(config.root / ".env"), "ASSISTANT_NAME=\"Luna\"\n");
    EXPECT_EQ(fs::status(config.root / ".env").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
}

// Catalog 84: only "Andy" exactly means "no rename".
TEST_F(RegisterStepTest, AndyRenamesNothingButandyDoes) {
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", "Andy"}), 0);
    EXPECT_NE(out.str().find("\nNAME_UPDATED: false\n"), std::string::npos);
    EXPECT_EQ(memory("global"), k_global_template);
    EXPECT_FALSE(fs::exists(config.root / ".env"));
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", "andy"}), 0);
    EXPECT_NE(out.str().find("\nASSISTANT_NAME: andy\nNAME_UPDATED: true\n"), std::string::npos);
    EXPECT_EQ(memory("global"), "# andy\n\nYou are andy, a personal assistant.");
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", ""}), 0); // empty -> Andy
    EXPECT_NE(out.str().find("\nASSISTANT_NAME: Andy\nNAME_UPDATED: false\n"), std::string::npos);
}

// Catalog 79-80 with §19 #7's line-based edit; the file keeps its mode.
TEST_F(RegisterStepTest, DotEnvIsEditedLineByLine) {
    const auto env_file =
        tmp.write("root/.env", "SOME_KEY=value\nASSISTANT_NAME=\"Andy\"\nOTHER=test");
    fs::permissions(env_file, fs::perms::owner_read | fs::perms::owner_write);
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", "Nova"}), 0);
    EXPECT_EQ(TempDir::read(env_file), "SOME_KEY=value\nASSISTANT_NAME=\"Nova\"\nOTHER=test");
    EXPECT_EQ(fs::status(env_file).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);

    tmp.write("root/.env", "SOME_KEY=value");
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", "Nova"}), 0);
    EXPECT_EQ(TempDir::read(env_file), "SOME_KEY=value\nASSISTANT_NAME=\"Nova\"\n");

    // v1 saw the substring in the comment and then replaced nothing; a line is appended here.
    tmp.write("root/.env", "# ASSISTANT_NAME=old\nMY_ASSISTANT_NAME=x\n");
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", "$&"}), 0);
    EXPECT_EQ(TempDir::read(env_file),
              "# ASSISTANT_NAME=old\nMY_ASSISTANT_NAME=x\nASSISTANT_NAME=\"$&\"\n");
}

TEST_F(RegisterStepTest, ANameThatWouldBreakDotEnvIsRefused) {
    EXPECT_EQ(register_chat("tg:1", "team", {"--assistant-name", "Nova\nANTHROPIC_BASE_URL=x"}), 4);
    EXPECT_EQ(out.str(), failure("invalid_assistant_name"));
    EXPECT_FALSE(fs::exists(config.root / ".env"));
    EXPECT_FALSE(fs::exists(db_file()));
}

// The group folders are writable by containers: a planted link is not rewritten through.
TEST_F(RegisterStepTest, TheRenameNeverFollowsALinkInAGroupFolder) {
    const auto outside = tmp.write("outside.md", "# Andy\nYou are Andy");
    fs::create_directories(config.groups_dir / "evil");
    fs::create_symlink(outside, config.groups_dir / "evil/CLAUDE.md");
    ASSERT_EQ(register_chat("tg:1", "team", {"--assistant-name", "Nova"}), 0);
    EXPECT_EQ(TempDir::read(outside), "# Andy\nYou are Andy");
    EXPECT_EQ(memory("team"), "# Nova\n\nYou are Nova, a personal assistant.");
}

// §1.6 / §19 #1: stdout is the block alone; what happened is in logs/setup.log.
TEST_F(RegisterStepTest, StepsLogToSetupLogNotStdout) {
    ASSERT_EQ(register_chat("tg:1", "team", {"--channel", "telegram"}), 0);
    EXPECT_EQ(out.str().rfind("=== NANOCLAW SETUP: REGISTER_CHANNEL ===\n", 0), 0u);
    const auto log = setup_log();
    std::istringstream lines(log);
    std::string line;
    int count = 0;
    const std::regex shape(R"(^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[register\] .+$)");
    while (std::getline(lines, line)) {
        EXPECT_TRUE(std::regex_match(line, shape)) << line;
        ++count;
    }
    EXPECT_GE(count, 3);
    EXPECT_NE(log.find("registering tg:1"), std::string::npos);
    EXPECT_NE(log.find("created groups/team/CLAUDE.md from "), std::string::npos);
}

// §1.2 step 6: an unexpected failure is the generic block, exit 1.
TEST_F(RegisterStepTest, ADatabaseThatCannotOpenIsTheGenericFailure) {
    fs::create_directories(db_file());
    EXPECT_EQ(register_chat("tg:1", "team"), 1);
    EXPECT_EQ(
        out.str().rfind(
            "=== NANOCLAW SETUP: REGISTER ===\nSTATUS: failed\nERROR: Cannot open database", 0),
        0u)
        << out.str();
}

} // namespace
} // namespace nanoclaw::setup
