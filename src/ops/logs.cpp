// SPDX-License-Identifier: MIT
// `nanoclaw logs`: which log is where depends on how the daemon runs (docs/operations.md).
#include "nanoclaw/ops/logs.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "nanoclaw/core/whole_file.hpp"

namespace nanoclaw::ops {
namespace fs = std::filesystem;
namespace {

// The target of `StandardOutput=append:<path>` / `file:<path>` in a unit, or empty when output
// goes to the journal (systemd's default).
fs::path unit_output_file(const std::string& unit) {
    std::istringstream lines(unit);
    for (std::string line; std::getline(lines, line);) {
        for (const std::string prefix :
             {"StandardOutput=append:", "StandardOutput=file:", "StandardOutput=truncate:"}) {
            if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
        }
    }
    return {};
}

LogLocation file_location(fs::path file, std::string why) {
    LogLocation loc;
    loc.kind = LogLocation::Kind::file;
    loc.error_file =
        file.parent_path() / (file.stem().string() + ".error" + file.extension().string());
    loc.file = std::move(file);
    loc.why = std::move(why);
    return loc;
}

// Prints what was appended to `file` since `offset`, reopening when the file was replaced or
// truncated (a rotated log starts again from its beginning).
void follow(const fs::path& file, std::uintmax_t offset, const LogsOptions& options) {
    while (options.keep_following()) {
        std::this_thread::sleep_for(options.poll);
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        if (ec || size == offset) continue;
        if (size < offset) offset = 0;
        std::ifstream in(file, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(offset));
        std::string chunk(size - offset, '\0');
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        chunk.resize(static_cast<std::size_t>(in.gcount()));
        offset += chunk.size();
        *options.out << chunk << std::flush;
    }
}

} // namespace

UnitPaths default_unit_paths(const core::Config& config) {
    UnitPaths units;
    units.user_unit = config.home_dir / ".config/systemd/user/nanoclaw.service";
    if (::geteuid() == 0) units.system_unit = "/etc/systemd/system/nanoclaw.service";
    return units;
}

LogLocation locate_logs(const core::Config& config, const UnitPaths& units) {
    if (config.log_file) {
        return file_location(*config.log_file, "NANOCLAW_LOG_FILE is " + config.log_file->string());
    }
    for (const auto& [unit, journal_prefix] :
         {std::pair{units.system_unit, std::vector<std::string>{"journalctl"}},
          std::pair{units.user_unit, std::vector<std::string>{"journalctl", "--user"}}}) {
        if (unit.empty() || !fs::exists(unit)) continue;
        const std::string text = core::read_whole_file(unit);
        if (auto target = unit_output_file(text); !target.empty()) {
            return file_location(target, "the unit " + unit.string() + " appends its output there");
        }
        LogLocation loc;
        loc.kind = LogLocation::Kind::journal;
        loc.journal_argv = journal_prefix;
        loc.journal_argv.insert(loc.journal_argv.end(), {"-u", "nanoclaw", "--no-pager"});
        loc.why = "the unit " + unit.string() + " logs to the journal";
        return loc;
    }
    return file_location(config.root / "logs" / "nanoclaw.log",
                         "the service files and start-nanoclaw.sh append there");
}

std::string_view last_lines(std::string_view text, std::size_t n) {
    if (n == 0) return text.substr(text.size());
    std::size_t pos = text.size();
    // A final newline ends the last line; it does not start an empty one.
    if (pos > 0 && text[pos - 1] == '\n') --pos;
    for (std::size_t seen = 0; pos > 0; --pos) {
        if (text[pos - 1] == '\n' && ++seen == n) break;
    }
    return text.substr(pos);
}

int show_file_log(const fs::path& file, const LogsOptions& options) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        *options.err << "nanoclaw: no log at " << file.string() << "\n";
        return 1;
    }
    const std::string text = core::read_whole_file(file);
    *options.out << last_lines(text, options.lines) << std::flush;
    if (options.follow) follow(file, text.size(), options);
    return 0;
}

int run_logs(const core::Config& config, const LogsOptions& options) {
    const auto loc = locate_logs(config, default_unit_paths(config));
    if (loc.kind == LogLocation::Kind::journal) {
        if (options.errors) {
            *options.err << "nanoclaw: under systemd, errors are in the journal with everything "
                            "else ("
                         << loc.why << ")\n";
        }
        auto argv = loc.journal_argv;
        argv.insert(argv.end(), {"-n", std::to_string(options.lines)});
        if (options.follow) argv.push_back("-f");
        std::vector<char*> c_argv;
        for (auto& a : argv)
            c_argv.push_back(a.data());
        c_argv.push_back(nullptr);
        options.out->flush();
        ::execvp(c_argv[0], c_argv.data());
        *options.err << "nanoclaw: cannot run journalctl (" << loc.why << ")\n";
        return 1;
    }
    const auto file = options.errors ? loc.error_file : loc.file;
    if (!fs::exists(file)) {
        *options.err << "nanoclaw: no log at " << file.string() << " (" << loc.why << ").\n"
                     << "A daemon started by hand logs to its stderr; run it as a service "
                        "(nanoclaw setup --step service) or set NANOCLAW_LOG_FILE in .env.\n";
        return 1;
    }
    return show_file_log(file, options);
}

} // namespace nanoclaw::ops
