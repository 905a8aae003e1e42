// SPDX-License-Identifier: MIT
// nanoclawd: argv -> Config -> run_daemon. Start-up failures are one clear line and exit 1.
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/core/version.hpp"
#include "nanoclaw/daemon/daemon.hpp"

int main(int argc, char** argv) {
    using namespace nanoclaw;
    CLI::App app{"nanoclawd - the NanoClaw assistant daemon"};
    std::optional<std::string> root;
    app.add_option("--root", root, "Project root (default: $NANOCLAW_ROOT or the current directory)");
    app.set_version_flag("--version", std::string("nanoclawd ") + core::k_version +
                                          " (NanoClaw v" + core::k_compatible_v1 + " compatible)");
    CLI11_PARSE(app, argc, argv);

    const auto env = core::process_env();
    core::init_logging(env.contains("LOG_LEVEL") ? env.at("LOG_LEVEL") : "info", std::nullopt);
    try {
        const auto config = core::load_config(core::resolve_root(root, env), env);
        if (config.log_file) core::init_logging(config.log_level, config.log_file);
        for (const auto& warning : config.warnings) spdlog::warn("{}", warning);
        return daemon::run_daemon(config);
    } catch (const core::FatalError& e) {
        spdlog::critical("{}", e.what());
        return 1;
    } catch (const std::exception& e) {
        spdlog::critical("fatal: {}", e.what());
        return 1;
    }
}
