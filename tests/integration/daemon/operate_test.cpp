// SPDX-License-Identifier: MIT
// Issue 14 item 3, black-box: `nanoclaw status` and `nanoclaw doctor` against a running nanoclawd
// with the fake runtime, a fake Anthropic upstream on loopback, and a root missing the image and
// the credentials.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <sys/wait.h>

#include <cstdio>

#include "daemon_harness.hpp"
#include "fake_upstream.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct CliResult {
    int exit_code = -1;
    std::string out;
};

class OperateTest : public ::testing::Test {
  protected:
    void TearDown() override {
        if (HasFailure() && daemon_)
            std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    }

    // The environment a user's shell would give the CLI: the daemon's, so both see one runtime.
    std::map<std::string, std::string> env() const {
        std::map<std::string, std::string> e{
            {"HOME", (dir_.path() / "home").string()},
            {"PATH", "/usr/local/bin:/usr/bin:/bin"},
            {"NANOCLAW_ROOT", dir_.path().string()},
            {"CONTAINER_RUNTIME_BIN", fake_runtime_path().string()},
            {"FAKE_RUNTIME_RECORD", (dir_.path() / "runtime-record.jsonl").string()},
            {"FAKE_RUNTIME_STATE", (dir_.path() / "runtime-state").string()},
            {"CREDENTIAL_PROXY_PORT", "0"},
            {"CREDENTIAL_PROXY_HOST", "127.0.0.1"},
            // Containers share the host's loopback, where the proxy listens in tests.
            {"NANOCLAW_CONTAINER_NETWORK", "host"},
            {"NANOCLAW_PREFLIGHT", "off"}};
        for (const auto& [k, v] : extra_)
            e[k] = v;
        return e;
    }

    CliResult cli(const std::string& args) const {
        std::string command = "cd '" + dir_.path().string() + "' && env -i";
        for (const auto& [k, v] : env())
            command += " " + k + "='" + v + "'";
        command += std::string(" ") + NANOCLAW_CLI_PATH + " " + args + " 2>'" +
                   (dir_.path() / "cli.err").string() + "'";
        CliResult result;
        FILE* pipe = ::popen(command.c_str(), "r");
        if (pipe == nullptr) return result;
        char buf[4096];
        while (const auto n = std::fread(buf, 1, sizeof buf, pipe))
            result.out.append(buf, n);
        const int status = ::pclose(pipe);
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return result;
    }

    void start_daemon() {
        daemon_ = std::make_unique<DaemonProcess>(dir_.path(), extra_);
        daemon_->start();
    }

    static const json* find(const json& list, const std::string& key, const std::string& value) {
        for (const auto& item : list) {
            if (item.value(key, std::string()) == value) return &item;
        }
        return nullptr;
    }

    TempDir dir_;
    std::map<std::string, std::string> extra_;
    std::unique_ptr<DaemonProcess> daemon_;
};

// Answers the preflight's model list only for the right key, like the API.
FakeUpstream::Handler models_for(std::string key) {
    return [key](UpstreamExchange& ex) {
        while (auto req = ex.read_request()) {
            const bool ok = req->get("x-api-key") == key;
            ex.respond(ok ? 200 : 401,
                       ok ? R"({"data":[{"id":"claude-test"}]})"
                          : R"({"type":"error","error":{"type":"authentication_error"}})",
                       "Content-Type: application/json\r\n");
        }
    };
}

TEST_F(OperateTest, StatusAndDoctorAgainstARunningDaemon) {
    FakeUpstream upstream(models_for("sk-ant-good"));
    dir_.write(".env", "ANTHROPIC_API_KEY=sk-ant-good\nANTHROPIC_BASE_URL=http://127.0.0.1:" +
                           std::to_string(upstream.port()) + "\n");
    extra_["NANOCLAW_PREFLIGHT"] = "on"; // loopback upstream: doctor's API check may call it
    start_daemon();
    write_ipc_request(dir_.path(), "main", "tasks", "1-task.json",
                      json{{"type", "schedule_task"},
                           {"prompt", "morning digest"},
                           {"schedule_type", "cron"},
                           {"schedule_value", "0 9 * * *"},
                           {"targetJid", "local:main"},
                           {"taskId", "task-morning"}}
                          .dump());
    ASSERT_TRUE(eventually([&] {
        SQLite::Database db((dir_.path() / "store/messages.db").string(), SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT 1 FROM scheduled_tasks WHERE id = 'task-morning'");
        return q.executeStep();
    }));

    const auto status = cli("status --json");
    EXPECT_EQ(status.exit_code, 0) << status.out << TempDir::read(dir_.path() / "cli.err");
    const auto report = json::parse(status.out);
    const auto& daemon = report["daemon"];
    EXPECT_TRUE(daemon["running"].get<bool>());
    EXPECT_EQ(daemon["version"], "0.1.0");
    EXPECT_EQ(daemon["pid"], daemon_->pid());
    EXPECT_GE(daemon["uptime_s"].get<long long>(), 0);
    const auto* local = find(daemon["channels"], "name", "local");
    ASSERT_NE(local, nullptr) << daemon.dump();
    EXPECT_TRUE((*local)["connected"].get<bool>());
    EXPECT_EQ(daemon["runs"]["active"], 0);
    EXPECT_EQ(daemon["runs"]["max"], 5);
    EXPECT_EQ(daemon["proxy"]["host"], "127.0.0.1");
    ASSERT_NE(find(report["groups"], "jid", "local:main"), nullptr) << report["groups"].dump();
    const auto* task = find(report["tasks"], "id", "task-morning");
    ASSERT_NE(task, nullptr) << report["tasks"].dump();
    EXPECT_TRUE((*task)["next_run"].is_string()) << task->dump();
    EXPECT_EQ((*task)["schedule_value"], "0 9 * * *");
    EXPECT_TRUE(report["usage"].is_array());

    const auto human = cli("status");
    EXPECT_EQ(human.exit_code, 0);
    EXPECT_NE(human.out.find("daemon      running, pid " + std::to_string(daemon_->pid())),
              std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("task-morning [main] cron 0 9 * * *: next "), std::string::npos)
        << human.out;

    // Everything in place: the API accepts the key, a container reaches the proxy.
    const auto doctor = cli("doctor --json");
    const auto checks = json::parse(doctor.out);
    for (const auto& c : checks["checks"])
        EXPECT_NE(c["status"], "fail") << c.dump();
    EXPECT_EQ(doctor.exit_code, 0) << doctor.out;
    EXPECT_TRUE(checks["ok"].get<bool>());
    EXPECT_EQ((*find(checks["checks"], "name", "api"))["status"], "ok");
    EXPECT_EQ((*find(checks["checks"], "name", "proxy"))["status"], "ok");
    EXPECT_EQ((*find(checks["checks"], "name", "service"))["status"], "ok");
    ASSERT_GE(upstream.request_count(), 1u);
    EXPECT_EQ(upstream.requests().back().target, "/v1/models?limit=1");

    // The probe container runs with the image and the proxy's port, on the configured network.
    bool probed = false;
    for (const auto& argv : daemon_->commands()) {
        if (argv.size() > 3 && argv[0] == "run" &&
            argv.back().find("connect(") != std::string::npos)
            probed = true;
    }
    EXPECT_TRUE(probed);

    extra_["FAKE_RUNTIME_PROBE"] = "fail";
    const auto unreachable = json::parse(cli("doctor --json --offline").out);
    const auto* proxy = find(unreachable["checks"], "name", "proxy");
    EXPECT_EQ((*proxy)["status"], "fail");
    EXPECT_NE((*proxy)["detail"].get<std::string>().find("ECONNREFUSED"), std::string::npos);
    EXPECT_EQ(daemon_->terminate(), 0);

    const auto stopped = cli("status --json");
    EXPECT_EQ(stopped.exit_code, 3);
    EXPECT_FALSE(json::parse(stopped.out)["daemon"]["running"].get<bool>());
}

TEST_F(OperateTest, DoctorWithoutImageOrCredentialsSaysWhatToRun) {
    extra_["FAKE_RUNTIME_IMAGES"] = "";
    start_daemon();
    const auto text = cli("doctor --offline");
    EXPECT_EQ(text.exit_code, 1) << text.out;
    EXPECT_NE(text.out.find("FAIL  image"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("container/build.sh"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("FAIL  credentials"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("fix: echo 'ANTHROPIC_API_KEY=sk-ant-...' >> " +
                            (dir_.path() / ".env").string()),
              std::string::npos)
        << text.out;

    const auto doc = cli("doctor --json --offline");
    EXPECT_EQ(doc.exit_code, 1);
    const auto checks = json::parse(doc.out);
    EXPECT_FALSE(checks["ok"].get<bool>());
    int failed = 0;
    for (const auto& c : checks["checks"]) {
        if (c["status"] != "fail") continue;
        ++failed;
        EXPECT_FALSE(c.value("fix", std::string()).empty()) << c.dump();
    }
    EXPECT_EQ(failed, 2) << checks.dump(2);
    // A running daemon needs a restart to read a new .env: the fix says so.
    EXPECT_NE((*find(checks["checks"], "name", "credentials"))["fix"].get<std::string>().find(
                  "then restart the daemon"),
              std::string::npos);
    EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(OperateTest, DoctorReportsARejectedKey) {
    FakeUpstream upstream(models_for("sk-ant-good"));
    dir_.write(".env", "ANTHROPIC_API_KEY=sk-ant-revoked\nANTHROPIC_BASE_URL=http://127.0.0.1:" +
                           std::to_string(upstream.port()) + "\n");
    extra_["NANOCLAW_PREFLIGHT"] = "on";
    const auto doc = cli("doctor --json");
    EXPECT_EQ(doc.exit_code, 1);
    const auto checks = json::parse(doc.out);
    const auto* api = find(checks["checks"], "name", "api");
    ASSERT_NE(api, nullptr);
    EXPECT_EQ((*api)["status"], "fail");
    EXPECT_NE((*api)["detail"].get<std::string>().find("401"), std::string::npos) << api->dump();
    EXPECT_NE((*api)["fix"].get<std::string>().find((dir_.path() / ".env").string()),
              std::string::npos);
    EXPECT_EQ(upstream.requests().at(0).get("x-api-key"), "sk-ant-revoked");
}

} // namespace
} // namespace nanoclaw::testing
