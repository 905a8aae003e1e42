// SPDX-License-Identifier: MIT
// Context snapshots the agent reads from /workspace/ipc (spec 20 §5.13). Plain functions over
// data, written with core::replace_file so the container never sees a half file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/types.hpp"

namespace nanoclaw::container {

/// One chat the main agent may register.
struct AvailableGroup {
    std::string jid;
    std::string name;
    std::string last_activity; ///< ISO
    bool is_registered = false;
};

/// data_dir/ipc/<folder>/current_tasks.json: all tasks for main, else only the group's own.
/// Keys per element: id, groupFolder, prompt, [script when set], schedule_type, schedule_value,
/// status, next_run. Throws core::InvalidGroupFolder for a bad folder.
void write_tasks_snapshot(const std::filesystem::path& data_dir, std::string_view group_folder,
                          bool is_main, const std::vector<core::ScheduledTask>& tasks);

/// data_dir/ipc/<folder>/available_groups.json: {"groups": [...], "lastSync": ISO(now)}; the
/// list is kept only for main, other groups always get an empty array.
void write_groups_snapshot(const std::filesystem::path& data_dir, std::string_view group_folder,
                           bool is_main, const std::vector<AvailableGroup>& groups,
                           core::TimePoint now);

} // namespace nanoclaw::container
