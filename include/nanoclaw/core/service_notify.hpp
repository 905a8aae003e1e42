// SPDX-License-Identifier: MIT
// systemd's service notification protocol (sd_notify(3)) without libsystemd: one datagram per
// state change to the socket in $NOTIFY_SOCKET. A `Type=notify` unit then knows when nanoclawd
// can serve (READY=1), when it is stopping, and, with WatchdogSec=, that its loop is alive.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nanoclaw::core {

class ServiceNotifier {
  public:
    /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID and removes them from this process's
    /// environment, so no child (the container runtime CLI, Podman's conmon) inherits them and
    /// talks to the service manager in our name.
    static ServiceNotifier take_from_environment();

    ServiceNotifier() = default;
    ServiceNotifier(std::string socket, std::optional<std::chrono::microseconds> watchdog)
        : socket_(std::move(socket)), watchdog_(watchdog) {}

    /// True when a service manager listens.
    bool enabled() const { return !socket_.empty(); }
    /// Sends `state` ("READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..." lines); false when
    /// disabled or the send failed. Never throws, never blocks.
    bool notify(std::string_view state) const;
    /// How often the manager expects WATCHDOG=1 at the latest (ping at half of it); nullopt when
    /// no watchdog is configured for this process.
    std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

  private:
    std::string socket_; ///< a path, or "@name" for an abstract socket
    std::optional<std::chrono::microseconds> watchdog_;
};

} // namespace nanoclaw::core
