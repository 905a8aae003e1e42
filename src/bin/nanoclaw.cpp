// SPDX-License-Identifier: MIT
// nanoclaw: the command-line client (chat, send, status, setup...). Thin: each subcommand
// parses its flags and calls into the components.
#include <iostream>

#include <CLI/CLI.hpp>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/core/version.hpp"

int main(int argc, char** argv) {
    using namespace nanoclaw;
    CLI::App app{"nanoclaw - command-line client for the NanoClaw assistant"};
    std::optional<std::string> root;
    app.add_option("--root", root, "Project root (default: $NANOCLAW_ROOT or the current directory)");
    app.set_version_flag("--version", std::string("nanoclaw ") + core::k_version +
                                          " (NanoClaw v" + core::k_compatible_v1 + " compatible)");
    app.require_subcommand(0, 1);
    CLI11_PARSE(app, argc, argv);
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
        return 0;
    }
    return 0;
}
