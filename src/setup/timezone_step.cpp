// SPDX-License-Identifier: MIT
// `nanoclaw setup --step timezone [--tz <IANA>]` (spec 30 §17.1): the zone scheduled tasks and
// message times use. The first valid candidate of --tz, .env's TZ, the process's TZ and the
// system's zone wins and is written to .env; with none, the block asks the user for one.
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "env_edit.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {
namespace {

std::optional<std::string> non_empty(const core::EnvMap& env, const char* key) {
    const auto it = env.find(key);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

// v1 takes the element after the first --tz whatever it is; an empty or flag-like value simply
// fails validation below and the next candidate is tried.
std::optional<std::string> flag_value(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--tz") return args[i + 1];
    }
    return std::nullopt;
}

} // namespace

int timezone_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    const SetupLog log(ctx.config.root, "timezone");
    const auto env_file = ctx.config.root / ".env";
    auto file_tz = first_env_value(env_file, "TZ");
    if (file_tz && file_tz->empty()) file_tz.reset();
    const auto process_tz = non_empty(ctx.env, "TZ");
    const std::string system_tz = platform_of(ctx).time_zone;
    const auto user_tz = flag_value(args);
    if (user_tz && !core::is_valid_timezone(*user_tz)) log.line("--tz " + *user_tz + " is not a known IANA zone");

    std::optional<std::string> resolved;
    for (const auto& candidate : {user_tz, file_tz, process_tz, std::optional<std::string>(system_tz)}) {
        if (candidate && !candidate->empty() && core::is_valid_timezone(*candidate)) {
            resolved = candidate;
            break;
        }
    }
    if (resolved && resolved != file_tz) {
        set_env_line(env_file, "TZ", "TZ=" + *resolved);
        log.line("set TZ=" + *resolved + " in .env (a running daemon uses it after a restart)");
    } else if (!resolved) {
        log.line("no valid time zone found: ask the user and run again with --tz <Area/City>");
    }
    ctx.out << StatusBlock("TIMEZONE")
                   .add("SYSTEM_TZ", system_tz.empty() ? std::string("unknown") : system_tz)
                   .add("ENV_TZ", process_tz.value_or("unset"))
                   .add("ENV_FILE_TZ", file_tz.value_or("unset"))
                   .add("RESOLVED_TZ", resolved.value_or("none"))
                   .add("NEEDS_USER_INPUT", !resolved)
                   .add("STATUS", std::string(resolved ? "success" : "needs_input"))
                   .text();
    return k_exit_ok;
}

} // namespace nanoclaw::setup
