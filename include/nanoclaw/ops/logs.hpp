// SPDX-License-Identifier: MIT
// `nanoclaw logs [-f] [-n N] [--errors]`: the daemon's log, wherever the way it runs puts it
// (docs/operations.md, "Logs").
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::ops {

/// Where the log is. `journal`: the systemd unit leaves output to journald, read with
/// `journal_argv`; `file`: a plain file (NANOCLAW_LOG_FILE, the unit's `append:` target, or
/// logs/nanoclaw.log of the service files and the fallback script).
struct LogLocation {
    enum class Kind { file, journal };
    Kind kind = Kind::file;
    std::filesystem::path file;
    std::filesystem::path error_file; ///< raw stderr beside `file` (crashes before logging starts)
    std::vector<std::string> journal_argv;
    std::string why; ///< how it was decided, for the "no log" message
};

/// Where the unit files are looked for; tests point them into a temp dir.
struct UnitPaths {
    std::filesystem::path user_unit;   ///< ~/.config/systemd/user/nanoclaw.service
    std::filesystem::path system_unit; ///< /etc/systemd/system/nanoclaw.service (root only)
};

/// The default UnitPaths for `config` (system_unit empty unless running as root).
UnitPaths default_unit_paths(const core::Config& config);

/// NANOCLAW_LOG_FILE first; else an installed unit (journal, or its `append:`/`file:` target);
/// else logs/nanoclaw.log.
LogLocation locate_logs(const core::Config& config, const UnitPaths& units);

struct LogsOptions {
    bool follow = false;
    std::size_t lines = 50;
    bool errors = false; ///< the error log instead of the main one (file logs only)
    std::ostream* out = &std::cout;
    std::ostream* err = &std::cerr;
    std::chrono::milliseconds poll{250};
    /// While following: asked before each poll; following stops when it returns false.
    std::function<bool()> keep_following = [] { return true; };
};

/// Prints the last lines of a file log, then follows it (a truncated or replaced file is
/// reopened from its start). Returns 1 with the reason on `err` when there is no such file.
int show_file_log(const std::filesystem::path& file, const LogsOptions& options);

/// `nanoclaw logs`: a journal is handed to journalctl (exec, so -f and Ctrl-C behave as usual).
int run_logs(const core::Config& config, const LogsOptions& options);

/// The last `n` lines of `text` (all of it when it has fewer).
std::string_view last_lines(std::string_view text, std::size_t n);

} // namespace nanoclaw::ops
