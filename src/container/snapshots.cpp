// SPDX-License-Identifier: MIT
// Snapshot files for the container (spec 20 §5.13).
#include "nanoclaw/container/snapshots.hpp"

#include <nlohmann/json.hpp>

#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/group_folder.hpp"

namespace nanoclaw::container {

namespace fs = std::filesystem;

namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson optional_string(const std::optional<std::string>& v) {
    return v ? OrderedJson(*v) : OrderedJson(nullptr);
}

OrderedJson task_json(const core::ScheduledTask& t) {
    OrderedJson j;
    j["id"] = t.id;
    j["groupFolder"] = t.group_folder;
    j["prompt"] = t.prompt;
    if (t.script) j["script"] = *t.script; // §12.9; absent keeps the baseline shape
    j["schedule_type"] = t.schedule_type;
    j["schedule_value"] = t.schedule_value;
    j["status"] = t.status;
    j["next_run"] = optional_string(t.next_run);
    return j;
}

std::string pretty(const OrderedJson& j) {
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

fs::path ipc_dir(const fs::path& data_dir, std::string_view folder) {
    auto dir = core::resolve_group_path(data_dir / "ipc", folder);
    fs::create_directories(dir);
    return dir;
}

} // namespace

void write_tasks_snapshot(const fs::path& data_dir, std::string_view group_folder, bool is_main,
                          const std::vector<core::ScheduledTask>& tasks) {
    const auto dir = ipc_dir(data_dir, group_folder);
    auto list = OrderedJson::array();
    for (const auto& t : tasks) {
        if (is_main || t.group_folder == group_folder) list.push_back(task_json(t));
    }
    // Usually unchanged between runs: then the file is left as it is (a compare costs less than a
    // rewrite, and the agent sees the same bytes either way).
    core::replace_file_if_changed(dir / "current_tasks.json", pretty(list));
}

void write_groups_snapshot(const fs::path& data_dir, std::string_view group_folder, bool is_main,
                           const std::vector<AvailableGroup>& groups, core::TimePoint now) {
    const auto dir = ipc_dir(data_dir, group_folder);
    auto list = OrderedJson::array();
    if (is_main) {
        for (const auto& g : groups) {
            list.push_back(OrderedJson{{"jid", g.jid},
                                       {"name", g.name},
                                       {"lastActivity", g.last_activity},
                                       {"isRegistered", g.is_registered}});
        }
    }
    OrderedJson doc;
    doc["groups"] = std::move(list);
    doc["lastSync"] = core::format_iso(now);
    core::replace_file(dir / "available_groups.json", pretty(doc));
}

} // namespace nanoclaw::container
