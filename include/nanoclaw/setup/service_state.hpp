// SPDX-License-Identifier: MIT
// Is nanoclawd running as a service? The answer `verify`, `status` and `doctor` share (spec 30
// §10.1), asked of the platform's service manager, plus the daemon's own lock, which also finds a
// daemon started by hand.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "nanoclaw/setup/setup.hpp"

namespace nanoclaw::setup {

enum class ServiceState { running, stopped, not_found };

struct ServiceStatus {
    ServiceState state = ServiceState::not_found;
    ServiceManager manager = ServiceManager::none; ///< who was asked
    std::optional<pid_t> daemon_pid; ///< the process holding data/nanoclawd.pid, however started
};

/// launchd: `launchctl list`, the com.nanoclaw line's PID column. systemd: `is-active nanoclaw`,
/// else `list-unit-files` naming it. No manager: the daemon lock, else the nohup script's
/// nanoclaw.pid with a live PID. A daemon holding the lock counts as running in every case.
ServiceStatus service_status(const SetupContext& context);

/// "running", "stopped" or "not_found" (the VERIFY block's SERVICE values).
std::string_view to_string(ServiceState state);

} // namespace nanoclaw::setup
