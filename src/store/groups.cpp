// SPDX-License-Identifier: MIT
// Registered groups (spec 10 §10.5 "Registered groups"). Rows keep "absent" apart from false:
// requires_trigger NULL reads as absent, is_main only ever reads as true or absent.
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_folder.hpp"
#include "impl.hpp"

namespace nanoclaw::store {
namespace {

constexpr const char* k_upsert_group = R"SQL(
INSERT OR REPLACE INTO registered_groups (jid, name, folder, trigger_pattern, added_at,
  container_config, requires_trigger, is_main)
VALUES (?, ?, ?, ?, ?, ?, ?, ?))SQL";

constexpr const char* k_select =
    "SELECT jid, name, folder, trigger_pattern, added_at, container_config, requires_trigger, "
    "is_main FROM registered_groups ";

std::string invalid_folder_message(const std::string& jid, const std::string& folder) {
    return "Invalid group folder \"" + folder + "\" for JID " + jid;
}

// v1 throws on malformed JSON here, which would stop the daemon at start-up. We drop the extra
// configuration instead (fewer mounts is the safe direction) and say so.
std::optional<core::ContainerConfig> parse_container_config(const std::string& jid,
                                                            const std::optional<std::string>& raw) {
    if (!raw || raw->empty()) return std::nullopt;
    try {
        return nlohmann::json::parse(*raw).get<core::ContainerConfig>();
    } catch (const nlohmann::json::exception& e) {
        spdlog::warn("Ignoring unreadable container_config of group {}: {}", jid, e.what());
        return std::nullopt;
    }
}

/// The row as a group, or nullopt (warned) when its folder is not a valid folder name.
std::optional<GroupEntry> read_group(SQLite::Statement& row) {
    GroupEntry entry;
    entry.jid = text(row, "jid");
    auto& g = entry.group;
    g.folder = text(row, "folder");
    if (!core::is_valid_group_folder(g.folder)) {
        spdlog::warn("Skipping registered group with invalid folder (jid {}, folder \"{}\")",
                     entry.jid, g.folder);
        return std::nullopt;
    }
    g.name = text(row, "name");
    g.trigger = text(row, "trigger_pattern");
    g.added_at = text(row, "added_at");
    g.container_config = parse_container_config(entry.jid, optional_text(row, "container_config"));
    if (auto rt = row.getColumn("requires_trigger"); !rt.isNull())
        g.requires_trigger = rt.getInt() == 1;
    if (!row.getColumn("is_main").isNull() && row.getColumn("is_main").getInt() == 1)
        g.is_main = true;
    return entry;
}

void bind_group(SQLite::Statement& q, const std::string& jid, const core::RegisteredGroup& g) {
    q.bind(1, jid);
    q.bind(2, g.name);
    q.bind(3, g.folder);
    q.bind(4, g.trigger);
    q.bind(5, g.added_at);
    bind_optional(q, 6,
                  g.container_config
                      ? std::optional<std::string>(nlohmann::json(*g.container_config).dump())
                      : std::nullopt);
    q.bind(7, g.requires_trigger.value_or(true) ? 1 : 0);
    q.bind(8, g.is_main.value_or(false) ? 1 : 0);
}

} // namespace

void Store::set_registered_group(const std::string& jid, const core::RegisteredGroup& group) {
    if (!core::is_valid_group_folder(group.folder)) {
        throw core::InvalidGroupFolder(invalid_folder_message(jid, group.folder));
    }
    guarded("registering group " + jid, [&] {
        auto q = impl_->query(k_upsert_group);
        bind_group(*q, jid, group);
        q->exec();
    });
}

tl::expected<void, std::string> Store::register_group_checked(const std::string& jid,
                                                              const core::RegisteredGroup& group) {
    if (!core::is_valid_group_folder(group.folder)) {
        return tl::make_unexpected(invalid_folder_message(jid, group.folder));
    }
    return guarded("registering group " + jid, [&]() -> tl::expected<void, std::string> {
        SQLite::Transaction transaction(impl_->db);
        {
            auto owner =
                impl_->query("SELECT jid FROM registered_groups WHERE folder = ? AND jid != ?");
            owner->bind(1, group.folder);
            owner->bind(2, jid);
            if (owner->executeStep()) {
                return tl::make_unexpected("Folder \"" + group.folder +
                                           "\" is already registered to JID " +
                                           owner->getColumn(0).getString());
            }
        }
        auto q = impl_->query(k_upsert_group);
        bind_group(*q, jid, group);
        q->exec();
        transaction.commit();
        return {};
    });
}

std::optional<GroupEntry> Store::get_registered_group(const std::string& jid) {
    return guarded("reading group " + jid, [&]() -> std::optional<GroupEntry> {
        auto q = impl_->query(std::string(k_select) + "WHERE jid = ?");
        q->bind(1, jid);
        if (!q->executeStep()) return std::nullopt;
        return read_group(*q);
    });
}

std::optional<GroupEntry> Store::get_registered_group_by_folder(const std::string& folder) {
    return guarded("reading group of folder " + folder, [&]() -> std::optional<GroupEntry> {
        auto q = impl_->query(std::string(k_select) + "WHERE folder = ?");
        q->bind(1, folder);
        if (!q->executeStep()) return std::nullopt;
        return read_group(*q);
    });
}

std::map<std::string, core::RegisteredGroup> Store::get_all_registered_groups() {
    return guarded("listing registered groups", [&] {
        std::map<std::string, core::RegisteredGroup> groups;
        auto q = impl_->query(k_select);
        while (q->executeStep()) {
            if (auto entry = read_group(*q)) groups.emplace(entry->jid, std::move(entry->group));
        }
        return groups;
    });
}

std::int64_t Store::data_version() {
    // Cached statement: the daemon asks before every group lookup, several times per message.
    return guarded("reading the data version", [&] {
        auto q = impl_->query("PRAGMA data_version");
        return q->executeStep() ? q->getColumn(0).getInt64() : std::int64_t{0};
    });
}

} // namespace nanoclaw::store
