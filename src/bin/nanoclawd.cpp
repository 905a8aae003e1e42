// SPDX-License-Identifier: MIT
// nanoclawd: argv -> Config -> run_daemon. Start-up failures are one clear line and exit 1.
#include <cstdio>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/core/version.hpp"
#include "nanoclaw/daemon/command_line.hpp"
#include "nanoclaw/daemon/daemon.hpp"

int main(int argc, char** argv) {
    using namespace nanoclaw;
    daemon::CommandLine line;
    try {
        line = daemon::parse_command_line(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "nanoclawd: %s\n\n%s", e.what(), daemon::usage_text().c_str());
        return 2;
    }
    if (line.action == daemon::CommandLine::Action::help) {
        std::fputs(daemon::usage_text().c_str(), stdout);
        return 0;
    }
    if (line.action == daemon::CommandLine::Action::version) {
        std::printf("nanoclawd %s (NanoClaw v%s compatible)\n", core::k_version,
                    core::k_compatible_v1);
        return 0;
    }

    const auto env = core::process_env();
    core::init_logging(env.contains("LOG_LEVEL") ? env.at("LOG_LEVEL") : "info", std::nullopt);
    try {
        const auto config = core::load_config(core::resolve_root(line.root, env), env);
        if (config.log_file) core::init_logging(config.log_level, config.log_file);
        for (const auto& warning : config.warnings)
            spdlog::warn("{}", warning);
        return daemon::run_daemon(config);
    } catch (const core::FatalError& e) {
        spdlog::critical("{}", e.what());
        return 1;
    } catch (const std::exception& e) {
        spdlog::critical("fatal: {}", e.what());
        return 1;
    }
}
