// SPDX-License-Identifier: MIT
// doctor: the install, the allowlist files, free disk space and the service.
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "doctor_checks.hpp"
#include "nanoclaw/container/mount_security.hpp"
#include "nanoclaw/ops/status.hpp"
#include "nanoclaw/router/sender_allowlist.hpp"
#include "nanoclaw/setup/service_state.hpp"
#include "shell_quote.hpp"

namespace nanoclaw::ops::doctor {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k_gib = std::uint64_t{1} << 30;

std::optional<std::string> read_file(const fs::path& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!(in && text << in.rdbuf()) && !fs::is_regular_file(path)) {
        error = "cannot read " + path.string() + " (" + std::strerror(errno) + ")";
        return std::nullopt;
    }
    return text.str();
}

} // namespace

Check check_share_dir(const Context& ctx) {
    if (ctx.config.share_dir.empty()) {
        return make_check("install", CheckStatus::fail,
                          ctx.config.share_dir_error.value_or("the shipped files were not found"),
                          "reinstall nanoclaw (cmake --install), or set NANOCLAW_SHARE_DIR to "
                          "the directory that holds container/agent-runner");
    }
    return make_check("install", CheckStatus::ok,
                      "shipped files in " + ctx.config.share_dir.string());
}

Check check_mount_allowlist(const Context& ctx) {
    const auto& path = ctx.config.mount_allowlist_path;
    if (!fs::exists(path)) {
        return make_check("mount_allowlist", CheckStatus::ok,
                          "none at " + path.string() + " (no extra directories can be mounted)");
    }
    std::string error;
    const auto text = read_file(path, error);
    auto parsed = text ? container::parse_mount_allowlist(*text)
                       : tl::expected<container::MountAllowlist, std::string>(tl::unexpect, error);
    const std::string reset =
        "fix " + shell_quote(path.string()) +
        ", or start over with no extra mounts: nanoclaw setup --step mounts --empty --force";
    if (!parsed) {
        return make_check("mount_allowlist", CheckStatus::fail,
                          path.string() + " is unusable (" + parsed.error() +
                              "): every extra mount is refused",
                          reset);
    }
    std::vector<std::string> missing, unsafe;
    std::error_code ec;
    const auto project = fs::weakly_canonical(ctx.config.root, ec);
    for (const auto& root : parsed->allowed_roots) {
        const auto expanded = container::expand_host_path(root.path, ctx.config.home_dir, ctx.config.root);
        if (!fs::exists(expanded, ec)) {
            missing.push_back(root.path);
        } else if (const auto why = container::project_root_exposure(fs::canonical(expanded, ec), project)) {
            unsafe.push_back(root.path + " " + *why);
        }
    }
    if (!unsafe.empty()) {
        return make_check("mount_allowlist", CheckStatus::warn,
                          fmt::format("unsafe allowed root(s): {}; mounts that reach the project root are refused",
                                      fmt::join(unsafe, "; ")),
                          "list narrower roots in " + shell_quote(path.string()) +
                              " (the project root holds .env, the database and every group's files)");
    }
    if (!missing.empty()) {
        return make_check(
            "mount_allowlist", CheckStatus::warn,
            fmt::format("allowed roots that do not exist: {}", fmt::join(missing, ", ")),
            "create them, or remove them from " + shell_quote(path.string()));
    }
    return make_check("mount_allowlist", CheckStatus::ok,
                      fmt::format("{} allowed root(s), {} blocked pattern(s)",
                                  parsed->allowed_roots.size(), parsed->blocked_patterns.size()));
}

Check check_sender_allowlist(const Context& ctx) {
    const auto& path = ctx.config.sender_allowlist_path;
    if (!fs::exists(path)) {
        return make_check("sender_allowlist", CheckStatus::ok,
                          "none at " + path.string() +
                              " (anyone in a registered chat may trigger)");
    }
    std::string error;
    const auto text = read_file(path, error);
    const std::string fix = "fix " + shell_quote(path.string()) + " (docs: sender allowlist)";
    if (!text) return make_check("sender_allowlist", CheckStatus::fail, error, fix);
    const auto whole = nlohmann::json::parse(*text, nullptr, false);
    if (!whole.is_object()) {
        // The daemon falls back to allowing everyone: the rules someone wrote do not apply.
        return make_check(
            "sender_allowlist", CheckStatus::fail,
            path.string() +
                " is not a JSON object: the daemon ignores it and lets everyone trigger",
            fix);
    }
    const auto parsed = router::parse_sender_allowlist(*text);
    if (!parsed.warnings.empty()) {
        return make_check("sender_allowlist", CheckStatus::warn,
                          fmt::format("parts are ignored: {}", fmt::join(parsed.warnings, "; ")),
                          fix);
    }
    return make_check("sender_allowlist", CheckStatus::ok,
                      fmt::format("{} per-chat rule(s)", parsed.allowlist.chats.size()));
}

Check check_disk(const Context& ctx) {
    struct statvfs fs_info {};
    if (::statvfs(ctx.config.root.c_str(), &fs_info) != 0) {
        return make_check("disk", CheckStatus::warn,
                          "cannot read free space of " + ctx.config.root.string(),
                          "check that the root exists: " + ctx.config.root.string());
    }
    const std::uint64_t free = std::uint64_t{fs_info.f_bavail} * fs_info.f_frsize;
    const std::string detail = fmt::format(
        "{:.1f} GiB free for {}", static_cast<double>(free) / k_gib, ctx.config.root.string());
    const std::string fix =
        "free space there (per-run logs: groups/*/logs; unused images: docker image prune)";
    if (free < k_gib) return make_check("disk", CheckStatus::fail, detail, fix);
    if (free < 5 * k_gib) return make_check("disk", CheckStatus::warn, detail, fix);
    return make_check("disk", CheckStatus::ok, detail);
}

Check check_service(const Context& ctx) {
    std::ostringstream discard;
    const setup::SetupContext setup_ctx{ctx.config, ctx.env, discard,
                                        discard,    nullptr, &ctx.platform};
    const auto status = setup::service_status(setup_ctx);
    const std::string manager(setup::to_string(status.manager));
    if (status.daemon_pid) {
        const std::string pid = std::to_string(*status.daemon_pid);
        if (!ctx.live && ctx.config.local_channel) {
            return make_check("service", CheckStatus::warn,
                              "nanoclawd runs (pid " + pid + ") but does not answer on its socket",
                              "see its log: nanoclaw logs");
        }
        return make_check("service", CheckStatus::ok, "nanoclawd is running (pid " + pid + ")");
    }
    if (status.state == setup::ServiceState::running) {
        return make_check("service", CheckStatus::ok, "the " + manager + " service is running");
    }
    if (status.state == setup::ServiceState::stopped) {
        return make_check("service", CheckStatus::fail,
                          "the " + manager + " service is installed but not running",
                          start_command(ctx.config, ctx.env) +
                              "   (why it stopped: nanoclaw logs)");
    }
    return make_check("service", CheckStatus::fail,
                      "nanoclawd is not running and no service is installed",
                      "nanoclaw setup --step service   (or by hand: nanoclawd --root " +
                          shell_quote(ctx.config.root.string()) + ")");
}

} // namespace nanoclaw::ops::doctor
