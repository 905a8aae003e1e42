// SPDX-License-Identifier: MIT
// `setup --step whatsapp-auth` against a scripted fake bridge (spec 30 §11; catalogue K 139-156):
// the blocks, their field order and exit codes, the files of the auth-status protocol, the QR
// page and terminal QR, the bridge's arguments, commands, log and end.
#include <signal.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "lock_holder.hpp"
#include "nanoclaw/setup/whatsapp.hpp"
#include "step_fixture.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
using testing_support::LockHolder;
using testing_support::StepTest;
using Strings = std::vector<std::string>;

const json k_started = {{"type", "started"},
                        {"bridge_version", "1.0.0"},
                        {"baileys_version", "7.0.0-rc14"},
                        {"registered", false}};
const json k_connected = {
    {"type", "connected"},
    {"user", {{"id", "14155551234:7@s.whatsapp.net"}, {"lid", ""}, {"name", "Me"}}}};
const std::string k_creds = R"({"me":{"id":"14155551234:7@s.whatsapp.net"},"registered":true})";

json emit(json event) {
    return {{"emit", std::move(event)}};
}
json qr(const std::string& data) {
    return emit({{"type", "qr"}, {"data", data}});
}
json closed(int reason) {
    return emit({{"type", "disconnected"}, {"reason", reason}, {"message", "closed"}});
}
json wait_for(const std::string& cmd) {
    return {{"wait", cmd}};
}
// In auth mode the bridge exits by itself once linked.
const json k_exits = {{"exit", 0}};

class WhatsAppAuthTest : public StepTest {
  protected:
    WhatsAppAuthTest() {
        env["WHATSAPP_BRIDGE_COMMAND"] = NANOCLAW_FAKE_WA_BRIDGE;
        env["FAKE_BRIDGE_SCENARIO"] = (base / "scenario.json").string();
        env["FAKE_BRIDGE_RECORD"] = (base / "record.jsonl").string();
        platform.headless = true;
    }

    void scenario(const std::vector<json>& steps) const {
        std::ofstream(base / "scenario.json") << json(steps).dump();
    }
    int auth(Strings args) {
        out.str("");
        err.str("");
        return whatsapp_auth_step(args, SetupContext{config, env, out, err, nullptr, &platform},
                                  timeouts);
    }
    std::vector<json> records() const {
        std::ifstream in(base / "record.jsonl");
        std::vector<json> lines;
        for (std::string line; std::getline(in, line);)
            lines.push_back(json::parse(line));
        return lines;
    }
    bool bridge_started() const { return fs::exists(base / "record.jsonl"); }
    json start_record() const { return records().at(0); }
    Strings commands() const {
        Strings names;
        for (const auto& r : records())
            if (r.contains("cmd")) names.push_back(r["cmd"].value("cmd", ""));
        return names;
    }
    json snapshot(const std::string& path) const {
        for (const auto& r : records())
            if (r.value("snapshot", "") == path) return r["content"];
        return "<none>";
    }
    /// The blocks printed, in order.
    Strings blocks() const {
        Strings found;
        const auto text = out.str();
        for (std::size_t at = 0; at < text.size();) {
            const auto end = text.find("=== END ===\n", at);
            if (end == std::string::npos) break;
            found.push_back(text.substr(at, end + 12 - at));
            at = end + 12;
        }
        return found;
    }
    std::string store_file(const std::string& name) const { return read(config.store_dir / name); }
    std::string setup_log() const { return read(config.root / "logs/setup.log"); }
    bool bridge_gone() const { return ::kill(start_record()["pid"].get<pid_t>(), 0) != 0; }

    WhatsAppAuthTimeouts timeouts{5s, 5s, 5s};
};

std::string block(const Strings& lines) {
    std::string text = "=== NANOCLAW SETUP: AUTH_WHATSAPP ===\n";
    for (const auto& line : lines)
        text += line + "\n";
    return text + "=== END ===\n";
}

// Catalogue 139, 141, 142: argument errors print a block, exit 4, and start nothing.
TEST_F(WhatsAppAuthTest, ArgumentErrors) {
    EXPECT_EQ(auth({}), 4);
    EXPECT_EQ(out.str(),
              block({"AUTH_METHOD: unknown", "AUTH_STATUS: failed", "ERROR: missing_method_flag",
                     "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_EQ(auth({"--method", "--phone", "1"}), 4) << "a flag is no value";
    EXPECT_EQ(field("ERROR"), "missing_method_flag");
    EXPECT_EQ(auth({"--method", "pairing-code"}), 4);
    EXPECT_EQ(out.str(),
              block({"AUTH_METHOD: pairing-code", "AUTH_STATUS: failed",
                     "ERROR: missing_phone_number", "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "--keep"}), 4);
    EXPECT_EQ(field("ERROR"), "missing_phone_number");
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "+44 123"}), 4);
    EXPECT_EQ(field("ERROR"), "invalid_phone_number");
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "12345"}), 4)
        << "too short for the bridge";
    EXPECT_EQ(field("ERROR"), "invalid_phone_number");
    EXPECT_EQ(auth({"--method", "sms"}), 4);
    EXPECT_EQ(out.str(), block({"AUTH_METHOD: sms", "AUTH_STATUS: failed", "ERROR: unknown_method",
                                "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_FALSE(bridge_started());
}

// Catalogue 143, 144, 152: the old session is wiped before the bridge starts; the QR page, then
// the success page; PHONE_NUMBER from creds.json; the bridge's argv, cwd and commands.
TEST_F(WhatsAppAuthTest, QrBrowserLinksTheDevice) {
    tmp.write("root/store/auth/creds.json",
              R"({"me":{"id":"999:1@s.whatsapp.net"},"registered":true})");
    tmp.write("root/store/auth-status.txt", "failed:500");
    tmp.write("root/store/qr-data.txt", "stale");
    scenario({emit(k_started),
              {{"stderr", "bridge says hello"}},
              wait_for("connect"),
              qr("2@abc,def"),
              {{"wait_file", "store/qr-auth.html"}},
              {{"snapshot", "store/qr-auth.html"}},
              {{"snapshot", "store/qr-data.txt"}},
              {{"snapshot", "store/auth-status.txt"}},
              {{"write", {"creds.json", k_creds}}},
              emit(k_connected),
              k_exits});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 0) << err.str() << setup_log();
    EXPECT_EQ(out.str(),
              block({"AUTH_METHOD: qr-browser", "AUTH_STATUS: authenticated",
                     "PHONE_NUMBER: 14155551234", "STATUS: success", "LOG: logs/setup.log"}));
    const auto start = start_record();
    EXPECT_EQ(start["auth_dir_entries"], json::array()) << "store/auth was emptied first";
    EXPECT_EQ(start["argv"],
              json({"--auth-dir", (config.store_dir / "auth").string(), "--mode", "auth"}));
    EXPECT_EQ(start["cwd"], config.root.string());
    EXPECT_EQ(commands(), Strings{"connect"}) << "the bridge exits by itself once linked";
    const auto page = snapshot("store/qr-auth.html").get<std::string>();
    EXPECT_NE(page.find("Scan with WhatsApp"), std::string::npos);
    EXPECT_NE(page.find("<meta http-equiv=\"refresh\" content=\"3\">"), std::string::npos);
    EXPECT_NE(page.find("<svg"), std::string::npos);
    EXPECT_NE(page.find("nanoclaw_qr_start"), std::string::npos);
    EXPECT_EQ(snapshot("store/qr-data.txt"), "2@abc,def") << "catalogue 157";
    EXPECT_EQ(snapshot("store/auth-status.txt"), nullptr) << "the stale status was removed";
    const auto done = store_file("qr-auth.html");
    EXPECT_NE(done.find("Connected to WhatsApp"), std::string::npos);
    EXPECT_NE(done.find("localStorage.removeItem('nanoclaw_qr_start')"), std::string::npos);
    EXPECT_EQ(store_file("auth-status.txt"), "authenticated");
    EXPECT_FALSE(fs::exists(config.store_dir / "qr-data.txt")) << "removed once linked";
    EXPECT_NE(setup_log().find("bridge: bridge says hello"), std::string::npos);
    EXPECT_NE(err.str().find("restart"), std::string::npos) << err.str();
    EXPECT_TRUE(bridge_gone());
}

// Catalogue 145, 152: no QR in time; the bridge is killed when the step ends.
TEST_F(WhatsAppAuthTest, NoQrInTimeIsATimeout) {
    timeouts.first_code = 300ms;
    scenario({emit(k_started), wait_for("connect"), {{"hang", true}}});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 3);
    EXPECT_EQ(out.str(), block({"AUTH_METHOD: qr-browser", "AUTH_STATUS: failed",
                                "ERROR: qr_timeout", "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_TRUE(bridge_gone());
}

// Catalogue 146 (through --keep; without it the session is always wiped first).
TEST_F(WhatsAppAuthTest, KeepReportsAnAlreadyLinkedDevice) {
    tmp.write("root/store/auth/creds.json", k_creds);
    json started = k_started;
    started["registered"] = true;
    scenario({emit(started)});
    EXPECT_EQ(auth({"--method", "qr-browser", "--keep"}), 0) << setup_log();
    EXPECT_EQ(out.str(),
              block({"AUTH_METHOD: qr-browser", "AUTH_STATUS: already_authenticated",
                     "PHONE_NUMBER: 14155551234", "STATUS: success", "LOG: logs/setup.log"}));
    EXPECT_EQ(start_record()["auth_dir_entries"], json::array({"creds.json"}));
    EXPECT_EQ(commands(), Strings{"shutdown"}) << "no connection is opened";
    EXPECT_EQ(store_file("auth-status.txt"), "already_authenticated");
}

// Catalogue 147, 155: the code block, then 515 (connect again, no status written), then success.
TEST_F(WhatsAppAuthTest, PairingCodeThenRestartThenLinked) {
    scenario({emit(k_started),
              wait_for("connect"),
              qr("2@ignored"),
              emit({{"type", "pairing_code"}, {"code", "ABCD1234"}}),
              {{"wait_file", "store/pairing-code.txt"}},
              {{"snapshot", "store/auth-status.txt"}},
              {{"write", {"creds.json", k_creds}}},
              closed(515),
              wait_for("connect"),
              {{"snapshot", "store/auth-status.txt"}},
              emit(k_connected),
              k_exits});
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "14155551234"}), 0) << setup_log();
    EXPECT_EQ(blocks(),
              (Strings{block({"AUTH_METHOD: pairing-code", "AUTH_STATUS: pairing_code_ready",
                              "PAIRING_CODE: ABCD1234", "STATUS: waiting", "LOG: logs/setup.log"}),
                       block({"AUTH_METHOD: pairing-code", "AUTH_STATUS: authenticated",
                              "PAIRING_CODE: ABCD1234", "PHONE_NUMBER: 14155551234",
                              "STATUS: success", "LOG: logs/setup.log"})}));
    EXPECT_EQ(start_record()["argv"],
              json({"--auth-dir", (config.store_dir / "auth").string(), "--mode", "auth",
                    "--pairing-code", "--phone", "14155551234"}));
    EXPECT_EQ(commands(), (Strings{"connect", "connect"}));
    EXPECT_EQ(snapshot("store/auth-status.txt"), "pairing_code:ABCD1234");
    EXPECT_EQ(store_file("pairing-code.txt"), "ABCD1234");
    EXPECT_EQ(store_file("auth-status.txt"), "authenticated");
    EXPECT_FALSE(fs::exists(config.store_dir / "qr-auth.html")) << "no page for a pairing code";
    EXPECT_NE(err.str().find("ABCD1234"), std::string::npos);
}

// Catalogue 148.
TEST_F(WhatsAppAuthTest, LoggedOutBeforeTheCode) {
    scenario({emit(k_started), wait_for("connect"), closed(401)});
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "14155551234"}), 1);
    EXPECT_EQ(out.str(), block({"AUTH_METHOD: pairing-code", "AUTH_STATUS: failed",
                                "ERROR: logged_out", "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_EQ(store_file("auth-status.txt"), "failed:logged_out");
}

// Catalogue 149.
TEST_F(WhatsAppAuthTest, NoPairingCodeInTime) {
    timeouts.first_code = 300ms;
    scenario({emit(k_started), wait_for("connect"), qr("2@only-a-qr"), {{"hang", true}}});
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "14155551234"}), 3);
    EXPECT_EQ(field("ERROR"), "pairing_code_timeout");
    EXPECT_EQ(store_file("qr-data.txt"), "2@only-a-qr") << "the QR is stored whatever the method";
}

// Catalogue 150: ERROR comes before PAIRING_CODE.
TEST_F(WhatsAppAuthTest, FailureAfterTheCodeKeepsTheReferenceFieldOrder) {
    scenario({emit(k_started), wait_for("connect"),
              emit({{"type", "pairing_code"}, {"code", "ABCD1234"}}), closed(428)});
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "14155551234"}), 1);
    ASSERT_EQ(blocks().size(), 2u);
    EXPECT_EQ(blocks()[1],
              block({"AUTH_METHOD: pairing-code", "AUTH_STATUS: failed", "ERROR: 428",
                     "PAIRING_CODE: ABCD1234", "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_EQ(store_file("auth-status.txt"), "failed:428");
}

// Catalogue 151.
TEST_F(WhatsAppAuthTest, NoCompletionInTime) {
    timeouts.completion = 300ms;
    scenario({emit(k_started), wait_for("connect"), qr("2@abc"), {{"hang", true}}});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 3);
    EXPECT_EQ(out.str(), block({"AUTH_METHOD: qr-browser", "AUTH_STATUS: failed", "ERROR: timeout",
                                "STATUS: failed", "LOG: logs/setup.log"}));
    EXPECT_TRUE(bridge_gone());
}

// Catalogue 154: the reference's failure values.
TEST_F(WhatsAppAuthTest, CloseReasonsBecomeTheReferenceStatusValues) {
    const std::vector<std::tuple<int, std::string>> cases{
        {408, "qr_timeout"}, {500, "500"}, {0, "unknown"}};
    for (const auto& [reason, value] : cases) {
        scenario({emit(k_started), wait_for("connect"), qr("2@abc"), closed(reason)});
        EXPECT_EQ(auth({"--method", "qr-browser"}), 1) << reason;
        EXPECT_EQ(field("ERROR"), value);
        EXPECT_EQ(store_file("auth-status.txt"), "failed:" + value);
    }
}

// The issue's terminal QR (v1 only printed `manual`): drawn on stderr, redrawn when it rotates.
TEST_F(WhatsAppAuthTest, QrTerminalDrawsEachCodeOnStderr) {
    scenario({emit(k_started),
              wait_for("connect"),
              qr("2@first"),
              qr("2@second"),
              {{"write", {"creds.json", k_creds}}},
              emit(k_connected),
              k_exits});
    EXPECT_EQ(auth({"--method", "qr-terminal"}), 0) << setup_log();
    EXPECT_EQ(out.str(),
              block({"AUTH_METHOD: qr-terminal", "AUTH_STATUS: authenticated",
                     "PHONE_NUMBER: 14155551234", "STATUS: success", "LOG: logs/setup.log"}));
    const auto text = err.str();
    EXPECT_NE(text.find("\u2588\u2588\u2588\u2588"), std::string::npos) << "half blocks";
    EXPECT_NE(text.find("replaced the code"), std::string::npos) << text;
    EXPECT_EQ(out.str().find("\u2588"), std::string::npos) << "stdout keeps only blocks";
    EXPECT_FALSE(fs::exists(config.store_dir / "qr-auth.html"));
}

// A bridge that stays after linking is asked to shut down (and saves the credentials then).
TEST_F(WhatsAppAuthTest, ABridgeThatStaysIsAskedToShutDown) {
    timeouts.shutdown = 300ms;
    scenario({emit(k_started), wait_for("connect"), emit(k_connected)});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 0) << setup_log();
    EXPECT_EQ(commands(), (Strings{"connect", "shutdown"}));
    EXPECT_EQ(store_file("auth-status.txt"), "authenticated");
    EXPECT_TRUE(bridge_gone());
}

// The bridge reports a refused pairing-code request as an error event: no code will come.
TEST_F(WhatsAppAuthTest, ARefusedPairingCodeRequestFailsAtOnce) {
    scenario({emit(k_started),
              wait_for("connect"),
              emit({{"type", "error"}, {"error", "pairing code request failed: rate limited"}}),
              {{"hang", true}}});
    EXPECT_EQ(auth({"--method", "pairing-code", "--phone", "14155551234"}), 1);
    EXPECT_EQ(field("ERROR"), "pairing_code_failed");
    EXPECT_NE(setup_log().find("rate limited"), std::string::npos);
}

TEST_F(WhatsAppAuthTest, MissingDefaultBridgeSaysHowToBuildIt) {
    env.erase("WHATSAPP_BRIDGE_COMMAND");
    tmp.write("root/store/auth/creds.json", k_creds);
    EXPECT_EQ(auth({"--method", "qr-browser"}), 1);
    EXPECT_EQ(field("ERROR"), "bridge_not_found");
    EXPECT_NE(err.str().find("cd channels/whatsapp-bridge && npm ci && npm run build"),
              std::string::npos)
        << err.str();
    EXPECT_NE(setup_log().find("npm run build"), std::string::npos);
    EXPECT_TRUE(fs::exists(config.store_dir / "auth/creds.json")) << "nothing is wiped";
}

TEST_F(WhatsAppAuthTest, BridgeCommandFromDotEnv) {
    env.erase("WHATSAPP_BRIDGE_COMMAND");
    tmp.write("root/.env",
              std::string("WHATSAPP_BRIDGE_COMMAND=") + NANOCLAW_FAKE_WA_BRIDGE + " --extra\n");
    scenario({emit(k_started), wait_for("connect"), emit(k_connected), k_exits});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 0) << setup_log();
    EXPECT_EQ(start_record()["argv"][0], "--extra");
    EXPECT_EQ(field("PHONE_NUMBER"), "14155551234")
        << "from the connected event without creds.json";
}

TEST_F(WhatsAppAuthTest, BridgeDyingMidWayFails) {
    scenario({emit(k_started),
              wait_for("connect"),
              qr("2@abc"),
              {{"stderr", "Error: boom"}},
              {{"exit", 1}}});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 1);
    EXPECT_EQ(field("ERROR"), "bridge_exited");
    EXPECT_EQ(store_file("auth-status.txt"), "failed:unknown");
    EXPECT_NE(setup_log().find("bridge: Error: boom"), std::string::npos);
    EXPECT_NE(setup_log().find("code 1"), std::string::npos);
}

TEST_F(WhatsAppAuthTest, GarbageLinesAreLoggedAndSkipped) {
    scenario({{{"raw", "not json"}},
              {{"raw", R"({"type":"nope"})"}},
              {{"oversized", (1 << 20) + 100}},
              emit(k_started),
              wait_for("connect"),
              {{"raw", "[1,2]"}},
              qr("2@abc"),
              emit(k_connected),
              k_exits});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 0) << setup_log();
    EXPECT_EQ(field("AUTH_STATUS"), "authenticated");
    const auto log = setup_log();
    EXPECT_NE(log.find("ignored a bridge line (not JSON)"), std::string::npos) << log;
    EXPECT_NE(log.find("unknown type nope"), std::string::npos);
    EXPECT_NE(log.find("longer than 1 MiB"), std::string::npos);
}

TEST_F(WhatsAppAuthTest, RefusedWhileADaemonHoldsTheSession) {
    tmp.write("root/store/auth/creds.json", k_creds);
    LockHolder daemon(config.data_dir);
    EXPECT_EQ(auth({"--method", "qr-browser"}), 1);
    EXPECT_EQ(field("ERROR"), "daemon_running");
    EXPECT_NE(err.str().find("systemctl --user stop nanoclaw"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find(std::to_string(daemon.pid())), std::string::npos);
    EXPECT_TRUE(fs::exists(config.store_dir / "auth/creds.json"));
    EXPECT_FALSE(bridge_started());
}

TEST_F(WhatsAppAuthTest, SecretsStayOutOfTheBridgeEnvironment) {
    env["ANTHROPIC_API_KEY"] = "sk-secret";
    env["TELEGRAM_BOT_TOKEN"] = "123:abc";
    env["HTTPS_PROXY"] = "http://proxy:3128";
    scenario({emit(k_started), wait_for("connect"), emit(k_connected), k_exits});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 0);
    const auto keys = start_record()["env_keys"];
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "ANTHROPIC_API_KEY"), 0);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "TELEGRAM_BOT_TOKEN"), 0);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "HTTPS_PROXY"), 1);
}

TEST_F(WhatsAppAuthTest, OpensThePageInABrowserWhenNotHeadless) {
    platform.headless = false;
    stub("xdg-open", "");
    scenario({emit(k_started), wait_for("connect"), qr("2@abc"), emit(k_connected), k_exits});
    EXPECT_EQ(auth({"--method", "qr-browser"}), 0);
    // The opener is detached and never waited for; give it a moment to log its call.
    const auto expected = "xdg-open " + (config.store_dir / "qr-auth.html").string();
    for (int i = 0; i < 500 && calls() != Strings{expected}; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(calls(), Strings{expected});
}

TEST_F(WhatsAppAuthTest, IsInTheStepTable) {
    EXPECT_EQ(run("whatsapp-auth"), 4);
    EXPECT_EQ(field("ERROR"), "missing_method_flag");
    EXPECT_EQ(step_names().back(), "whatsapp-auth");
}

} // namespace
} // namespace nanoclaw::setup
