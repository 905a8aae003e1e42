// SPDX-License-Identifier: MIT
#include "nanoclaw/setup/service_state.hpp"

#include <signal.h>

#include <charconv>
#include <sstream>

#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/core/whole_file.hpp"
#include "nanoclaw/setup/command.hpp"

namespace nanoclaw::setup {
namespace {

using namespace std::chrono_literals;

CommandResult run(const SetupContext& ctx, std::vector<std::string> argv) {
    return run_program(CommandSpec{std::move(argv), &ctx.env, {}, std::nullopt, 10s});
}

// The first `launchctl list` line naming com.nanoclaw: "<pid|->\t<status>\tcom.nanoclaw".
ServiceState launchd_state(const SetupContext& ctx) {
    const auto list = run(ctx, {"launchctl", "list"});
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("com.nanoclaw") == std::string::npos) continue;
        std::istringstream fields(line);
        std::string pid;
        fields >> pid;
        return pid.empty() || pid == "-" ? ServiceState::stopped : ServiceState::running;
    }
    return ServiceState::not_found;
}

ServiceState systemd_state(const SetupContext& ctx, const Platform& platform) {
    auto active = systemctl_prefix(platform);
    active.insert(active.end(), {"is-active", "nanoclaw"});
    if (run(ctx, active).ok()) return ServiceState::running;
    auto files = systemctl_prefix(platform);
    files.push_back("list-unit-files");
    return run(ctx, files).out.find("nanoclaw") != std::string::npos ? ServiceState::stopped
                                                                      : ServiceState::not_found;
}

// The nohup wrapper's PID file: a positive integer whose process is alive.
ServiceState pid_file_state(const SetupContext& ctx) {
    const std::string text = core::read_whole_file(ctx.config.root / "nanoclaw.pid"); // "" if missing
    const auto begin = text.find_first_not_of(" \t\r\n");
    const auto end = text.find_last_not_of(" \t\r\n");
    if (begin == std::string::npos) return ServiceState::not_found;
    long pid = 0;
    const auto* first = text.data() + begin;
    const auto* last = text.data() + end + 1;
    const auto [ptr, ec] = std::from_chars(first, last, pid);
    if (ec != std::errc() || ptr != last || pid <= 0) return ServiceState::not_found;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 ? ServiceState::running : ServiceState::stopped;
}

} // namespace

std::string_view to_string(ServiceState state) {
    switch (state) {
    case ServiceState::running: return "running";
    case ServiceState::stopped: return "stopped";
    case ServiceState::not_found: break;
    }
    return "not_found";
}

ServiceStatus service_status(const SetupContext& ctx) {
    const auto platform = platform_of(ctx);
    ServiceStatus status;
    status.manager = platform.service_manager();
    status.daemon_pid = core::running_daemon_pid(core::daemon_lock_path(ctx.config.data_dir));
    switch (status.manager) {
    case ServiceManager::launchd: status.state = launchd_state(ctx); break;
    case ServiceManager::systemd: status.state = systemd_state(ctx, platform); break;
    case ServiceManager::none: status.state = pid_file_state(ctx); break;
    }
    if (status.daemon_pid) status.state = ServiceState::running;
    return status;
}

} // namespace nanoclaw::setup
