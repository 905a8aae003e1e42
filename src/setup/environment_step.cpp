// SPDX-License-Identifier: MIT
// `nanoclaw setup --step environment` (spec 30 §3): what is on this machine and in this root, so
// the setup skill knows which steps are left. Read-only; always exits 0.
#include "nanoclaw/setup/command.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"
#include "store_probe.hpp"

namespace nanoclaw::setup {
namespace {

using namespace std::chrono_literals;

// "not_found", "running" when `docker info` answers, else "installed_not_running".
std::string docker_state(const SetupContext& ctx, const SetupLog& log) {
    if (!find_program("docker", ctx.env)) return "not_found";
    const auto info = run_program(CommandSpec{{"docker", "info"}, &ctx.env, {}, std::nullopt, 20s});
    if (info.ok()) return "running";
    log.line("docker info failed: " + (info.timed_out ? std::string("no answer in 20 s") : info.err));
    return "installed_not_running";
}

bool has_registered_groups(const SetupContext& ctx) {
    std::error_code ec;
    if (std::filesystem::exists(ctx.config.data_dir / "registered_groups.json", ec)) return true;
    return registered_group_count(ctx.config.store_dir / "messages.db").value_or(0) > 0;
}

} // namespace

int environment_step(const std::vector<std::string>& /*args*/, const SetupContext& ctx) {
    const SetupLog log(ctx.config.root, "environment");
    const auto platform = platform_of(ctx);
    std::error_code ec;
    StatusBlock block("CHECK_ENVIRONMENT");
    block.add("PLATFORM", platform.name)
        .add("IS_WSL", platform.wsl)
        .add("IS_HEADLESS", platform.headless)
        .add("APPLE_CONTAINER", std::string(find_program("container", ctx.env) ? "installed" : "not_found"))
        .add("DOCKER", docker_state(ctx, log))
        .add("HAS_ENV", std::filesystem::exists(ctx.config.root / ".env", ec))
        .add("HAS_AUTH", non_empty_directory(ctx.config.store_dir / "auth"))
        .add("HAS_REGISTERED_GROUPS", has_registered_groups(ctx))
        .add("STATUS", std::string("success"))
        .add("LOG", std::string(k_setup_log_path));
    ctx.out << block.text();
    return k_exit_ok;
}

} // namespace nanoclaw::setup
