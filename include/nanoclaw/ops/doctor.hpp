// SPDX-License-Identifier: MIT
// `nanoclaw doctor`: every prerequisite checked, each failure with the exact command that fixes
// it (docs/operations.md lists the checks).
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::ops {

enum class CheckStatus { ok, warn, fail, skip };

/// One checked prerequisite. `fix` is set for warn and fail: a command, or the one thing to do.
struct Check {
    std::string name;
    CheckStatus status = CheckStatus::ok;
    std::string detail;
    std::string fix;
};

struct DoctorOptions {
    /// No network calls (the API preflight and Telegram's getMe); also NANOCLAW_PREFLIGHT=off.
    bool offline = false;
    std::chrono::milliseconds api_timeout{20'000};
    std::chrono::milliseconds runtime_timeout{15'000};
    /// Start a throw-away container that connects to the running daemon's credential proxy.
    bool container_probe = true;
};

/// Runs every check in order (later ones use what earlier ones found: no image check without a
/// runtime). Never throws for what it checks.
std::vector<Check> run_checks(const core::Config& config, const core::EnvMap& env,
                              const DoctorOptions& options);

/// "ok", "warn", "fail", "skip".
std::string_view to_string(CheckStatus status);
/// The check named `name`, or nullptr.
const Check* find_check(const std::vector<Check>& checks, std::string_view name);

/// One line per check, the fix under each problem, a summary line.
void print_checks(const std::vector<Check>& checks, std::ostream& out);
/// {"ok": bool, "checks": [{name, status, detail, fix?}]}.
nlohmann::ordered_json checks_json(const std::vector<Check>& checks);
/// 1 when a check failed, else 0.
int doctor_exit_code(const std::vector<Check>& checks);

/// `nanoclaw doctor [--json] [--offline]`: runs, prints, returns doctor_exit_code.
int run_doctor(const core::Config& config, const core::EnvMap& env, const DoctorOptions& options,
               std::ostream& out, bool json);

} // namespace nanoclaw::ops
