// SPDX-License-Identifier: MIT
// What every fault case shares: a real nanoclawd on a scratch root whose runtime CLI can be
// switched into a fault while it runs, a chat that records what it hears, and the tally that
// counts each message from the chat to the agent and back (lost and duplicated must be 0).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon_harness.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {

/// Per message: how many agent runs answered it and how many replies to the chat carried it.
/// A message is a unique token; it is found in a prompt or a reply as `token<` (the end of its
/// <message> element in the prompt, which the fake agent echoes).
class MessageTally {
  public:
    explicit MessageTally(std::string fault);
    /// A fresh token, counted as sent.
    std::string next_token();
    /// Counts the tokens found in the prompt of one agent run that answered.
    void agent_answered(const std::string& prompt);
    /// Counts the tokens found in one reply delivered to the chat.
    void chat_heard(const std::string& reply);
    void reset_agent_counts();

    int sent() const { return static_cast<int>(tokens_.size()); }
    /// Messages whose answer reached the chat at least once.
    int answered() const;
    /// Messages never answered by an agent or never delivered.
    int lost() const;
    /// Extra agent answers plus extra deliveries, over all messages.
    int duplicated() const;
    bool all_answered() const { return answered() == sent(); }
    /// Prints `fault <name>: sent N, answered N, lost L, duplicated D, <time>` and fails the
    /// test when L or D is not 0.
    void report() const;

  private:
    struct Counts {
        int agent = 0;
        int chat = 0;
    };
    std::string fault_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::vector<std::string> tokens_;
    std::map<std::string, Counts> counts_;
};

/// A local-channel client subscribed to `main` that keeps everything it hears.
class ChatWatcher {
  public:
    explicit ChatWatcher(const std::filesystem::path& socket, const std::string& chat = "main");
    bool say(const std::string& text) { return client_.say(chat_, text); }
    /// Reads for `limit`, or until `done` holds (checked after each line and at the end).
    void listen(std::chrono::milliseconds limit, const std::function<bool()>& done = nullptr);
    /// Hands the replies heard since the last call to `tally`.
    void count_into(MessageTally& tally);
    const std::vector<std::string>& replies() const { return replies_; }
    const std::vector<std::string>& notices() const { return notices_; }
    const std::vector<std::string>& statuses() const { return statuses_; }
    /// {"type":"error"} lines: the daemon refused something this connection sent.
    const std::vector<std::string>& errors() const { return errors_; }
    /// True when a notice containing `text` was heard.
    bool heard_notice(const std::string& text) const;

  private:
    LocalClient client_;
    std::string chat_;
    std::vector<std::string> replies_, notices_, statuses_, errors_;
    std::size_t counted_ = 0;
};

/// One agent run as the fake runtime recorded it.
struct AgentRun {
    std::string mode;   ///< FAKE_RUNTIME_MODE the run had ("reply" when unset)
    std::string prompt; ///< the prompt the daemon sent
};

/// Fixture: a daemon on a scratch root with the switchable runtime and short timeouts.
class FaultTest : public ::testing::Test {
  protected:
    /// Starts (or restarts) the daemon; `env` adds to and overrides the suite's defaults.
    DaemonProcess& start(std::map<std::string, std::string> env = {});
    /// Every later runtime CLI call runs with these variables (FAKE_RUNTIME_MODE and friends).
    void set_runtime_fault(const std::map<std::string, std::string>& vars);
    void clear_runtime_fault() { set_runtime_fault({}); }
    /// Every `run` the fake runtime saw, in order.
    std::vector<AgentRun> agent_runs() const;
    /// Counts the prompts of the runs whose mode is in `answering` into `tally` (from scratch).
    void count_agent_runs(MessageTally& tally,
                          const std::set<std::string>& answering = {"reply"}) const;
    /// Listens until every message of `tally` has its reply (at most `limit`), 500 ms more for
    /// a late duplicate, then counts the chat's replies into `tally`.
    static void settle(ChatWatcher& chat, MessageTally& tally, std::chrono::milliseconds limit);
    /// settle(), then counts the agent's runs into `tally` too.
    void settle_and_count(ChatWatcher& chat, MessageTally& tally, std::chrono::milliseconds limit);
    /// True when the daemon's log has `text` (after `from`, a byte offset).
    bool logged(const std::string& text, std::size_t from = 0) const;
    void TearDown() override;

    TempDir dir_;
    std::filesystem::path control_ = dir_.path() / "runtime-fault.env";
    std::unique_ptr<DaemonProcess> daemon_;
    std::map<std::string, std::string> env_; ///< what start() last used
};

/// The runtime CLI wrapper that reads the fault control file (tests/integration/faults).
std::filesystem::path faulty_runtime_path();

} // namespace nanoclaw::testing
