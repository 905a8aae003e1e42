// SPDX-License-Identifier: MIT
// The registered groups the daemon serves: loaded from the store at start-up, changed through
// IPC register_group, and kept in step with registrations other processes (the setup CLI) write
// to the database while the daemon runs, so a new group is served without a restart.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <tl/expected.hpp>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::daemon {

/// Every lookup first checks the store's data_version (one cheap query) and, when another
/// process committed, merges the stored registrations in: new groups are added (with their
/// folder and CLAUDE.md), changed ones updated in place. Entries are never erased while the
/// daemon runs, so pointers and references handed out stay valid.
class GroupDirectory {
public:
    /// `store` and `config` must outlive the directory.
    GroupDirectory(store::Store& store, const core::Config& config);

    /// Reads every registered group from the store.
    void load();
    /// JID -> group, the live map channels and IPC see.
    const std::map<std::string, core::RegisteredGroup>& all();
    const core::RegisteredGroup* find(const std::string& jid);
    /// find(); kept for callers that read as "a JID another process may just have registered".
    const core::RegisteredGroup* find_or_load(const std::string& jid) { return find(jid); }
    /// The first group using `folder` (with its JID), if any.
    const std::pair<const std::string, core::RegisteredGroup>*
    find_by_folder(const std::string& folder);
    bool is_main_folder(const std::string& folder);
    /// Registers (or updates) a group: validates the folder, refuses a folder owned by another
    /// JID, persists, creates groups/<folder>/logs and its CLAUDE.md from the templates.
    tl::expected<void, std::string> register_group(const std::string& jid, core::RegisteredGroup group);
    /// First start with nothing registered: makes local:main the main group (folder "main",
    /// no trigger) so a new user can chat at once.
    void ensure_default_local_main();

private:
    /// Merges registrations committed by other processes since the last look (see the class).
    void refresh();
    void create_group_files(const core::RegisteredGroup& group) const;

    store::Store& store_;
    const core::Config& config_;
    std::map<std::string, core::RegisteredGroup> groups_;
    std::int64_t seen_version_ = -1; ///< store data_version the map reflects; -1 = never read
};

} // namespace nanoclaw::daemon
