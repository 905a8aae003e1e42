// SPDX-License-Identifier: MIT
// The test's side of the fake WhatsApp bridge (fake_bridge.py): each bridge process the daemon
// starts connects here, so a test sees every command, answers with events, and can crash the
// bridge. By default it behaves like a healthy bridge: `connect` -> `connected`, `send` -> `sent`,
// `fetch_groups` -> `groups`, `shutdown` -> exit 0. Runs on its own thread (plain sockets).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace nanoclaw::testing {

class FakeWhatsApp {
  public:
    FakeWhatsApp();
    ~FakeWhatsApp();
    FakeWhatsApp(const FakeWhatsApp&) = delete;
    FakeWhatsApp& operator=(const FakeWhatsApp&) = delete;

    /// WHATSAPP_BRIDGE_COMMAND for the daemon, and the variables the script needs.
    std::string command() const;
    std::map<std::string, std::string> env() const;

    // --- Behaviour (applies to the current and later bridges) ---
    /// `connect` is answered with `connected` (default) or left unanswered.
    void set_auto_connect(bool on);
    /// The next `connect` commands are answered with `disconnected` and these reasons, in order.
    void disconnect_next_connects(std::vector<int> reasons);
    /// The next `n` sends are answered with `send_failed`.
    void fail_next_sends(int n);
    /// `send` is answered (sent / send_failed) or left unanswered.
    void set_auto_answer_sends(bool on);
    /// What `fetch_groups` returns ([{jid, subject}]).
    void set_groups(nlohmann::json groups);

    // --- Acting as the bridge (on the newest connection) ---
    void emit(const nlohmann::json& event);
    void emit_raw(const std::string& stdout_line);
    void emit_stderr(const std::string& line);
    /// Closes the connection: the script exits 1 (a crash).
    void crash();

    // --- Observation ---
    int connections() const;
    /// Whether the newest bridge process is still connected here.
    bool bridge_alive() const;
    /// fake_hello of connection `index` (0-based): {argv, cwd, env}.
    nlohmann::json hello(int index) const;
    std::vector<std::chrono::steady_clock::time_point> connection_times() const;
    /// Every command received, in order, each with "conn" (connection index) added.
    std::vector<nlohmann::json> commands() const;
    std::vector<nlohmann::json> commands_of(const std::string& cmd) const;
    /// Texts of the sends answered with `sent`, in order.
    std::vector<std::string> delivered() const;
    /// Waits until `done` holds (checked whenever something arrives, and every 20 ms).
    bool wait_for(const std::function<bool()>& done,
                  std::chrono::milliseconds limit = std::chrono::seconds(10)) const;

    static nlohmann::json connected_event();

  private:
    struct Connection;
    void accept_loop();
    void read_loop(std::shared_ptr<Connection> conn, int index);
    void handle(const std::shared_ptr<Connection>& conn, int index, const nlohmann::json& command);
    void write(const std::shared_ptr<Connection>& conn, const std::string& line);

    std::string dir_, socket_path_;
    int listener_ = -1;
    std::thread acceptor_;
    std::vector<std::thread> readers_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<std::shared_ptr<Connection>> connections_;
    std::vector<nlohmann::json> hellos_;
    std::vector<std::chrono::steady_clock::time_point> times_;
    std::vector<nlohmann::json> commands_;
    std::vector<std::string> delivered_;
    bool auto_connect_ = true;
    bool auto_sends_ = true;
    std::vector<int> connect_reasons_;
    int fail_sends_ = 0;
    int next_message_ = 1;
    nlohmann::json groups_ = nlohmann::json::array();
    bool stopping_ = false;
};

} // namespace nanoclaw::testing
