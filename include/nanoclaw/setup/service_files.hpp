// SPDX-License-Identifier: MIT
// The service definitions `setup --step service` writes (spec 30 §8, §9, §17.4): the systemd unit,
// the launchd agent and the nohup start script. Pure text generators, so golden files pin them.
// v1's identity is kept (unit `nanoclaw`, label `com.nanoclaw`, paths, log files, HOME and PATH);
// every value is escaped for its format (§19 #12, #13). docs/service.md explains each line.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nanoclaw::setup {

/// What every definition names; all absolute.
struct ServiceLayout {
    std::filesystem::path daemon; ///< the nanoclawd to run
    std::filesystem::path root;   ///< PROJECT_ROOT: `--root` and the working directory
    std::filesystem::path home;   ///< HOME of the service
};

enum class UnitScope { user, system };

struct UnitOptions {
    UnitScope scope = UnitScope::user;
    /// The sandboxing directives. Off when the container runtime runs its containers inside the
    /// service itself (podman has no daemon), which they would break.
    bool sandbox = true;
};

inline constexpr const char* k_unit_name = "nanoclaw";
inline constexpr const char* k_launchd_label = "com.nanoclaw";
/// WatchdogSec= of the unit; nanoclawd pings from its event loop at half of it.
inline constexpr int k_watchdog_seconds = 60;

/// nanoclaw.service for the user manager (WantedBy=default.target) or the system one
/// (multi-user.target): Type=notify, Restart=on-failure, journald, sandboxed.
std::string systemd_unit(const ServiceLayout& layout, const UnitOptions& options);

/// ~/Library/LaunchAgents/com.nanoclaw.plist.
std::string launchd_plist(const ServiceLayout& layout);

/// start-nanoclaw.sh: stops the previous daemon by its PID files, then starts one under nohup.
std::string nohup_script(const ServiceLayout& layout);

/// One ExecStart= word: as is when safe, else double-quoted with C escapes; `%` and `$` doubled
/// so systemd neither expands specifiers nor variables in it.
std::string systemd_exec_word(std::string_view word);

/// `text` with & < > " ' as XML entities.
std::string xml_escape(std::string_view text);

/// `text` in single quotes for sh/bash (`'` becomes `'\''`): nothing inside expands.
std::string shell_quote(std::string_view text);

/// True when `text` holds a control character (newline, tab, ...): such a path cannot be
/// written into every format safely, so the step refuses it.
bool has_control_character(std::string_view text);

} // namespace nanoclaw::setup
