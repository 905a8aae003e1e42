// SPDX-License-Identifier: MIT
// `nanoclaw setup --step mounts --empty | --json <json> | <stdin> [--force]` (spec 30 §7, §17.3):
// writes ~/.config/nanoclaw/mount-allowlist.json, the list of host folders groups may mount.
// Unlike v1, which wrote any JSON value back (§19 #9), the text must have the shape the daemon
// loads (invalid_schema), and a root that is the project root, lies inside it or contains it is
// refused (unsafe_root): the root holds .env, the database and every group's files.
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "nanoclaw/container/mount_security.hpp"
#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
constexpr const char* k_mounts_title = "CONFIGURE_MOUNTS";
constexpr const char* k_empty = "{\n  \"allowedRoots\": [],\n  \"blockedPatterns\": [],\n  \"nonMainReadOnly\": true\n}\n";

struct MountsArgs {
    bool empty = false, force = false;
    std::optional<std::string> json;
};

MountsArgs parse_mounts_args(const std::vector<std::string>& args) {
    MountsArgs m;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--empty") m.empty = true;
        if (args[i] == "--force") m.force = true;
        if (args[i] == "--json" && i + 1 < args.size() && !args[i + 1].empty()) m.json = args[++i];
    }
    return m;
}

int report(const SetupContext& ctx, const fs::path& file, const std::string& roots, const std::string& read_only,
           const std::string& status, const std::string& error, int code) {
    StatusBlock block(k_mounts_title);
    block.add("PATH", file.string()).add("ALLOWED_ROOTS", roots).add("NON_MAIN_READ_ONLY", read_only);
    block.add("STATUS", status);
    if (!error.empty()) block.add("ERROR", error);
    ctx.out << block.add("LOG", std::string(k_setup_log_path)).text();
    return code;
}

// The first allowed root that would expose the project root, with why.
std::optional<std::string> unsafe_root(const container::MountAllowlist& list, const SetupContext& ctx) {
    std::error_code ec;
    const auto project = fs::weakly_canonical(ctx.config.root, ec);
    for (const auto& root : list.allowed_roots) {
        const auto expanded = container::expand_host_path(root.path, ctx.config.home_dir, ctx.config.root);
        const auto real = fs::weakly_canonical(expanded, ec);
        if (const auto why = container::project_root_exposure(ec ? expanded : real, project)) return root.path + " " + *why;
    }
    return std::nullopt;
}

} // namespace

int mounts_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    const SetupLog log(ctx.config.root, "mounts");
    const auto m = parse_mounts_args(args);
    const fs::path file = ctx.config.mount_allowlist_path;
    std::error_code ec;
    if (fs::exists(file, ec) && !m.force) {
        log.line(file.string() + " exists; left as it is (--force replaces it)");
        return report(ctx, file, "0", "unknown", "skipped", "", k_exit_ok);
    }
    if (platform_of(ctx).root) log.line("running as root: the allowlist goes to root's home, " + file.string());
    std::string text;
    if (m.empty) {
        text = k_empty;
    } else {
        const std::string input = m.json ? *m.json : std::string(std::istreambuf_iterator<char>(std::cin), {});
        const auto json = nlohmann::ordered_json::parse(input, nullptr, false);
        if (json.is_discarded()) {
            log.line("not JSON: " + input.substr(0, 200));
            return report(ctx, file, "0", "unknown", "failed", "invalid_json", k_exit_bad_input);
        }
        const auto shape = container::parse_mount_allowlist(input);
        if (!shape) {
            log.line("not an allowlist: " + shape.error());
            return report(ctx, file, "0", "unknown", "failed", "invalid_schema", k_exit_bad_input);
        }
        if (const auto why = unsafe_root(*shape, ctx)) {
            log.line("refused: " + *why + " (it holds .env, the database and every group's files)");
            return report(ctx, file, "0", "unknown", "failed", "unsafe_root", k_exit_bad_input);
        }
        text = json.dump(2) + "\n";
    }
    fs::create_directories(file.parent_path());
    core::replace_file(file, text);
    const auto written = nlohmann::ordered_json::parse(text);
    const auto roots = written.contains("allowedRoots") && written["allowedRoots"].is_array() ? written["allowedRoots"].size() : 0;
    const bool read_only = !(written.contains("nonMainReadOnly") && written["nonMainReadOnly"] == false);
    log.line("wrote " + file.string() + " with " + std::to_string(roots) + " allowed root(s)");
    return report(ctx, file, std::to_string(roots), read_only ? "true" : "false", "success", "", k_exit_ok);
}

} // namespace nanoclaw::setup
