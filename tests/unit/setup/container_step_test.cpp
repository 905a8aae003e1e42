// SPDX-License-Identifier: MIT
// `setup --step container` (spec 30 §4; catalogue E 42-50) against a stub docker.
#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

using testing_support::StepTest;
namespace fs = std::filesystem;

class ContainerStepTest : public StepTest {
  protected:
    ContainerStepTest() { config.container_image = "nanoclaw-agent:latest"; }
    // A docker whose build and run behave as scripted; it records its cwd for `build` and its stdin for `run`.
    void docker(const std::string& info = "exit 0", const std::string& build = "exit 0",
                const std::string& run_out = "echo \"$7\"") {
        stub("docker", "case \"$1\" in\n"
                       "  info) " + info + " ;;\n"
                       "  build) echo \"cwd $(pwd)\" >> \"$CALLS\"; " + build + " ;;\n"
                       "  run) read -r line; echo \"stdin $line\" >> \"$CALLS\"; " + run_out + " ;;\n"
                       "esac");
    }
};

TEST_F(ContainerStepTest, MissingOrValuelessRuntimeFlag) {
    EXPECT_EQ(run("container"), 4);
    EXPECT_EQ(out.str(), "=== NANOCLAW SETUP: SETUP_CONTAINER ===\nRUNTIME: unknown\nIMAGE: nanoclaw-agent:latest\n"
                         "BUILD_OK: false\nTEST_OK: false\nSTATUS: failed\nERROR: missing_runtime_flag\n"
                         "LOG: logs/setup.log\n=== END ===\n");
    EXPECT_EQ(run("container", {"--runtime"}), 4);
    EXPECT_EQ(field("ERROR"), "missing_runtime_flag");
}

TEST_F(ContainerStepTest, UnknownRuntime) {
    docker();
    EXPECT_EQ(run("container", {"--runtime", "podman"}), 4);
    EXPECT_EQ(field("RUNTIME"), "podman");
    EXPECT_EQ(field("ERROR"), "unknown_runtime");
    EXPECT_TRUE(calls().empty());
}

TEST_F(ContainerStepTest, RuntimeNotAvailable) {
    EXPECT_EQ(run("container", {"--runtime", "docker"}), 2);
    EXPECT_EQ(field("ERROR"), "runtime_not_available");
    EXPECT_NE(err.str().find("apt-get install docker.io"), std::string::npos) << err.str();
    docker("exit 1");
    EXPECT_EQ(run("container", {"--runtime", "docker"}), 2);
    EXPECT_EQ(field("ERROR"), "runtime_not_available");
    EXPECT_NE(err.str().find("usermod -aG docker"), std::string::npos) << err.str();
    EXPECT_EQ(run("container", {"--runtime", "apple-container"}), 2) << "no `container` command";
}

TEST_F(ContainerStepTest, BuildsInTheShippedContextAndSmokeTests) {
    docker();
    EXPECT_EQ(run("container", {"--runtime", "docker"}), 0);
    EXPECT_EQ(field("BUILD_OK"), "true");
    EXPECT_EQ(field("TEST_OK"), "true");
    EXPECT_EQ(field("STATUS"), "success");
    EXPECT_EQ(field("ERROR"), "<absent>");
    const std::vector<std::string> expected{
        "docker info", "docker build -t nanoclaw-agent:latest .", "cwd " + (config.share_dir / "container").string(),
        "docker run -i --rm --entrypoint /bin/echo nanoclaw-agent:latest Container OK", "stdin {}"};
    EXPECT_EQ(calls(), expected);
}

TEST_F(ContainerStepTest, ProxyAndBaseImageBuildArgsAsBuildSh) {
    docker();
    env["HTTPS_PROXY"] = "http://127.0.0.1:3128";
    env["http_proxy"] = "http://127.0.0.1:3129";
    env["NO_PROXY"] = "localhost";
    env["BASE_IMAGE"] = "nanoclaw-base:local";
    config.container_image = "my-agent:dev";
    EXPECT_EQ(run("container", {"--runtime", "docker"}), 0);
    EXPECT_EQ(field("IMAGE"), "my-agent:dev") << "the image the daemon runs";
    EXPECT_EQ(calls().at(1), "docker build -t my-agent:dev --build-arg BASE_IMAGE=nanoclaw-base:local "
                             "--build-arg http_proxy=http://127.0.0.1:3129 --build-arg https_proxy=http://127.0.0.1:3128 "
                             "--build-arg no_proxy=localhost --build-arg npm_config_strict_ssl=false .");
}

TEST_F(ContainerStepTest, FailedBuildSkipsTheTest) {
    docker("exit 0", "echo 'pull access denied for node'; exit 1");
    EXPECT_EQ(run("container", {"--runtime", "docker"}), 1);
    EXPECT_EQ(field("BUILD_OK"), "false");
    EXPECT_EQ(field("TEST_OK"), "false");
    EXPECT_EQ(field("STATUS"), "failed");
    EXPECT_EQ(calls().size(), 3u) << "no run after a failed build";
    EXPECT_NE(read(config.root / "logs/setup.log").find("pull access denied"), std::string::npos);
    EXPECT_NE(err.str().find("ensure-images.sh"), std::string::npos) << err.str();
}

TEST_F(ContainerStepTest, ImageThatDoesNotEchoFailsTheTest) {
    docker("exit 0", "exit 0", "echo something else");
    EXPECT_EQ(run("container", {"--runtime", "docker"}), 1);
    EXPECT_EQ(field("BUILD_OK"), "true");
    EXPECT_EQ(field("TEST_OK"), "false");
    EXPECT_EQ(field("STATUS"), "failed");
}

} // namespace
} // namespace nanoclaw::setup
