// SPDX-License-Identifier: MIT
// One agent run set up the way a Docker Sandbox runs nanoclaw (issue 14 item 4, spec 20 §11):
// every https request leaves through HTTPS_PROXY, a CONNECT proxy that intercepts TLS with a CA of
// its own and swaps the placeholder key `proxy-managed` for the real one; the CA reaches the
// daemon through NODE_EXTRA_CA_CERTS/SSL_CERT_FILE, and `.env` says NANOCLAW_DOCKER_SANDBOX=1.
// Loopback and IP literals only: no name is ever looked up.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "connect_proxy.hpp"
#include "daemon_harness.hpp"
#include "fake_upstream.hpp"
#include "temp_dir.hpp"
#include "test_ca.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* k_placeholder_key = "proxy-managed";
constexpr const char* k_real_key = "sk-ant-sandbox-real-key-7";

// True when `argv` has `flag` immediately followed by `value`.
bool has_pair(const std::vector<std::string>& argv, const std::string& flag,
              const std::string& value) {
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
        if (argv[i] == flag && argv[i + 1] == value) return true;
    }
    return false;
}

// The runtime CLI's environment during the first `run` (the fake records it).
json first_run_env(const fs::path& root) {
    std::ifstream in(root / "runtime-record.jsonl");
    for (std::string line; std::getline(in, line);) {
        const auto entry = json::parse(line, nullptr, false);
        if (entry.is_object() && entry["argv"].is_array() && entry["argv"][0] == "run")
            return entry["env"];
    }
    return json::object();
}

std::string own_hostname() {
    std::array<char, 256> buf{};
    return gethostname(buf.data(), buf.size() - 1) == 0 ? std::string(buf.data()) : std::string();
}

class DockerSandboxTest : public ::testing::Test {
  protected:
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }

    TempDir ca_dir_; // outside the root, like the sandbox's own CA file
    TestCa ca_ = make_test_ca(ca_dir_.path(), "IP:127.0.0.1,IP:::1");
    FakeUpstream anthropic_{
        [](UpstreamExchange& ex) {
            while (ex.read_request())
                ex.respond(200, R"({"content":[{"type":"text","text":"via the sandbox"}]})",
                           "Content-Type: application/json\r\n");
        },
        &ca_};
    FakeConnectProxy sandbox_proxy_{MitmOptions{
        ca_, ca_, std::make_pair(std::string(k_placeholder_key), std::string(k_real_key))}};
    TempDir dir_;
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(DockerSandboxTest, ARunGoesThroughTheInterceptingProxyWithThePlaceholderKey) {
    const auto upstream = "127.0.0.1:" + std::to_string(anthropic_.port());
    const auto proxy_url = "http://127.0.0.1:" + std::to_string(sandbox_proxy_.port());
    // The guide's `.env`: the placeholder key and the sandbox flag, nothing else secret.
    dir_.write(".env", std::string("ANTHROPIC_API_KEY=") + k_placeholder_key +
                           "\nANTHROPIC_BASE_URL=https://" + upstream +
                           "\nNANOCLAW_DOCKER_SANDBOX=1\n");
    // What the sandbox puts in every process's environment.
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(), std::map<std::string, std::string>{
                         {"HTTPS_PROXY", proxy_url},
                         {"HTTP_PROXY", proxy_url},
                         {"https_proxy", proxy_url},
                         {"NODE_EXTRA_CA_CERTS", ca_.ca_cert.string()},
                         {"SSL_CERT_FILE", ca_.ca_cert.string()},
                         {"NANOCLAW_PREFLIGHT", "on"},
                         {"FAKE_RUNTIME_MODE", "api"},
                         {"FAKE_RUNTIME_API_ATTEMPTS", "3"},
                         {"FAKE_RUNTIME_API_BACKOFF_MS", "100"},
                         // A leftover agent, and the sandbox's own container if it matches.
                         {"FAKE_RUNTIME_PS", own_hostname() + ",nanoclaw-main-1"}});
    daemon_->start();

    ChatClient chat(daemon_->socket());
    ASSERT_TRUE(chat.say("main", "hello sandbox"));
    const auto reply = chat.next_reply(15s);
    ASSERT_TRUE(reply) << "no reply through the sandbox proxy";
    EXPECT_EQ(*reply, "api: via the sandbox");

    // The credential proxy tunnelled to the IP literal and sent the placeholder key inside TLS
    // the sandbox proxy could read; upstream got the swapped key and the prompt.
    const auto targets = sandbox_proxy_.targets();
    ASSERT_FALSE(targets.empty());
    for (const auto& t : targets)
        EXPECT_EQ(t, upstream);
    const auto seen = sandbox_proxy_.intercepted();
    const auto message = std::find_if(seen.begin(), seen.end(), [](const RecordedRequest& r) {
        return r.method == "POST" && r.target == "/v1/messages";
    });
    ASSERT_NE(message, seen.end());
    EXPECT_EQ(message->get("x-api-key"), k_placeholder_key);
    EXPECT_NE(message->body.find("hello sandbox"), std::string::npos);
    const auto got = anthropic_.requests();
    ASSERT_FALSE(got.empty());
    for (const auto& r : got)
        EXPECT_EQ(r.get("x-api-key"), k_real_key) << r.target;
    // The start-up check went the same way and was accepted.
    EXPECT_NE(daemon_->log().find("upstream preflight ok"), std::string::npos);

    const auto runs = daemon_->runs();
    ASSERT_EQ(runs.size(), 1u);
    const auto& argv = runs[0];
    const auto data = dir_.path() / "data";
    // The CA: copied into the project tree, mounted read-only, named to Node in the container.
    EXPECT_EQ(TempDir::read(data / "ca-cert" / "proxy-ca.crt"), TempDir::read(ca_.ca_cert));
    EXPECT_TRUE(has_pair(argv, "-v", (data / "ca-cert").string() + ":/workspace/ca-cert:ro"));
    EXPECT_TRUE(has_pair(argv, "-e", "NODE_EXTRA_CA_CERTS=/workspace/ca-cert/proxy-ca.crt"));
    // The `.env` shadow is an empty file under data/, never /dev/null.
    EXPECT_TRUE(
        has_pair(argv, "-v", (data / "empty-env").string() + ":/workspace/project/.env:ro"));
    ASSERT_TRUE(fs::is_regular_file(data / "empty-env"));
    EXPECT_EQ(fs::file_size(data / "empty-env"), 0u);
    for (const auto& a : argv)
        EXPECT_EQ(a.find("/dev/null"), std::string::npos) << a;
    // Proxy variables go to the container by name, values through the CLI's environment; the
    // credential proxy's host is exempt so the agent's own API calls stay direct.
    for (const char* name : {"HTTP_PROXY", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"})
        EXPECT_TRUE(has_pair(argv, "-e", name)) << name;
    const auto cli_env = first_run_env(dir_.path());
    EXPECT_EQ(cli_env.value("HTTPS_PROXY", ""), proxy_url);
    EXPECT_EQ(cli_env.value("NO_PROXY", ""), "host.docker.internal");
    EXPECT_EQ(cli_env.value("no_proxy", ""), "host.docker.internal");
    // The container sees only the placeholder of the credential proxy, never `.env`'s value.
    EXPECT_TRUE(has_pair(argv, "-e", "ANTHROPIC_API_KEY=placeholder"));
    for (const auto& a : argv)
        EXPECT_EQ(a.find(k_placeholder_key), std::string::npos) << a;

    // Orphan cleanup stopped the leftover agent and never this host's own container (that
    // check bites where the host name starts with nanoclaw-, as a sandbox's can).
    const auto commands = daemon_->commands();
    for (const auto& cmd : commands) {
        if (cmd.front() == "stop") {
            EXPECT_NE(cmd.back(), own_hostname());
        }
    }
    EXPECT_TRUE(std::any_of(commands.begin(), commands.end(), [](const auto& c) {
        return c.front() == "stop" && c.back() == "nanoclaw-main-1";
    }));
    EXPECT_EQ(daemon_->terminate(), 0);
}

} // namespace
} // namespace nanoclaw::testing
