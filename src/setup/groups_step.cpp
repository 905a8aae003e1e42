// SPDX-License-Identifier: MIT
// `nanoclaw setup --step groups [--list] [--limit N]` (spec 30 §5): the WhatsApp groups the
// account is in, so the setup skill can offer them for registration. `--list` prints `jid|name`
// lines from the store (no block); without it the group names are synced first: by the running
// daemon's own WhatsApp channel, else directly through the bridge.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "nanoclaw/setup/whatsapp.hpp"
#include "setup_log.hpp"
#include "step_args.hpp"
#include "store_probe.hpp"
#include "whatsapp_group_sync.hpp"

namespace nanoclaw::setup {
namespace {

constexpr std::int64_t k_default_limit = 30;

// One line per group; a line break in a name would split the line, so it becomes a space.
std::string list_line(const std::string& jid, std::string name) {
    for (auto& c : name) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return jid + "|" + name + "\n";
}

int list_groups(const SetupContext& ctx, std::int64_t limit) {
    const auto db_file = ctx.config.store_dir / "messages.db";
    std::error_code ec;
    if (!std::filesystem::exists(db_file, ec)) {
        ctx.err << "ERROR: database not found\n";
        return k_exit_failed;
    }
    for (const auto& [jid, name] : named_whatsapp_groups(db_file, limit))
        ctx.out << list_line(jid, name);
    return k_exit_ok;
}

// The daemon's answer for its WhatsApp channel: [{"name","ok","groups","error"}...].
tl::expected<int, GroupSyncFailure> sync_in_daemon(const SetupContext& ctx, const SetupLog& log, pid_t pid,
                                                   std::chrono::milliseconds timeout) {
    log.line(fmt::format("asking nanoclawd (PID {}) to sync its groups", pid));
    const auto answer = ctx.sync_groups_in_daemon(timeout);
    if (!answer) {
        return tl::make_unexpected(
            GroupSyncFailure{"daemon_unreachable", "nanoclawd (PID " + std::to_string(pid) + "): " + answer.error()});
    }
    for (const auto& channel : *answer) {
        if (!channel.is_object() || channel.value("name", std::string()) != "whatsapp") continue;
        if (!channel.value("ok", false)) {
            return tl::make_unexpected(
                GroupSyncFailure{"sync_failed", "the daemon's WhatsApp channel: " + channel.value("error", std::string())});
        }
        return channel.value("groups", 0);
    }
    return tl::make_unexpected(GroupSyncFailure{
        "whatsapp_not_running", "nanoclawd (PID " + std::to_string(pid) +
                                    ") runs without a WhatsApp channel (its log says why); restart it "
                                    "once the bridge is built and WhatsApp linked"});
}

} // namespace

int groups_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    return groups_step(args, ctx, GroupSyncOptions{});
}

int groups_step(const std::vector<std::string>& args, const SetupContext& ctx, const GroupSyncOptions& options) {
    const SetupLog log(ctx.config.root, "groups");
    std::int64_t limit = k_default_limit;
    if (const auto text = flag_value(args, "--limit")) {
        // v1 parsed with parseInt ("10abc" is 10); a value with no number at all was an SQL error.
        const auto parsed = core::js_parse_int(*text);
        if (!parsed) throw std::runtime_error("--limit " + *text + " is not a number");
        limit = *parsed;
    }
    if (std::find(args.begin(), args.end(), "--list") != args.end()) return list_groups(ctx, limit);

    const auto db_file = ctx.config.store_dir / "messages.db";
    StatusBlock block("SYNC_GROUPS");
    if (!non_empty_directory(ctx.config.store_dir / "auth")) {
        log.line("store/auth is empty: WhatsApp is not linked, nothing to sync");
        ctx.out << block.add("BUILD", std::string("skipped"))
                       .add("SYNC", std::string("skipped"))
                       .add("GROUPS_IN_DB", std::to_string(whatsapp_group_count(db_file)))
                       .add("REASON", std::string("whatsapp_not_configured"))
                       .add("STATUS", std::string("success"))
                       .add("LOG", std::string(k_setup_log_path))
                       .text();
        return k_exit_ok;
    }
    const auto pid = core::running_daemon_pid(core::daemon_lock_path(ctx.config.data_dir));
    if (pid && !ctx.sync_groups_in_daemon) {
        // v1 opened a second WhatsApp session beside the daemon's, and one knocked the other off
        // (§19 #28). The daemon's channel syncs names itself, at start-up and every 24 h.
        log.line(fmt::format("nanoclawd (PID {}) runs on this root and syncs group names itself", *pid));
        ctx.err << fmt::format("nanoclawd (PID {}) is running: its WhatsApp channel keeps group names "
                               "current (at start-up and every 24 h). `nanoclaw setup --step groups "
                               "--list` shows them.\n",
                               *pid);
        ctx.out << block.add("BUILD", std::string("skipped"))
                       .add("SYNC", std::string("skipped"))
                       .add("GROUPS_IN_DB", std::to_string(whatsapp_group_count(db_file)))
                       .add("REASON", std::string("daemon_running"))
                       .add("STATUS", std::string("success"))
                       .add("LOG", std::string(k_setup_log_path))
                       .text();
        return k_exit_ok;
    }
    // §5.2's port recommendation: the running daemon syncs through its own session; only without
    // one does this step open a session itself.
    const auto synced = pid ? sync_in_daemon(ctx, log, *pid, options.timeout)
                            : sync_groups_directly(ctx, log, options.timeout);
    if (synced) log.line(fmt::format("synced {} group names", *synced));
    else {
        log.line("sync failed: " + synced.error().error + ": " + synced.error().detail);
        ctx.err << "Group sync failed: " << synced.error().detail << "\n";
    }
    block.add("BUILD", std::string("skipped")) // nothing to build: the bridge is built once
        .add("SYNC", std::string(synced ? "success" : "failed"))
        .add("GROUPS_IN_DB", std::to_string(whatsapp_group_count(db_file)))
        .add("STATUS", std::string(synced ? "success" : "failed"));
    if (!synced) block.add("ERROR", synced.error().error);
    ctx.out << block.add("LOG", std::string(k_setup_log_path)).text();
    return synced ? k_exit_ok : k_exit_failed;
}

} // namespace nanoclaw::setup
