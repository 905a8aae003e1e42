// SPDX-License-Identifier: MIT
// The CLI side of the local channel: `nanoclaw chat` and `nanoclaw send` (docs/local-channel.md).
// Each call runs its own io_context and blocks until done.
#pragma once

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

namespace nanoclaw::channels {

/// Options of `nanoclaw chat [--chat C] [--sender S]`.
struct ChatOptions {
    std::filesystem::path socket_path; ///< local_socket_path(config)
    std::string chat = "main";
    std::string sender; ///< empty: $USER, else "user"
    int input_fd = 0;   ///< lines typed by the user (stdin)
    std::ostream* out = &std::cout;
    std::ostream* err = &std::cerr;
    /// When input is not a terminal and ends, how long to wait for the last turn to finish.
    std::chrono::milliseconds drain_timeout{120'000};
};

/// Options of `nanoclaw send [--chat C] [--timeout S] TEXT`.
struct SendOptions {
    std::filesystem::path socket_path;
    std::string chat = "main";
    std::string sender; ///< empty: $USER, else "user"
    std::string text;
    std::chrono::milliseconds timeout{120'000};
    /// With no typing events, the turn counts as finished once replies stop for this long.
    std::chrono::milliseconds settle{3'000};
    /// Show the run's progress (typing, status) on one rewritten line of `err`; the CLI sets it
    /// when stderr is a terminal, so scripts reading the output see only replies and errors.
    bool show_progress = false;
    std::ostream* out = &std::cout;
    std::ostream* err = &std::cerr;
};

/// What run_chat and run_send return when they time out (the convention of timeout(1)).
inline constexpr int k_exit_timeout = 124;

/// Interactive client: reads lines from input_fd, prints replies as they arrive (a spinner while
/// the assistant is typing, on a terminal). Ctrl-D leaves. Returns the process exit code.
int run_chat(const ChatOptions& options);

/// Sends one message and prints each reply text on `out`. Returns 0 when the agent's turn ends,
/// 1 with a message on `err` when the daemon is not running, reports an error, or closes the
/// connection, 3 when the turn ended without any reply (a failed run), and 124 on timeout.
int run_send(const SendOptions& options);

/// `sender` when non-empty, else $USER, else "user".
std::string default_sender(const std::string& sender);

} // namespace nanoclaw::channels
