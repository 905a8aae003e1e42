// SPDX-License-Identifier: MIT
// What machine a setup step runs on (spec 30 §1.5): the OS, WSL, root, a display, and which service
// manager can run nanoclawd. Probed once from /proc and the environment; tests pass their own.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::setup {

enum class ServiceManager { launchd, systemd, none };

struct Platform {
    std::string name = "unknown"; ///< "linux", "macos" or "unknown" (the block's PLATFORM value)
    bool wsl = false;
    bool root = false;
    bool headless = false; ///< Linux without DISPLAY and WAYLAND_DISPLAY
    bool systemd = false;  ///< PID 1 is systemd
    std::string time_zone; ///< the system's IANA zone; empty when it cannot be told

    /// launchd on macOS, systemd on Linux when PID 1 is systemd, otherwise none.
    ServiceManager service_manager() const;
};

/// Where detect_platform looks; tests point these at files of their own.
struct PlatformProbe {
    std::filesystem::path proc_version = "/proc/version";
    std::filesystem::path proc1_comm = "/proc/1/comm";
};

/// The running machine, as the reference's platform helpers see it.
Platform detect_platform(const core::EnvMap& env, const PlatformProbe& probe = {});

/// "microsoft" or "wsl" in /proc/version, any case.
bool is_wsl_kernel(std::string_view proc_version);

std::string_view to_string(ServiceManager manager);

} // namespace nanoclaw::setup
