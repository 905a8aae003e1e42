// SPDX-License-Identifier: MIT
// The service definitions (spec 30 §8.2, §8.4, §8.5, §17.4; catalog I 105-114): golden files for
// the four texts, the escaping v1 lacked (§19 #12, #13), and systemd's own verdict on the unit.
// NANOCLAW_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
#include "nanoclaw/setup/service_files.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "nanoclaw/setup/command.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
using nanoclaw::testing::TempDir;

const ServiceLayout k_layout{"/usr/local/bin/nanoclawd", "/home/user/nanoclaw", "/home/user"};

fs::path golden_dir() {
    const char* source = std::getenv("NANOCLAW_SOURCE_DIR");
    if (source) return fs::path(source) / "tests/unit/setup/golden";
    return fs::path(__FILE__).parent_path() / "golden";
}

void expect_golden(const std::string& name, const std::string& text) {
    const auto file = golden_dir() / name;
    if (std::getenv("NANOCLAW_UPDATE_GOLDEN")) std::ofstream(file, std::ios::binary) << text;
    ASSERT_TRUE(fs::exists(file)) << file;
    EXPECT_EQ(text, TempDir::read(file)) << "differs from " << file;
}

std::string line_after(const std::string& text, const std::string& line) {
    const auto at = text.find(line + "\n");
    if (at == std::string::npos) return "<absent>";
    const auto start = at + line.size() + 1;
    return text.substr(start, text.find('\n', start) - start);
}

TEST(ServiceFilesTest, UserUnitMatchesGolden) {
    expect_golden("nanoclaw.user.service", systemd_unit(k_layout, {UnitScope::user, true}));
}

TEST(ServiceFilesTest, SystemUnitMatchesGolden) {
    expect_golden("nanoclaw.system.service", systemd_unit(k_layout, {UnitScope::system, true}));
}

TEST(ServiceFilesTest, PlistMatchesGolden) {
    expect_golden("com.nanoclaw.plist", launchd_plist(k_layout));
}

TEST(ServiceFilesTest, NohupScriptMatchesGolden) {
    expect_golden("start-nanoclaw.sh", nohup_script(k_layout));
}

// Catalog 105-108 with the port's ProgramArguments (the binary, --root, the root).
TEST(ServiceFilesTest, PlistKeepsTheLabelBinaryAndLogFiles) {
    const auto plist =
        launchd_plist({"/opt/nanoclaw/bin/nanoclawd", "/home/user/nanoclaw", "/home/user"});
    EXPECT_NE(plist.find("<string>com.nanoclaw</string>"), std::string::npos);
    EXPECT_NE(plist.find("<string>/opt/nanoclaw/bin/nanoclawd</string>\n"
                         "        <string>--root</string>\n"
                         "        <string>/home/user/nanoclaw</string>"),
              std::string::npos);
    EXPECT_NE(plist.find("<string>/home/user/nanoclaw/logs/nanoclaw.log</string>"),
              std::string::npos);
    EXPECT_NE(plist.find("<string>/home/user/nanoclaw/logs/nanoclaw.error.log</string>"),
              std::string::npos);
    EXPECT_NE(plist.find("<string>/usr/local/bin:/usr/bin:/bin:/home/user/.local/bin</string>"),
              std::string::npos);
}

// Catalog 109-113, with the changes: Type=notify, Restart=on-failure.
TEST(ServiceFilesTest, UnitTargetsRestartAndKillMode) {
    const auto user = systemd_unit(k_layout, {UnitScope::user, true});
    const auto system = systemd_unit({"/usr/local/bin/nanoclawd", "/srv/nanoclaw", "/home/user"},
                                     {UnitScope::system, true});
    EXPECT_NE(user.find("\nWantedBy=default.target\n"), std::string::npos);
    EXPECT_NE(system.find("\nWantedBy=multi-user.target\n"), std::string::npos);
    for (const auto& unit : {user, system}) {
        EXPECT_NE(unit.find("\nType=notify\nNotifyAccess=main\n"), std::string::npos);
        EXPECT_NE(unit.find("\nRestart=on-failure\n"), std::string::npos);
        EXPECT_EQ(line_after(unit, "RestartSec=5"), "KillMode=process");
        EXPECT_NE(unit.find("\nWatchdogSec=60\n"), std::string::npos);
        EXPECT_NE(unit.find("\nStandardOutput=journal\n"), std::string::npos);
    }
    EXPECT_NE(system.find("\nExecStart=/usr/local/bin/nanoclawd --root /srv/nanoclaw\n"),
              std::string::npos);
    EXPECT_NE(system.find("\nWorkingDirectory=/srv/nanoclaw\n"), std::string::npos);
    EXPECT_NE(system.find("\nEnvironment=NANOCLAW_LOG_FILE=/srv/nanoclaw/logs/nanoclaw.log\n"),
              std::string::npos);
}

// Mount namespaces only in the system unit (a user manager may not be allowed to create them).
TEST(ServiceFilesTest, OnlyTheSystemUnitUsesMountNamespaces) {
    const auto user = systemd_unit(k_layout, {UnitScope::user, true});
    const auto system = systemd_unit(k_layout, {UnitScope::system, true});
    EXPECT_EQ(user.find("ProtectSystem="), std::string::npos);
    EXPECT_EQ(user.find("PrivateTmp="), std::string::npos);
    EXPECT_NE(user.find("\nNoNewPrivileges=yes\n"), std::string::npos);
    EXPECT_NE(
        system.find(
            "\nProtectSystem=strict\nReadWritePaths=/home/user/nanoclaw -/home/user/.docker\n"),
        std::string::npos);
    EXPECT_NE(system.find("\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"),
              std::string::npos);
}

TEST(ServiceFilesTest, NoSandboxWhenTheRuntimeRunsContainersInsideTheService) {
    const auto unit = systemd_unit(k_layout, {UnitScope::system, false});
    EXPECT_EQ(unit.find("NoNewPrivileges"), std::string::npos);
    EXPECT_EQ(unit.find("ProtectSystem"), std::string::npos);
    EXPECT_NE(unit.find("Type=notify"), std::string::npos);
}

// §19 #12: v1 wrote `ExecStart=/usr/bin/node /my root/dist/index.js`, two words too many.
TEST(ServiceFilesTest, ExecStartWordsAreQuotedPerSystemdRules) {
    EXPECT_EQ(systemd_exec_word("/usr/bin/nanoclawd"), "/usr/bin/nanoclawd");
    EXPECT_EQ(systemd_exec_word("/my root"), "\"/my root\"");
    EXPECT_EQ(systemd_exec_word("/a\"b\\c d"), "\"/a\\\"b\\\\c d\"");
    EXPECT_EQ(systemd_exec_word("/100%/$HOME"), "/100%%/$$HOME");
    EXPECT_EQ(systemd_exec_word(""), "\"\"");
    const auto unit = systemd_unit({"/opt/nano claw/nanoclawd", "/srv/50% done", "/home/a b"},
                                   {UnitScope::system, true});
    EXPECT_NE(unit.find("\nExecStart=\"/opt/nano claw/nanoclawd\" --root \"/srv/50%% done\"\n"),
              std::string::npos);
    EXPECT_NE(unit.find("\nWorkingDirectory=/srv/50%% done\n"), std::string::npos);
    EXPECT_NE(unit.find("\nEnvironment=\"HOME=/home/a b\"\n"), std::string::npos);
    EXPECT_NE(unit.find("\nReadWritePaths=\"/srv/50%% done\" \"-/home/a b/.docker\"\n"),
              std::string::npos);
}

TEST(ServiceFilesTest, PlistStringsAreXmlEscaped) {
    EXPECT_EQ(xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    const auto plist = launchd_plist({"/Apps/R&D/nanoclawd", "/Users/x/<root>", "/Users/x"});
    EXPECT_NE(plist.find("<string>/Apps/R&amp;D/nanoclawd</string>"), std::string::npos);
    EXPECT_NE(plist.find("<string>/Users/x/&lt;root&gt;</string>"), std::string::npos);
    EXPECT_EQ(plist.find("R&D"), std::string::npos);
}

// §19 #13: inside single quotes nothing expands; a quote in a path is closed, escaped, reopened.
TEST(ServiceFilesTest, ScriptPathsAreSingleQuoted) {
    EXPECT_EQ(shell_quote("/a b/$(rm -rf x)`y`"), "'/a b/$(rm -rf x)`y`'");
    EXPECT_EQ(shell_quote("/it's"), "'/it'\\''s'");
    const auto script =
        nohup_script({"/opt/$bin/nanoclawd", "/home/o'neil/nano claw", "/home/o'neil"});
    EXPECT_NE(script.find("\nROOT='/home/o'\\''neil/nano claw'\n"), std::string::npos);
    EXPECT_NE(script.find("\nDAEMON='/opt/$bin/nanoclawd'\n"), std::string::npos);
}

TEST(ServiceFilesTest, ControlCharactersAreDetected) {
    EXPECT_FALSE(has_control_character("/home/user/nano claw"));
    EXPECT_TRUE(has_control_character("/home/user\n[Service]"));
    EXPECT_TRUE(has_control_character("/a\tb"));
}

// Catalog 114 and 282-283 in part: the script is valid bash (running it needs a real nanoclawd).
TEST(ServiceFilesTest, ScriptIsValidBash) {
    TempDir dir;
    const auto script = dir.write(
        "start-nanoclaw.sh", nohup_script({"/opt/x/nanoclawd", "/home/o'neil/nano claw", "/h"}));
    core::EnvMap env{{"PATH", "/usr/bin:/bin"}};
    const auto r =
        run_program(CommandSpec{{"bash", "-n", script.string()}, &env, {}, std::nullopt});
    ASSERT_TRUE(r.started) << r.err;
    EXPECT_TRUE(r.ok()) << r.err;
    const auto text = TempDir::read(script);
    EXPECT_EQ(text.rfind("#!/bin/bash\n", 0), 0u);
    EXPECT_NE(text.find("nohup \"$DAEMON\" --root \"$ROOT\""), std::string::npos);
    EXPECT_NE(text.find("nanoclaw.pid"), std::string::npos);
    EXPECT_EQ(text.find("pkill"), std::string::npos);
}

// `systemd-analyze verify` on both units, with paths that need quoting. It checks that the
// ExecStart binary exists, so the unit names this test's own executable.
TEST(ServiceFilesTest, SystemdAnalyzeVerifyAcceptsTheUnits) {
    core::EnvMap env{{"PATH", "/usr/bin:/bin:/usr/sbin:/sbin"}};
    if (!find_program("systemd-analyze", env)) {
        GTEST_SKIP() << "systemd-analyze is not installed (Debian: apt-get install systemd)";
    }
    TempDir dir;
    const auto root = dir.path() / "my root 100%";
    fs::create_directories(root / "logs");
    const ServiceLayout layout{fs::canonical("/proc/self/exe"), root, dir.path()};
    for (const auto scope : {UnitScope::system, UnitScope::user}) {
        const auto unit = dir.write("units/nanoclaw.service", systemd_unit(layout, {scope, true}));
        std::vector<std::string> argv{"systemd-analyze"};
        if (scope == UnitScope::user) argv.push_back("--user");
        argv.insert(argv.end(), {"verify", unit.string()});
        env["HOME"] = dir.path().string();
        env["XDG_RUNTIME_DIR"] = dir.path().string(); // --user wants one, even offline
        const auto r = run_program(CommandSpec{argv, &env, {}, std::nullopt});
        EXPECT_TRUE(r.ok()) << (scope == UnitScope::user ? "user" : "system") << " unit:\n"
                            << r.out << r.err;
        EXPECT_EQ(r.err.find("nanoclaw.service:"), std::string::npos) << r.err;
    }
}

} // namespace
} // namespace nanoclaw::setup
