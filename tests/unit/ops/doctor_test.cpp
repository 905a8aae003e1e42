// SPDX-License-Identifier: MIT
// doctor's checks on a temp root with a fake `docker` first on PATH: each problem is found and
// names the command that fixes it.
#include "nanoclaw/ops/doctor.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include <gtest/gtest.h>

#include "fake_telegram.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::ops {
namespace {

using testing::TempDir;

// Answers `info` and `image inspect` the way Docker does; FAKE_INFO and FAKE_IMAGES steer it.
constexpr const char* k_fake_docker = R"(#!/bin/sh
case "$1" in
info)
  if [ "$FAKE_INFO" = fail ]; then
    # Docker 28's client prints its own half on stdout, ending in "Server:", before the error.
    printf 'Client:\n Version: 28.2.2\n\nServer:\n'
    echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
    exit 1
  fi
  if [ "$FAKE_INFO" = denied ]; then
    echo "permission denied while trying to connect to the Docker daemon socket" >&2
    exit 1
  fi
  echo " Server Version: 27.0.1"
  exit 0 ;;
image)
  for a; do last=$a; done
  case ",$FAKE_IMAGES," in *",$last,"*) echo sha256:1; exit 0 ;; esac
  echo "Error: No such image: $last" >&2
  exit 1 ;;
esac
exit 2
)";

class DoctorTest : public ::testing::Test {
  protected:
    DoctorTest() {
        dir_.write("home/.keep", "");
        const auto docker = dir_.write("bin/docker", k_fake_docker);
        ::chmod(docker.c_str(), 0755);
        env_ = {{"HOME", (dir_.path() / "home").string()},
                {"PATH", (dir_.path() / "bin").string() + ":/usr/bin:/bin"},
                {"FAKE_IMAGES", "nanoclaw-agent:latest"},
                {"DOCKER_HOST", "unix://" + (dir_.path() / "docker.sock").string()},
                {"NANOCLAW_CONTAINER_NETWORK", "host"}};
        options_.offline = true;
    }

    std::vector<Check> run() {
        const auto config = core::load_config(dir_.path(), env_);
        return run_checks(config, env_, options_);
    }

    Check check(const std::vector<Check>& checks, std::string_view name) {
        const Check* c = find_check(checks, name);
        return c ? *c : Check{"missing:" + std::string(name), CheckStatus::skip, "", ""};
    }

    TempDir dir_;
    core::EnvMap env_;
    DoctorOptions options_;
};

TEST_F(DoctorTest, MissingRuntimeSaysHowToInstallIt) {
    std::filesystem::remove(dir_.path() / "bin/docker");
    env_["PATH"] = (dir_.path() / "bin").string();
    const auto checks = run();
    const auto runtime = check(checks, "runtime");
    EXPECT_EQ(runtime.status, CheckStatus::fail);
    EXPECT_NE(runtime.detail.find("docker is not installed"), std::string::npos);
    EXPECT_NE(runtime.fix.find("apt-get install docker.io"), std::string::npos);
    EXPECT_EQ(check(checks, "image").status, CheckStatus::skip);
    EXPECT_EQ(doctor_exit_code(checks), 1);
}

TEST_F(DoctorTest, StoppedRuntimeSaysHowToStartIt) {
    env_["FAKE_INFO"] = "fail";
    const auto runtime = check(run(), "runtime");
    EXPECT_EQ(runtime.status, CheckStatus::fail);
    EXPECT_NE(runtime.detail.find("Is the docker daemon running?"), std::string::npos);
    EXPECT_EQ(runtime.fix, "sudo systemctl start docker");
}

TEST_F(DoctorTest, DeniedSocketNamesTheDockerGroup) {
    env_["FAKE_INFO"] = "denied";
    const auto runtime = check(run(), "runtime");
    EXPECT_EQ(runtime.status, CheckStatus::fail);
    EXPECT_NE(runtime.fix.find("sudo usermod -aG docker $USER"), std::string::npos);
}

TEST_F(DoctorTest, MissingImageNamesTheBuildCommand) {
    env_["FAKE_IMAGES"] = "";
    auto image = check(run(), "image");
    EXPECT_EQ(image.status, CheckStatus::fail);
    EXPECT_NE(image.detail.find("nanoclaw-agent:latest is not present"), std::string::npos);
    EXPECT_NE(image.fix.find("bash "), std::string::npos);
    EXPECT_NE(image.fix.find("container/build.sh"), std::string::npos);

    env_["CONTAINER_IMAGE"] = "nanoclaw-agent:v2";
    image = check(run(), "image");
    EXPECT_EQ(image.fix.substr(image.fix.size() - 3), " v2");

    env_["FAKE_IMAGES"] = "nanoclaw-agent:v2";
    EXPECT_EQ(check(run(), "image").status, CheckStatus::ok);
}

TEST_F(DoctorTest, DockerSocketPermissions) {
    const auto socket = dir_.write("docker.sock", "");
    ::chmod(socket.c_str(), 0600);
    EXPECT_EQ(check(run(), "docker_socket").status, CheckStatus::ok);
    if (::geteuid() == 0) GTEST_SKIP() << "root may open any file";
    ::chmod(socket.c_str(), 0);
    const auto denied = check(run(), "docker_socket");
    EXPECT_EQ(denied.status, CheckStatus::fail);
    EXPECT_NE(denied.fix.find("usermod -aG"), std::string::npos);
}

TEST_F(DoctorTest, MissingCredentialsNameTheEnvFile) {
    auto checks = run();
    const auto creds = check(checks, "credentials");
    EXPECT_EQ(creds.status, CheckStatus::fail);
    EXPECT_NE(creds.fix.find("ANTHROPIC_API_KEY="), std::string::npos);
    EXPECT_NE(creds.fix.find("CLAUDE_CODE_OAUTH_TOKEN="), std::string::npos);
    EXPECT_NE(creds.fix.find((dir_.path() / ".env").string()), std::string::npos);
    EXPECT_EQ(check(checks, "api").status, CheckStatus::skip);

    dir_.write(".env", "ANTHROPIC_API_KEY=sk-ant-test-key\n");
    checks = run();
    EXPECT_EQ(check(checks, "credentials").status, CheckStatus::ok);
    EXPECT_EQ(check(checks, "api").detail, "--offline");
}

TEST_F(DoctorTest, EnvFileReadableByOthersIsAWarningWithTheChmod) {
    EXPECT_EQ(check(run(), "env_file").status, CheckStatus::skip); // no .env yet
    const auto env_file = dir_.write(".env", "ANTHROPIC_API_KEY=sk-ant-test-key\n");
    ::chmod(env_file.c_str(), 0644);
    const auto loose = check(run(), "env_file");
    EXPECT_EQ(loose.status, CheckStatus::warn);
    EXPECT_NE(loose.detail.find("(mode 0644)"), std::string::npos) << loose.detail;
    EXPECT_NE(loose.fix.find("chmod 600 " + env_file.string()), std::string::npos) << loose.fix;
    EXPECT_EQ(loose.detail.find("sk-ant-test-key"), std::string::npos);
    ::chmod(env_file.c_str(), 0600);
    EXPECT_EQ(check(run(), "env_file").status, CheckStatus::ok);
}

TEST_F(DoctorTest, BrokenAllowlistsAreFailures) {
    dir_.write("home/.config/nanoclaw/mount-allowlist.json", "{not json");
    dir_.write("home/.config/nanoclaw/sender-allowlist.json", "[1, 2]");
    auto checks = run();
    const auto mounts = check(checks, "mount_allowlist");
    EXPECT_EQ(mounts.status, CheckStatus::fail);
    EXPECT_NE(mounts.fix.find("nanoclaw setup --step mounts --empty"), std::string::npos);
    EXPECT_EQ(check(checks, "sender_allowlist").status, CheckStatus::fail);

    dir_.write(
        "home/.config/nanoclaw/mount-allowlist.json",
        R"({"allowedRoots":[{"path":"~/nowhere"}],"blockedPatterns":[],"nonMainReadOnly":true})");
    dir_.write("home/.config/nanoclaw/sender-allowlist.json",
               R"({"default":{"allow":"*","mode":"trigger"},"chats":{}})");
    checks = run();
    EXPECT_EQ(check(checks, "mount_allowlist").status, CheckStatus::warn);
    EXPECT_NE(check(checks, "mount_allowlist").detail.find("~/nowhere"), std::string::npos);
    EXPECT_EQ(check(checks, "sender_allowlist").status, CheckStatus::ok);

    // A root that contains the project root (or lies inside it) would expose .env and the DB.
    dir_.write("home/.config/nanoclaw/mount-allowlist.json",
               R"({"allowedRoots":[{"path":")" + dir_.path().string() +
                   R"(","allowReadWrite":true}],"blockedPatterns":[],"nonMainReadOnly":true})");
    const auto unsafe = check(run(), "mount_allowlist");
    EXPECT_EQ(unsafe.status, CheckStatus::warn);
    EXPECT_NE(unsafe.detail.find("is the project root"), std::string::npos) << unsafe.detail;
    EXPECT_NE(unsafe.fix.find("narrower roots"), std::string::npos);
}

TEST_F(DoctorTest, LoopbackProxyAddressIsUnreachableFromABridge) {
    env_["CREDENTIAL_PROXY_HOST"] = "127.0.0.1";
    env_.erase("NANOCLAW_CONTAINER_NETWORK");
    if (std::filesystem::exists("/proc/sys/fs/binfmt_misc/WSLInterop")) GTEST_SKIP() << "WSL";
    const auto proxy = check(run(), "proxy");
    EXPECT_EQ(proxy.status, CheckStatus::fail);
    EXPECT_NE(proxy.fix.find("NANOCLAW_CONTAINER_NETWORK=host"), std::string::npos);

    env_["NANOCLAW_CONTAINER_NETWORK"] = "host";
    EXPECT_NE(check(run(), "proxy").status, CheckStatus::fail);
}

TEST_F(DoctorTest, NoChannelAtAllIsAFailure) {
    env_["LOCAL_CHANNEL"] = "off";
    const auto checks = run();
    const auto channels = check(checks, "channels");
    EXPECT_EQ(channels.status, CheckStatus::fail);
    EXPECT_NE(channels.fix.find("TELEGRAM_BOT_TOKEN"), std::string::npos);
}

TEST_F(DoctorTest, RejectedTelegramTokenSaysWhereToGetOne) {
    testing::FakeTelegram bot("123456:REAL-token");
    dir_.write(".env", "TELEGRAM_BOT_TOKEN=123456:WRONG-token\n");
    env_["TELEGRAM_API_BASE_URL"] = bot.base_url();
    options_.offline = false;
    env_["NANOCLAW_PREFLIGHT"] = "off"; // the API check stays off the network
    auto telegram = check(run(), "channel:telegram");
    EXPECT_EQ(telegram.status, CheckStatus::fail);
    EXPECT_NE(telegram.fix.find("@BotFather"), std::string::npos);

    dir_.write(".env", "TELEGRAM_BOT_TOKEN=123456:REAL-token\n");
    telegram = check(run(), "channel:telegram");
    EXPECT_EQ(telegram.status, CheckStatus::ok) << telegram.detail;
}

TEST_F(DoctorTest, ReportShowsEachFixAndJsonHasEveryCheck) {
    env_["FAKE_IMAGES"] = "";
    const auto checks = run();
    std::ostringstream text;
    print_checks(checks, text);
    EXPECT_NE(text.str().find("FAIL  image"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("fix: "), std::string::npos);
    EXPECT_NE(text.str().find(" problems, "), std::string::npos);

    const auto json = checks_json(checks);
    EXPECT_FALSE(json["ok"].get<bool>());
    ASSERT_EQ(json["checks"].size(), checks.size());
    for (const auto& c : json["checks"]) {
        EXPECT_TRUE(c.contains("name") && c.contains("status") && c.contains("detail"));
        if (c["status"] == "fail") {
            EXPECT_FALSE(c.value("fix", std::string()).empty()) << c.dump();
        }
    }
}

} // namespace
} // namespace nanoclaw::ops
