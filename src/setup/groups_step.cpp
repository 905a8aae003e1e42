// SPDX-License-Identifier: MIT
// `nanoclaw setup --step groups [--list] [--limit N]` (spec 30 §5): the WhatsApp groups the
// account is in, so the setup skill can offer them for registration. `--list` prints `jid|name`
// lines from the store (no block); without it the group names are synced first.
#include <algorithm>

#include <fmt/format.h>

#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"
#include "store_probe.hpp"

namespace nanoclaw::setup {
namespace {

constexpr std::int64_t k_default_limit = 30;

std::optional<std::string> flag_value(const std::vector<std::string>& args, const std::string& flag) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == flag && !args[i + 1].empty()) return args[i + 1];
    }
    return std::nullopt;
}

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

} // namespace

int groups_step(const std::vector<std::string>& args, const SetupContext& ctx) {
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
                       .add("LOG", std::string("logs/setup.log"))
                       .text();
        return k_exit_ok;
    }
    // v1 opened a second WhatsApp session beside the daemon's (§19 #28). Here the daemon's own
    // WhatsApp channel syncs group names at start-up and daily; this build has no WhatsApp
    // channel yet (issue 13), so there is nothing to ask and the stored names are reported.
    log.line("store/auth is present but this build has no WhatsApp channel to sync through");
    ctx.err << "This build of nanoclaw has no WhatsApp channel yet, so group names cannot be synced; "
               "`nanoclaw setup --step groups --list` shows the names already stored.\n";
    ctx.out << block.add("BUILD", std::string("skipped"))
                   .add("SYNC", std::string("failed"))
                   .add("GROUPS_IN_DB", std::to_string(whatsapp_group_count(db_file)))
                   .add("STATUS", std::string("failed"))
                   .add("ERROR", std::string("whatsapp_channel_unavailable"))
                   .add("LOG", std::string("logs/setup.log"))
                   .text();
    return k_exit_failed;
}

} // namespace nanoclaw::setup
