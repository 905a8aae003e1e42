// SPDX-License-Identifier: MIT
#include "fault_harness.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace nanoclaw::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

bool carries(const std::string& text, const std::string& token) {
    return text.find(token + "<") != std::string::npos;
}

} // namespace

fs::path faulty_runtime_path() {
    return fs::path(NANOCLAW_SOURCE_DIR) / "tests" / "integration" / "faults" / "faulty-runtime";
}

// ---- MessageTally --------------------------------------------------------------------------

MessageTally::MessageTally(std::string fault) : fault_(std::move(fault)) {}

std::string MessageTally::next_token() {
    auto token = fault_ + "-msg-" + std::to_string(100 + tokens_.size());
    tokens_.push_back(token);
    counts_[token];
    return token;
}

void MessageTally::agent_answered(const std::string& prompt) {
    for (auto& [token, c] : counts_)
        c.agent += carries(prompt, token) ? 1 : 0;
}

void MessageTally::chat_heard(const std::string& reply) {
    for (auto& [token, c] : counts_)
        c.chat += carries(reply, token) ? 1 : 0;
}

void MessageTally::reset_agent_counts() {
    for (auto& [token, c] : counts_)
        c.agent = 0;
}

int MessageTally::answered() const {
    int n = 0;
    for (const auto& [token, c] : counts_)
        n += c.chat > 0 ? 1 : 0;
    return n;
}

int MessageTally::lost() const {
    int n = 0;
    for (const auto& [token, c] : counts_)
        n += (c.chat == 0 || c.agent == 0) ? 1 : 0;
    return n;
}

int MessageTally::duplicated() const {
    int n = 0;
    for (const auto& [token, c] : counts_)
        n += std::max(0, c.agent - 1) + std::max(0, c.chat - 1);
    return n;
}

void MessageTally::report() const {
    const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_);
    std::printf("fault %s: sent %d, answered %d, lost %d, duplicated %d, %.1f s\n", fault_.c_str(),
                sent(), answered(), lost(), duplicated(), took.count());
    std::fflush(stdout);
    for (const auto& [token, c] : counts_) {
        EXPECT_EQ(c.agent, 1) << token << ": agent runs that answered it";
        EXPECT_EQ(c.chat, 1) << token << ": replies to the chat that carried it";
    }
    EXPECT_EQ(lost(), 0);
    EXPECT_EQ(duplicated(), 0);
    EXPECT_GT(sent(), 0);
}

// ---- ChatWatcher ---------------------------------------------------------------------------

ChatWatcher::ChatWatcher(const fs::path& socket, const std::string& chat)
    : client_(socket), chat_(chat) {
    client_.subscribe(chat_);
}

void ChatWatcher::listen(std::chrono::milliseconds limit, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!(done && done())) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return;
        const auto line = client_.next_line(left);
        if (!line) continue;
        const auto j = json::parse(*line, nullptr, false);
        if (!j.is_object()) continue;
        const auto type = j.value("type", "");
        if (type == "status") statuses_.push_back(j.value("text", ""));
        if (type == "error") errors_.push_back(j.value("message", ""));
        if (type != "message") continue;
        (j.value("notice", false) ? notices_ : replies_).push_back(j.value("text", ""));
    }
}

void ChatWatcher::count_into(MessageTally& tally) {
    for (; counted_ < replies_.size(); ++counted_)
        tally.chat_heard(replies_[counted_]);
}

bool ChatWatcher::heard_notice(const std::string& text) const {
    for (const auto& n : notices_) {
        if (n.find(text) != std::string::npos) return true;
    }
    return false;
}

// ---- FaultTest -----------------------------------------------------------------------------

DaemonProcess& FaultTest::start(std::map<std::string, std::string> env) {
    // Short limits so each case takes seconds: a hung agent is killed 1.5 s after its last
    // output, the shutdown grace is 1 s.
    std::map<std::string, std::string> defaults{
        {"CONTAINER_RUNTIME_BIN", faulty_runtime_path().string()},
        {"FAULT_FAKE_RUNTIME", fake_runtime_path().string()},
        {"FAULT_RUNTIME_CONTROL", control_.string()},
        {"CONTAINER_TIMEOUT", "1500"},
        {"IDLE_TIMEOUT", "500"},
        {"CONTAINER_TIMEOUT_GRACE_MS", "1000"},
        {"SHUTDOWN_GRACE_MS", "1000"}};
    for (auto& [k, v] : defaults)
        env.try_emplace(k, v);
    env_ = env;
    daemon_ = std::make_unique<DaemonProcess>(dir_.path(), std::move(env));
    daemon_->start();
    return *daemon_;
}

void FaultTest::set_runtime_fault(const std::map<std::string, std::string>& vars) {
    // Replaced whole, so a runtime call never reads half a file.
    const auto tmp = control_.string() + ".tmp";
    {
        std::ofstream out(tmp);
        for (const auto& [k, v] : vars)
            out << k << '=' << v << '\n';
    }
    fs::rename(tmp, control_);
}

std::vector<AgentRun> FaultTest::agent_runs() const {
    std::vector<AgentRun> out;
    std::ifstream in(dir_.path() / "runtime-record.jsonl");
    for (std::string line; std::getline(in, line);) {
        const auto j = json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        const auto argv = j.value("argv", json::array());
        const auto stdin_text = j.value("stdin", std::string());
        // `run` with its input: the doctor's probe (`run --entrypoint`) has none.
        if (argv.empty() || argv[0] != "run" || stdin_text.empty()) continue;
        const auto input = json::parse(stdin_text, nullptr, false);
        const auto env = j.value("env", json::object());
        AgentRun run;
        run.mode = env.is_object() ? env.value("FAKE_RUNTIME_MODE", "reply") : "reply";
        run.prompt = input.is_object() ? input.value("prompt", "") : "";
        out.push_back(std::move(run));
    }
    return out;
}

void FaultTest::count_agent_runs(MessageTally& tally,
                                 const std::set<std::string>& answering) const {
    tally.reset_agent_counts();
    for (const auto& run : agent_runs()) {
        if (answering.count(run.mode) != 0) tally.agent_answered(run.prompt);
    }
}

void FaultTest::settle(ChatWatcher& chat, MessageTally& tally, std::chrono::milliseconds limit) {
    chat.listen(limit, [&] {
        chat.count_into(tally);
        return tally.all_answered();
    });
    chat.listen(std::chrono::milliseconds(500));
    chat.count_into(tally);
}

void FaultTest::settle_and_count(ChatWatcher& chat, MessageTally& tally,
                                 std::chrono::milliseconds limit) {
    settle(chat, tally, limit);
    count_agent_runs(tally);
}

bool FaultTest::logged(const std::string& text, std::size_t from) const {
    return daemon_ && daemon_->log().find(text, from) != std::string::npos;
}

void FaultTest::TearDown() {
    // NANOCLAW_FAULTS_LOG=1 shows the daemon's log of passing cases too.
    const bool wanted = HasFailure() || std::getenv("NANOCLAW_FAULTS_LOG") != nullptr;
    if (wanted && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
}

} // namespace nanoclaw::testing
