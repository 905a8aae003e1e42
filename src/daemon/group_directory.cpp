// SPDX-License-Identifier: MIT
#include "group_directory.hpp"

#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_files.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::daemon {
namespace {

// The store reads an absent requires_trigger back as true and a false is_main as absent: compare
// what the flags mean, so a round trip through the database is not taken for a change.
bool same_registration(core::RegisteredGroup a, core::RegisteredGroup b) {
    for (auto* g : {&a, &b}) {
        g->requires_trigger = g->requires_trigger.value_or(true);
        g->is_main = g->is_main.value_or(false);
    }
    return a == b;
}

} // namespace

GroupDirectory::GroupDirectory(store::Store& store, const core::Config& config)
    : store_(store), config_(config) {}

void GroupDirectory::load() {
    seen_version_ = store_.data_version();
    groups_ = store_.get_all_registered_groups();
}

void GroupDirectory::refresh() {
    std::map<std::string, core::RegisteredGroup> stored;
    try {
        const auto version = store_.data_version();
        if (version == seen_version_) return;
        stored = store_.get_all_registered_groups();
        seen_version_ = version;
    } catch (const store::StoreError& e) {
        // Serve from the map we have; the next lookup tries again.
        spdlog::warn("cannot re-read registered groups: {}", e.what());
        return;
    }
    for (auto& [jid, group] : stored) {
        auto it = groups_.find(jid);
        if (it == groups_.end()) {
            spdlog::info("picked up group registered by another tool jid={} folder={}", jid,
                         group.folder);
            create_group_files(group);
            groups_.emplace(jid, std::move(group));
        } else if (!same_registration(it->second, group)) {
            spdlog::info("group changed by another tool jid={} folder={}", jid, group.folder);
            it->second = std::move(group);
        }
    }
}

const std::map<std::string, core::RegisteredGroup>& GroupDirectory::all() {
    refresh();
    return groups_;
}

const core::RegisteredGroup* GroupDirectory::find(const std::string& jid) {
    refresh();
    auto it = groups_.find(jid);
    return it == groups_.end() ? nullptr : &it->second;
}

const std::pair<const std::string, core::RegisteredGroup>*
GroupDirectory::find_by_folder(const std::string& folder) {
    refresh();
    for (const auto& entry : groups_) {
        if (entry.second.folder == folder) return &entry;
    }
    return nullptr;
}

bool GroupDirectory::is_main_folder(const std::string& folder) {
    refresh();
    for (const auto& [jid, g] : groups_) {
        if (g.main() && g.folder == folder) return true;
    }
    return false;
}

tl::expected<void, std::string> GroupDirectory::register_group(const std::string& jid,
                                                               core::RegisteredGroup group) {
    try {
        core::resolve_group_path(config_.groups_dir, group.folder);
    } catch (const core::InvalidGroupFolder& e) {
        return tl::unexpected(std::string(e.what()));
    }
    if (auto ok = store_.register_group_checked(jid, group); !ok) return ok;
    create_group_files(group);
    groups_[jid] = std::move(group);
    return {};
}

void GroupDirectory::create_group_files(const core::RegisteredGroup& group) const {
    if (auto made = core::create_group_files(config_, group); !made) {
        spdlog::warn("cannot create the files of group folder {}: {}", group.folder, made.error());
    }
}

void GroupDirectory::ensure_default_local_main() {
    if (!groups_.empty()) return;
    core::RegisteredGroup main{"Local chat", "main", "@" + config_.assistant_name,
                               core::format_iso(std::chrono::system_clock::now()), {}, false, true};
    store_.store_chat_metadata("local:main", main.added_at, std::string("main"), std::string("local"), false);
    if (auto ok = register_group("local:main", main); !ok) {
        spdlog::warn("could not register local:main: {}", ok.error());
        return;
    }
    spdlog::info("no group registered yet: registered local:main as the main group (folder main)");
}

} // namespace nanoclaw::daemon
