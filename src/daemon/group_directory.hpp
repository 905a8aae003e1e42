// SPDX-License-Identifier: MIT
// The registered groups the daemon serves: loaded from the store at start-up, changed through
// IPC register_group, and picked up lazily when another tool (the setup CLI) registers a chat
// while the daemon runs.
#pragma once

#include <map>
#include <string>

#include <tl/expected.hpp>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::daemon {

class GroupDirectory {
public:
    /// `store` and `config` must outlive the directory.
    GroupDirectory(store::Store& store, const core::Config& config);

    /// Reads every registered group from the store.
    void load();
    /// JID -> group, the live map channels and IPC see.
    const std::map<std::string, core::RegisteredGroup>& all() const { return groups_; }
    const core::RegisteredGroup* find(const std::string& jid) const;
    /// find(), falling back to the store for a JID registered by another process meanwhile.
    const core::RegisteredGroup* find_or_load(const std::string& jid);
    /// The first group using `folder` (with its JID), if any.
    const std::pair<const std::string, core::RegisteredGroup>* find_by_folder(const std::string& folder) const;
    bool is_main_folder(const std::string& folder) const;
    /// Registers (or updates) a group: validates the folder, refuses a folder owned by another
    /// JID, persists, creates groups/<folder>/logs and its CLAUDE.md from the templates.
    tl::expected<void, std::string> register_group(const std::string& jid, core::RegisteredGroup group);
    /// First start with nothing registered: makes local:main the main group (folder "main",
    /// no trigger) so a new user can chat at once.
    void ensure_default_local_main();

private:
    void create_group_files(const core::RegisteredGroup& group) const;

    store::Store& store_;
    const core::Config& config_;
    std::map<std::string, core::RegisteredGroup> groups_;
};

} // namespace nanoclaw::daemon
