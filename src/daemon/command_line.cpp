// SPDX-License-Identifier: MIT
#include "nanoclaw/daemon/command_line.hpp"

#include <stdexcept>
#include <string_view>

namespace nanoclaw::daemon {

namespace {

void set_root(CommandLine& line, std::string_view value) {
    if (line.root) throw std::invalid_argument("--root given more than once");
    if (value.empty()) throw std::invalid_argument("--root needs a directory");
    line.root = std::string(value);
}

} // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
    CommandLine line;
    bool help = false, version = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i] != nullptr ? argv[i] : "";
        if (arg == "-h" || arg == "--help") {
            help = true;
        } else if (arg == "--version") {
            version = true;
        } else if (arg == "--root") {
            if (i + 1 >= argc) throw std::invalid_argument("--root needs a directory");
            set_root(line, argv[++i]);
        } else if (arg.starts_with("--root=")) {
            set_root(line, arg.substr(7));
        } else if (arg.starts_with("-")) {
            throw std::invalid_argument("unknown option " + std::string(arg));
        } else {
            throw std::invalid_argument("unexpected argument " + std::string(arg));
        }
    }
    if (help)
        line.action = CommandLine::Action::help;
    else if (version)
        line.action = CommandLine::Action::version;
    return line;
}

std::string usage_text() {
    return "nanoclawd - the NanoClaw assistant daemon\n"
           "Usage: nanoclawd [--root DIR]\n"
           "\n"
           "Options:\n"
           "  --root DIR   project root (default: $NANOCLAW_ROOT or the current directory)\n"
           "  --version    print the version and exit\n"
           "  -h, --help   print this help and exit\n";
}

} // namespace nanoclaw::daemon
