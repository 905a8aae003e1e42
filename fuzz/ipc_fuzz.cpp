// SPDX-License-Identifier: MIT
// IPC request files (ipc::process_request_dir, the function the watcher calls for each
// directory) against the in-memory dependency set of the unit tests. The first input byte picks
// the directory (messages/ or tasks/) and the caller (main or an ordinary group); the rest is the
// file. Invariants: the file is always consumed (deleted or moved to errors/); an ordinary group
// never messages, schedules for, or changes another group's chats and tasks, never registers
// groups and never triggers a refresh; a main caller never loses a group.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "request_files.hpp"             // src/ipc (private)
#include "tests/unit/ipc/fake_deps.hpp" // the unit tests' FakeIpcDeps

using namespace nanoclaw;
namespace fs = std::filesystem;

namespace {

core::RegisteredGroup group(std::string name, std::string folder, bool is_main) {
    core::RegisteredGroup g;
    g.name = std::move(name);
    g.folder = std::move(folder);
    g.trigger = "@Andy";
    g.added_at = "2026-01-01T00:00:00.000Z";
    if (is_main) g.is_main = true;
    return g;
}

core::ScheduledTask task(std::string id, std::string folder, std::string jid) {
    core::ScheduledTask t;
    t.id = std::move(id);
    t.group_folder = std::move(folder);
    t.chat_jid = std::move(jid);
    t.prompt = "check the news";
    t.schedule_type = "interval";
    t.schedule_value = "60000";
    t.next_run = "2026-01-01T00:01:00.000Z";
    t.created_at = "2026-01-01T00:00:00.000Z";
    return t;
}

// The state a request starts from: a main chat, two ordinary groups, a task in each.
void seed(testing::FakeIpcDeps& deps) {
    deps.groups["main@g.us"] = group("Main", "main", true);
    deps.groups["family@g.us"] = group("Family", "family", false);
    deps.groups["tg:-100123"] = group("Work", "work", false);
    deps.tasks["task-main"] = task("task-main", "main", "main@g.us");
    deps.tasks["task-family"] = task("task-family", "family", "family@g.us");
    deps.tasks["task-work"] = task("task-work", "work", "tg:-100123");
}

bool dir_is_empty(const fs::path& dir) {
    std::error_code ec;
    return fs::is_empty(dir, ec) || ec;
}

void check_ordinary_caller(const testing::FakeIpcDeps& before, const testing::FakeIpcDeps& after,
                           const std::string& folder) {
    FUZZ_CHECK(after.groups == before.groups);
    FUZZ_CHECK(after.refreshed.empty());
    for (const auto& [jid, text] : after.sent) {
        const auto it = after.groups.find(jid);
        FUZZ_CHECK(it != after.groups.end() && it->second.folder == folder);
    }
    for (const auto& [id, t] : before.tasks) {
        if (t.group_folder != folder) FUZZ_CHECK(after.tasks.contains(id) && after.tasks.at(id) == t);
    }
    for (const auto& [id, t] : after.tasks) {
        if (!before.tasks.contains(id)) {
            FUZZ_CHECK(t.group_folder == folder);
            const auto it = after.groups.find(t.chat_jid);
            FUZZ_CHECK(it != after.groups.end() && it->second.folder == folder);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool is_tasks = (data[0] & 1) != 0;
    const bool is_main = (data[0] & 2) != 0;
    const std::string folder = is_main ? "main" : ((data[0] & 4) != 0 ? "family" : "work");
    const ipc::RequestDir dir = is_tasks ? ipc::RequestDir{ipc::RequestKind::task, "tasks"}
                                         : ipc::RequestDir{ipc::RequestKind::message, "messages"};

    ipc::WatcherOptions options;
    options.ipc_dir = fuzz::scratch_dir() / "ipc";
    options.max_file_bytes = 64 * 1024;
    const auto request_dir = options.ipc_dir / folder / dir.name;
    fs::create_directories(request_dir);
    fuzz::write_file(request_dir / "1767225600000-req.json", fuzz::as_text(data + 1, size - 1));

    testing::FakeIpcDeps deps;
    seed(deps);
    const auto before = deps;

    asio::io_context io;
    std::uint64_t handled = 0;
    asio::co_spawn(io, ipc::process_request_dir(options, folder, is_main, dir, deps),
                   [&handled](std::exception_ptr e, std::uint64_t n) {
                       FUZZ_CHECK(!e); // failures must end in errors/, never escape
                       handled = n;
                   });
    io.run();

    FUZZ_CHECK(handled == 1);
    FUZZ_CHECK(dir_is_empty(request_dir));
    if (is_main) {
        for (const auto& [jid, g] : before.groups) FUZZ_CHECK(deps.groups.contains(jid));
    } else {
        check_ordinary_caller(before, deps, folder);
    }
    std::error_code ec;
    fs::remove_all(options.ipc_dir, ec);
    return 0;
}
