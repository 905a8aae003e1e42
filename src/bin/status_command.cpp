// SPDX-License-Identifier: MIT
#include "status_command.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::cli {
namespace {

// The daemon is running when its local socket accepts a connection.
bool daemon_listening(const std::filesystem::path& socket_path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
}

void print_groups(store::Store& db, std::ostream& out) {
    const auto groups = db.get_all_registered_groups();
    out << fmt::format("groups: {}\n", groups.size());
    for (const auto& [jid, g] : groups) {
        out << fmt::format("  {:<28} folder={:<20} {}trigger={}\n", jid, g.folder, g.main() ? "main " : "",
                           g.needs_trigger() ? g.trigger : "(none)");
    }
}

void print_tasks(store::Store& db, std::ostream& out) {
    int active = 0, paused = 0, done = 0;
    for (const auto& t : db.get_all_tasks()) {
        active += t.status == "active";
        paused += t.status == "paused";
        done += t.status == "completed";
    }
    out << fmt::format("tasks: {} active, {} paused, {} completed\n", active, paused, done);
}

void print_usage(store::Store& db, std::ostream& out) {
    const auto usage = db.usage_by_group();
    if (usage.empty()) {
        out << "token usage: none recorded yet\n";
        return;
    }
    out << fmt::format("token usage:\n  {:<20} {:>8} {:>12} {:>12} {:>12} {:>12}\n", "group", "requests",
                       "input", "output", "cache write", "cache read");
    for (const auto& u : usage) {
        out << fmt::format("  {:<20} {:>8} {:>12} {:>12} {:>12} {:>12}\n", u.group_folder, u.runs,
                           u.input_tokens, u.output_tokens, u.cache_creation_input_tokens,
                           u.cache_read_input_tokens);
    }
}

} // namespace

int run_status(const core::Config& config, std::ostream& out) {
    const auto socket = channels::local_socket_path(config);
    out << fmt::format("root: {}\n", config.root.string());
    out << fmt::format("daemon: {}\n", daemon_listening(socket) ? "running" : "not running");
    const auto db_file = config.store_dir / "messages.db";
    if (!std::filesystem::exists(db_file)) {
        out << "database: not created yet (start nanoclawd once)\n";
        return 0;
    }
    core::SystemClock clock;
    auto db = store::Store::open(db_file, store::StoreOptions(clock, config.assistant_name));
    print_groups(db, out);
    print_tasks(db, out);
    print_usage(db, out);
    return 0;
}

} // namespace nanoclaw::cli
