// SPDX-License-Identifier: MIT
// The programs setup steps run (docker, systemctl, launchctl, loginctl): found on the PATH of the
// environment the step was given, run with that environment, a time limit and captured output.
// Tests put recording stubs first on that PATH (spec 30 test catalogue, [SYS]).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::setup {

struct CommandSpec {
    std::vector<std::string> argv;          ///< argv[0] is looked up on PATH unless it has a '/'
    const core::EnvMap* env = nullptr;      ///< the child's environment and PATH (null: empty)
    std::filesystem::path cwd;              ///< empty: the caller's
    std::optional<std::string> input;       ///< written to stdin, then closed (default: /dev/null)
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};
};

struct CommandResult {
    bool started = false;          ///< false: not found on PATH or not executable
    std::optional<int> exit_code;  ///< nullopt: killed by a signal or the time limit
    bool timed_out = false;
    std::string out;               ///< stdout (capped at 4 MiB)
    std::string err;               ///< stderr (capped), or why it did not start

    bool ok() const { return exit_code == 0; }
};

/// `name` as an executable file on env's PATH (or `name` itself when it contains '/').
std::optional<std::filesystem::path> find_program(std::string_view name, const core::EnvMap& env);

/// Runs the command to its end (or its time limit, when it is killed). Never throws for the
/// command's own failures; they are in the result.
CommandResult run_program(const CommandSpec& spec);

} // namespace nanoclaw::setup
