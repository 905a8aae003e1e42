// SPDX-License-Identifier: MIT
#include "nanoclaw/daemon/daemon.hpp"

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::daemon {

void ensure_layout(const core::Config& config) {
    namespace fs = std::filesystem;
    for (const fs::path& dir : {config.store_dir, config.groups_dir, config.data_dir,
                                config.data_dir / "ipc", config.data_dir / "sessions"}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) {
            throw core::FatalError("cannot create directory " + dir.string() + ": " + ec.message());
        }
    }
}

int run_daemon(const core::Config& config) {
    asio::io_context io(1);

    // 1. Directory layout: everything below works inside root/{store,groups,data}.
    ensure_layout(config);

    // 2. Signals: the first SIGTERM/SIGINT stops the loop; a second one exits at once.
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        spdlog::info("received signal {}, shutting down", signo);
        signals.async_wait([](const boost::system::error_code& ec2, int) {
            if (!ec2) std::_Exit(1);
        });
        io.stop();
    });

    spdlog::info("ready root={} assistant={} timezone={}", config.root.string(),
                 config.assistant_name, config.timezone);
    io.run();
    spdlog::info("stopped");
    return 0;
}

} // namespace nanoclaw::daemon
