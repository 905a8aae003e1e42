// SPDX-License-Identifier: MIT
// `nanoclaw status`: is the daemon running, and what is it doing? Live state from the daemon
// (ops::query_daemon_status), everything else (groups, tasks, token usage) from the database.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::ops {

/// The whole report as `nanoclaw status --json` prints it: root, cli_version, daemon {running,
/// ... live fields, or reason and start}, database, groups, tasks (with next_run), usage.
nlohmann::json gather_status(const core::Config& config, const core::EnvMap& env);

/// The report for a person: one section per topic, times relative to `now_ms` (epoch ms).
void print_status(const nlohmann::json& report, std::ostream& out, long long now_ms);

/// Gathers and prints; returns 0 when the daemon runs, 3 when it does not (the LSB status code
/// systemctl uses too), 1 when the database cannot be read.
int run_status(const core::Config& config, const core::EnvMap& env, std::ostream& out, bool json);

/// The one command that starts the daemon here: the service manager's when a service is
/// installed, the fallback script when it exists, else nanoclawd by hand.
std::string start_command(const core::Config& config, const core::EnvMap& env);
/// Likewise, the command that restarts a running daemon (a .env change needs one).
std::string restart_command(const core::Config& config, const core::EnvMap& env);

/// "3d 4h", "2h 5m", "4m 10s", "12s".
std::string format_duration(long long seconds);

} // namespace nanoclaw::ops
