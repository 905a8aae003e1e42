// SPDX-License-Identifier: MIT
// nanoclaw: the command-line client. Thin: each subcommand parses its flags and calls into the
// components (chat and send talk to the daemon over the local channel's socket).
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/channels/local/local_client.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/core/version.hpp"
#include "nanoclaw/ops/daemon_query.hpp"
#include "nanoclaw/ops/doctor.hpp"
#include "nanoclaw/ops/logs.hpp"
#include "nanoclaw/ops/status.hpp"
#include "nanoclaw/setup/setup.hpp"

int main(int argc, char** argv) {
    using namespace nanoclaw;
    CLI::App app{"nanoclaw - command-line client for the NanoClaw assistant"};
    std::optional<std::string> root;
    app.add_option("--root", root, "Project root (default: $NANOCLAW_ROOT or the current directory)");
    app.set_version_flag("--version", std::string("nanoclaw ") + core::k_version + " (NanoClaw v" +
                                          core::k_compatible_v1 + " compatible)");
    app.require_subcommand(0, 1);

    channels::ChatOptions chat;
    auto* chat_cmd = app.add_subcommand("chat", "Chat with the assistant in this terminal (Ctrl-D leaves)");
    chat_cmd->add_option("--chat", chat.chat, "Local chat name (JID local:<chat>)")->capture_default_str();
    chat_cmd->add_option("--sender", chat.sender, "Your name in the chat (default: $USER)");

    channels::SendOptions send;
    double timeout_s = 120;
    auto* send_cmd = app.add_subcommand("send", "Send one message and print the replies");
    send_cmd->add_option("--chat", send.chat, "Local chat name (JID local:<chat>)")->capture_default_str();
    send_cmd->add_option("--sender", send.sender, "Your name in the chat (default: $USER)");
    send_cmd->add_option("--timeout", timeout_s, "Seconds to wait for the reply")->capture_default_str();
    send_cmd->add_option("text", send.text, "The message")->required();

    bool status_json = false;
    auto* status_cmd = app.add_subcommand(
        "status", "Daemon state, channels, containers, groups, tasks and token usage");
    status_cmd->add_flag("--json", status_json, "One JSON document for scripts");

    ops::LogsOptions logs;
    auto* logs_cmd = app.add_subcommand("logs", "Show the daemon's log (journal or log file)");
    logs_cmd->add_flag("-f,--follow", logs.follow, "Keep printing lines as they are written");
    logs_cmd->add_option("-n,--lines", logs.lines, "Lines to show first")->capture_default_str();
    logs_cmd->add_flag("--errors", logs.errors, "The error log (raw stderr) instead");

    bool doctor_json = false;
    ops::DoctorOptions doctor;
    auto* doctor_cmd = app.add_subcommand("doctor", "Check every prerequisite; say how to fix each");
    doctor_cmd->add_flag("--json", doctor_json, "One JSON document for scripts");
    doctor_cmd->add_flag("--offline", doctor.offline, "No network calls (API and Telegram checks)");
    doctor_cmd->add_flag("!--no-container-probe", doctor.container_probe,
                         "Do not start a container to test the proxy address");
    auto* setup_cmd = app.add_subcommand(
        "setup", "Setup steps: nanoclaw setup --step <name> [args...] (prints a status block)");
    setup_cmd->prefix_command(); // every argument goes to the step, spec 30 §1.2
    CLI11_PARSE(app, argc, argv);
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
        return 0;
    }

    const auto env = core::process_env();
    core::init_logging(env.contains("LOG_LEVEL") ? env.at("LOG_LEVEL") : "warn", std::nullopt);
    try {
        const auto config = core::load_config(core::resolve_root(root, env), env);
        if (chat_cmd->parsed()) {
            chat.socket_path = channels::local_socket_path(config);
            return channels::run_chat(chat);
        }
        if (send_cmd->parsed()) {
            send.socket_path = channels::local_socket_path(config);
            send.timeout = std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
            send.show_progress = ::isatty(STDERR_FILENO) == 1;
            return channels::run_send(send);
        }
        if (status_cmd->parsed()) return ops::run_status(config, env, std::cout, status_json);
        if (logs_cmd->parsed()) return ops::run_logs(config, logs);
        if (doctor_cmd->parsed()) return ops::run_doctor(config, env, doctor, std::cout, doctor_json);
        if (setup_cmd->parsed()) {
            setup::SetupContext context{config, env, std::cout, std::cerr};
            context.sync_groups_in_daemon = [&config](std::chrono::milliseconds timeout) {
                return ops::query_sync_groups(channels::local_socket_path(config), timeout);
            };
            return setup::run_setup(setup_cmd->remaining(), context);
        }
    } catch (const std::exception& e) {
        std::cerr << "nanoclaw: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
