// SPDX-License-Identifier: MIT
// `nanoclaw setup --step register` (spec 30 §6, §17.2): one chat becomes a registered group.
// Deliberate differences from v1 (§19): flags are parsed strictly, a folder owned by another JID
// is refused instead of silently deleting that group, the name rewrite is literal, `.env` is
// edited line by line, and what happened is logged to logs/setup.log, not stdout.

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <tl/expected.hpp>

#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/group_files.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "nanoclaw/store/store.hpp"
#include "nanoclaw/core/whole_file.hpp"
#include "env_edit.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_register_title = "REGISTER_CHANNEL";
constexpr const char* k_default_name = "Andy";

struct RegisterArgs {
    std::string jid, name, trigger, folder;
    std::string channel = "whatsapp"; // v1's default, for installs older than --channel
    std::string assistant_name = k_default_name;
    bool requires_trigger = true;
    bool is_main = false;
};

// Every value flag needs a value that is not itself a flag: v1 took the next token blindly, so
// `--jid --name X` registered the JID "--name". Other tokens are ignored, as in v1.
tl::expected<RegisterArgs, std::string> parse_register_args(const std::vector<std::string>& args) {
    RegisterArgs r;
    const std::map<std::string, std::string*> values{
        {"--jid", &r.jid},         {"--name", &r.name},
        {"--trigger", &r.trigger}, {"--folder", &r.folder},
        {"--channel", &r.channel}, {"--assistant-name", &r.assistant_name}};
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--no-trigger-required") {
            r.requires_trigger = false;
        } else if (args[i] == "--is-main") {
            r.is_main = true;
        } else if (auto flag = values.find(args[i]); flag != values.end()) {
            if (i + 1 == args.size())
                return tl::make_unexpected(args[i] + " has no value (last argument)");
            if (args[i + 1].starts_with("--")) {
                return tl::make_unexpected(args[i] + " has no value (the next argument is " +
                                           args[i + 1] + ")");
            }
            *flag->second = args[++i];
        }
    }
    std::transform(r.channel.begin(), r.channel.end(), r.channel.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (r.assistant_name.empty()) r.assistant_name = k_default_name;
    return r;
}

int fail(const SetupContext& ctx, const SetupLog& log, const std::string& error,
         const std::string& detail) {
    log.line("failed: " + error + ": " + detail);
    ctx.out << StatusBlock(k_register_title)
                   .add("STATUS", std::string("failed"))
                   .add("ERROR", error)
                   .add("LOG", std::string(k_setup_log_path))
                   .text();
    return k_exit_bad_input;
}

// §19 #3: the channel is neither stored nor enforced (the JID decides which channel serves the
// chat), but a JID that cannot belong to it is almost always a mistake worth a log line.
void check_channel(const RegisterArgs& r, const SetupLog& log) {
    const std::map<std::string, std::vector<std::string>> shapes{
        {"telegram", {"tg:"}},
        {"whatsapp", {"@g.us", "@s.whatsapp.net"}},
        {"local", {"local:"}},
        {"slack", {}},
        {"discord", {}}};
    const auto shape = shapes.find(r.channel);
    if (shape == shapes.end()) {
        log.line("warning: unknown channel \"" + r.channel + "\" (registered anyway)");
        return;
    }
    const auto& marks = shape->second;
    const bool fits =
        marks.empty() || std::any_of(marks.begin(), marks.end(), [&](const std::string& m) {
            return m.back() == ':' ? r.jid.starts_with(m) : r.jid.ends_with(m);
        });
    if (!fits) {
        log.line(fmt::format("warning: JID {} does not look like a {} chat ({}); registered anyway",
                             r.jid, r.channel, fmt::join(marks, " or ")));
    }
}

const core::Clock& clock_of(const SetupContext& ctx) {
    static const core::SystemClock system_clock;
    return ctx.clock != nullptr ? *ctx.clock : system_clock;
}

// Writes the row unless another JID owns the folder (v1 silently deleted that group). Returns
// the owner's JID when refused.
tl::expected<void, std::string> write_row(const SetupContext& ctx, const RegisterArgs& r,
                                          const SetupLog& log) {
    std::error_code ec;
    fs::create_directories(ctx.config.data_dir, ec);
    auto store = store::Store::open(
        ctx.config.store_dir / "messages.db",
        store::StoreOptions(clock_of(ctx), ctx.config.assistant_name, ctx.config.data_dir));
    if (auto owner = store.get_registered_group_by_folder(r.folder); owner && owner->jid != r.jid) {
        return tl::make_unexpected(owner->jid);
    }
    if (auto previous = store.get_registered_group(r.jid)) {
        log.line("replacing the registration of " + r.jid + " (folder " + previous->group.folder +
                 (previous->group.container_config ? "; its container_config is cleared" : "") +
                 ")");
    }
    if (r.is_main) {
        for (const auto& [jid, g] : store.get_all_registered_groups())
            if (g.main() && jid != r.jid)
                log.line("warning: " + jid + " is a main group too (folder " + g.folder + ")");
    }
    const core::RegisteredGroup group{
        r.name,       r.folder,           r.trigger, core::format_iso(clock_of(ctx).now()),
        std::nullopt, r.requires_trigger, r.is_main};
    // Checked again inside the write's transaction: a race with another registration loses cleanly.
    if (auto ok = store.register_group_checked(r.jid, group); !ok) {
        const auto owner = store.get_registered_group_by_folder(r.folder);
        return tl::make_unexpected(owner ? owner->jid : ok.error());
    }
    log.line("wrote registered_groups row for " + r.jid + " to " +
             (ctx.config.store_dir / "messages.db").string());
    return {};
}

// §17.2: every groups/*/CLAUDE.md gets the new name. Only regular files: the group folders are
// writable by containers, and a link planted there must not redirect the rewrite.
void rename_everywhere(const SetupContext& ctx, const std::string& name, const SetupLog& log) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(ctx.config.groups_dir, ec)) {
        const auto memory = entry.path() / "CLAUDE.md";
        if (!entry.is_directory(ec) || !fs::is_regular_file(fs::symlink_status(memory, ec)))
            continue;
        const auto text = core::read_whole_file(memory);
        if (core::replace_file_if_changed(memory, core::rename_assistant(text, name)))
            log.line("renamed the assistant to " + name + " in " + memory.string());
    }
    // §19 #7: a line edit, not v1's substring test that a commented line could block.
    set_env_line(ctx.config.root / ".env", "ASSISTANT_NAME", "ASSISTANT_NAME=\"" + name + "\"");
    log.line("set ASSISTANT_NAME=\"" + name +
             "\" in .env (a running daemon keeps its old name until restarted)");
}

std::optional<std::string> validate(const RegisterArgs& r) {
    if (r.jid.empty() || r.name.empty() || r.trigger.empty() || r.folder.empty())
        return "missing_required_args";
    if (!core::is_valid_group_folder(r.folder)) return "invalid_folder";
    // A line break would end the .env line and start another one.
    if (std::any_of(r.assistant_name.begin(), r.assistant_name.end(),
                    [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
        return "invalid_assistant_name";
    }
    return std::nullopt;
}

} // namespace

int register_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    const SetupLog log(ctx.config.root, "register");
    const auto parsed = parse_register_args(args);
    if (!parsed) return fail(ctx, log, "missing_flag_value", parsed.error());
    const auto& r = *parsed;
    if (auto error = validate(r)) {
        return fail(ctx, log, *error,
                    fmt::format("jid={:?} name={:?} trigger={:?} folder={:?} assistant-name={:?}",
                                r.jid, r.name, r.trigger, r.folder, r.assistant_name));
    }
    log.line(fmt::format(
        "registering {} name={:?} folder={} channel={} trigger={:?} requires_trigger={} "
        "main={}",
        r.jid, r.name, r.folder, r.channel, r.trigger, r.requires_trigger, r.is_main));
    check_channel(r, log);
    if (auto written = write_row(ctx, r, log); !written) {
        return fail(ctx, log, "folder_in_use",
                    "folder " + r.folder + " belongs to " + written.error() +
                        "; pick another --folder, or register " + written.error() +
                        " elsewhere first");
    }
    // A new CLAUDE.md is written with the name the assistant will have: the one given here,
    // else the configured one (what the daemon would write for a group registered over IPC).
    const bool rename = r.assistant_name != k_default_name;
    auto config = ctx.config;
    if (rename) config.assistant_name = r.assistant_name;
    const core::RegisteredGroup group{r.name, r.folder,           r.trigger, {},
                                      {},     r.requires_trigger, r.is_main};
    const auto made = core::create_group_files(config, group);
    if (!made) throw std::runtime_error(made.error());
    if (*made) log.line("created groups/" + r.folder + "/CLAUDE.md from " + (*made)->string());
    if (rename) rename_everywhere(ctx, r.assistant_name, log);
    log.line("done; a running daemon serves " + r.jid +
             " from its next message, without a restart");
    ctx.out << StatusBlock(k_register_title)
                   .add("JID", r.jid)
                   .add("NAME", r.name)
                   .add("FOLDER", r.folder)
                   .add("CHANNEL", r.channel)
                   .add("TRIGGER", r.trigger)
                   .add("REQUIRES_TRIGGER", r.requires_trigger)
                   .add("ASSISTANT_NAME", r.assistant_name)
                   .add("NAME_UPDATED", rename)
                   .add("STATUS", std::string("success"))
                   .add("LOG", std::string(k_setup_log_path))
                   .text();
    return k_exit_ok;
}

} // namespace nanoclaw::setup
