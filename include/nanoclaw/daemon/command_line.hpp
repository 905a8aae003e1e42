// SPDX-License-Identifier: MIT
// nanoclawd's command line. It has three options, so it is parsed by hand: a general-purpose
// parser (and the iostreams it pulls in) would be initialised on every start of the daemon.
#pragma once

#include <optional>
#include <string>

namespace nanoclaw::daemon {

struct CommandLine {
    enum class Action { run, version, help };
    Action action = Action::run;
    std::optional<std::string> root; ///< --root DIR / --root=DIR
};

/// Parses argv (argv[0] is skipped). Accepts `--root DIR`, `--root=DIR`, `--version`, `-h` and
/// `--help`; `--help` and `--version` win over everything else, like the usual GNU tools.
/// Throws std::invalid_argument with a one-line reason for anything else.
CommandLine parse_command_line(int argc, const char* const* argv);

/// The --help text, ending in a newline.
std::string usage_text();

} // namespace nanoclaw::daemon
