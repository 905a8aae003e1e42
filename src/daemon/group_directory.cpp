// SPDX-License-Identifier: MIT
#include "group_directory.hpp"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "shipped_files.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::daemon {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

// v1 (§16.6): the templates say "Andy"; a renamed assistant gets its own name in the copy.
std::string personalise_template(std::string text, const std::string& name) {
    if (name == "Andy") return text;
    std::istringstream lines(text);
    std::string out, line;
    bool heading_done = false;
    while (std::getline(lines, line)) {
        if (!heading_done && line == "# Andy") {
            line = "# " + name;
            heading_done = true;
        }
        out += line + "\n";
    }
    if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
    const std::string from = "You are Andy", to = "You are " + name;
    for (std::size_t pos = 0; (pos = out.find(from, pos)) != std::string::npos; pos += to.size()) {
        out.replace(pos, from.size(), to);
    }
    return out;
}

} // namespace

GroupDirectory::GroupDirectory(store::Store& store, const core::Config& config)
    : store_(store), config_(config) {}

void GroupDirectory::load() { groups_ = store_.get_all_registered_groups(); }

const core::RegisteredGroup* GroupDirectory::find(const std::string& jid) const {
    auto it = groups_.find(jid);
    return it == groups_.end() ? nullptr : &it->second;
}

const core::RegisteredGroup* GroupDirectory::find_or_load(const std::string& jid) {
    if (auto* g = find(jid)) return g;
    auto entry = store_.get_registered_group(jid);
    if (!entry) return nullptr;
    spdlog::info("picked up group registered by another tool jid={} folder={}", jid,
                 entry->group.folder);
    create_group_files(entry->group);
    return &(groups_[jid] = entry->group);
}

const std::pair<const std::string, core::RegisteredGroup>*
GroupDirectory::find_by_folder(const std::string& folder) const {
    for (const auto& entry : groups_) {
        if (entry.second.folder == folder) return &entry;
    }
    return nullptr;
}

bool GroupDirectory::is_main_folder(const std::string& folder) const {
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
    const auto dir = config_.groups_dir / group.folder;
    std::error_code ec;
    std::filesystem::create_directories(dir / "logs", ec);
    if (ec) {
        spdlog::warn("cannot create group folder {}: {}", dir.string(), ec.message());
        return;
    }
    const auto memory = dir / "CLAUDE.md";
    if (std::filesystem::exists(memory, ec)) return;
    // The data root's template (users edit it), else the shipped one.
    const auto source = group_template(config_, group.main());
    if (!source || *source == memory) return;
    std::ofstream(memory, std::ios::binary)
        << personalise_template(read_file(*source), config_.assistant_name);
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
