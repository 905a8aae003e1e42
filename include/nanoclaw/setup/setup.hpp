// SPDX-License-Identifier: MIT
// `nanoclaw setup --step <name> [args...]` (spec 30 §1): argument handling, the step table and
// the exit-code convention (0 ok, 1 failed, 2 runtime missing, 3 timed out, 4 bad input).
#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <tl/expected.hpp>

#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/setup/platform.hpp"

namespace nanoclaw::setup {

/// What a step works with; the streams are the CLI's stdout and stderr.
struct SetupContext {
    const core::Config& config;
    const core::EnvMap& env;
    std::ostream& out;
    std::ostream& err;
    const core::Clock* clock = nullptr; ///< "now" for stored timestamps; null = the system clock
    const Platform* platform = nullptr; ///< the machine; null = detect_platform(env)
    /// Asks the running daemon to sync its channels' groups now and returns the answer's
    /// `channels` array (ops::query_sync_groups; the CLI wires it in, as ops comes after setup in
    /// the component order). Null: a running daemon is left to sync by itself.
    std::function<tl::expected<nlohmann::json, std::string>(std::chrono::milliseconds)>
        sync_groups_in_daemon = nullptr;
};

/// The context's platform, or the detected one.
Platform platform_of(const SetupContext& context);

/// `systemctl` for root, `systemctl --user` otherwise (spec 30 §8.4): the unit nanoclawd runs as.
std::vector<std::string> systemctl_prefix(const Platform& platform);

/// Exit codes shared by every step (spec 30 §1.4).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_runtime_missing = 2;
inline constexpr int k_exit_timed_out = 3;
inline constexpr int k_exit_bad_input = 4;

/// Runs the step named after the first `--step` in `args` with the remaining arguments (every
/// literal `--` dropped). Usage errors and unknown steps print to `err` and return 1.
int run_setup(const std::vector<std::string>& args, const SetupContext& context);

/// The step names in table order.
std::vector<std::string> step_names();

/// `register`: validates --jid/--name/--trigger/--folder (strictly parsed), writes the
/// registered_groups row, creates groups/<folder>/ with its CLAUDE.md, applies
/// --assistant-name, and prints a REGISTER_CHANNEL block (spec 30 §6, §17.2). A running daemon
/// notices the new row by itself (the store's data_version) and serves the group at once.
int register_step(const std::vector<std::string>& args, const SetupContext& context);

/// `timezone`: resolves TZ from --tz, .env, the environment or the system and writes it to .env
/// (spec 30 §17.1); TIMEZONE block, always exit 0.
int timezone_step(const std::vector<std::string>& args, const SetupContext& context);

/// `environment`: read-only survey of the machine and the root (spec 30 §3).
int environment_step(const std::vector<std::string>& args, const SetupContext& context);

/// `container --runtime docker|apple-container`: builds and smoke-tests the agent image (§4).
int container_step(const std::vector<std::string>& args, const SetupContext& context);

/// `groups [--list] [--limit N]`: lists WhatsApp groups from the store, or syncs their names (§5):
/// left to a running daemon, else straight through the WhatsApp bridge.
int groups_step(const std::vector<std::string>& args, const SetupContext& context);

/// `mounts --empty | --json <json> | stdin [--force]`: writes the mount allowlist (§7, §17.3).
int mounts_step(const std::vector<std::string>& args, const SetupContext& context);

/// `service [--system]`: installs nanoclawd as a systemd unit, launchd agent or nohup script and
/// starts it (§8, §17.4; docs/service.md). --system insists on a system unit (root only).
int service_step(const std::vector<std::string>& args, const SetupContext& context);

/// `verify`: is everything in place for the assistant to answer (§10)?
int verify_step(const std::vector<std::string>& args, const SetupContext& context);

/// `telegram`: checks TELEGRAM_BOT_TOKEN with getMe and prints the bot in a SETUP_TELEGRAM block.
int telegram_step(const std::vector<std::string>& args, const SetupContext& context);

/// `whatsapp-auth --method qr-browser|qr-terminal|pairing-code [--phone N] [--keep]`: links
/// WhatsApp through the bridge and prints AUTH_WHATSAPP blocks (§11; nanoclaw/setup/whatsapp.hpp).
int whatsapp_auth_step(const std::vector<std::string>& args, const SetupContext& context);

} // namespace nanoclaw::setup
