// SPDX-License-Identifier: MIT
// Host preparation and the mount table (spec 20 §5.2, §5.3; §11; §12.4; §14.7).
#include "nanoclaw/container/host_prep.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/whole_file.hpp"
#include "safe_fs.hpp"

namespace nanoclaw::container {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_dev_null = "/dev/null";

bool exists_no_follow(const fs::path& p) { return fs::exists(fs::symlink_status(p)); }

// The `.env` shadow must be an empty file; anything else would leak what it is meant to hide.
fs::path env_shadow_source(const core::Config& config, const Settings& settings) {
    if (settings.env_shadow_source == k_dev_null) return k_dev_null;
    const auto fallback = config.data_dir / "empty-env";
    auto source = settings.env_shadow_source;
    std::error_code ec;
    if (fs::is_regular_file(source, ec) && fs::file_size(source, ec) != 0) {
        spdlog::error("Configured .env shadow {} is not empty; using {} instead", source.string(),
                      fallback.string());
        source = fallback;
    }
    if (source == fallback || !fs::exists(source, ec)) {
        fs::create_directories(source.parent_path());
        fs::resize_file(source, 0, ec); // an existing managed file is emptied again
        if (ec) core::create_file_exclusive(source, "");
    }
    return source;
}

void add_main_project_mounts(const core::Config& config, const Settings& settings,
                             std::vector<VolumeMount>& mounts) {
    mounts.push_back({config.root.string(), "/workspace/project", true});
    if (exists_no_follow(config.root / ".env")) {
        mounts.push_back({env_shadow_source(config, settings).string(),
                          "/workspace/project/.env", true});
    }
    // Channel credentials under store/auth must not be readable by any agent (§14.7).
    const auto auth = config.store_dir / "auth";
    const auto rel = auth.lexically_relative(config.root);
    if (settings.shadow_store_auth && exists_no_follow(auth) && !rel.empty() &&
        *rel.begin() != "..") {
        const auto empty_dir = config.data_dir / "empty-dir";
        fs::create_directories(empty_dir);
        mounts.push_back({empty_dir.string(), "/workspace/project/" + rel.generic_string(), true});
    }
    // A read-only mount does not stop connect() on a Unix socket: where agents run with the
    // daemon's uid, main could post into local chats as the user through data/nanoclawd.sock.
    const auto data_rel = config.data_dir.lexically_relative(config.root);
    if (data_rel.empty() || *data_rel.begin() == "..") return;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(config.data_dir, ec)) {
        if (!entry.is_socket(ec)) continue;
        mounts.push_back({env_shadow_source(config, settings).string(),
                          "/workspace/project/" + (data_rel / entry.path().filename()).generic_string(),
                          true});
    }
}

// Shipped files come from the share directory, never from the data root (which may be any
// empty directory). A hand-built Config without one is a bug worth a clear message, not an
// empty /app/src that fails the container's TypeScript build far away (TS18003).
fs::path shipped(const core::Config& config, const fs::path& relative) {
    if (config.share_dir.empty()) {
        throw std::runtime_error("no share directory in the configuration: cannot find " +
                                 relative.string() + " (set NANOCLAW_SHARE_DIR)");
    }
    return config.share_dir / relative;
}

void sync_skills(const core::Config& config, const fs::path& claude_dir) {
    const auto src = shipped(config, "container/skills");
    if (!fs::is_directory(src)) return;
    const auto dst = claude_dir / "skills";
    detail::ensure_real_directory(dst);
    for (const auto& entry : fs::directory_iterator(src)) {
        if (!entry.is_directory()) continue; // top-level files are not skills
        detail::copy_tree_no_follow(entry.path(), dst / entry.path().filename());
    }
}

fs::path prepare_claude_dir(const core::Config& config, const std::string& folder) {
    const auto dir = config.data_dir / "sessions" / folder / ".claude";
    fs::create_directories(dir);
    // Never overwritten: the agent may have edited it (and a planted link is left alone).
    core::create_file_exclusive(dir / "settings.json", default_claude_settings_json());
    sync_skills(config, dir);
    return dir;
}

fs::path prepare_ipc_dir(const core::Config& config, const std::string& folder) {
    const auto dir = core::resolve_group_path(config.data_dir / "ipc", folder);
    fs::create_directories(dir);
    for (const char* sub : {"messages", "tasks", "input"}) detail::ensure_real_directory(dir / sub);
    return dir;
}

// Copied when missing, or refreshed when the shipped index.ts is newer (§12.4).
fs::path prepare_agent_runner_src(const core::Config& config, const std::string& folder) {
    const auto src = shipped(config, "container/agent-runner/src");
    const auto dst = config.data_dir / "sessions" / folder / "agent-runner-src";
    std::error_code ec;
    if (!fs::is_regular_file(src / "index.ts", ec)) {
        throw std::runtime_error("shipped agent-runner source missing: " +
                                 (src / "index.ts").string() + " (set NANOCLAW_SHARE_DIR)");
    }
    const auto dst_index = dst / "index.ts";
    const bool stale = !exists_no_follow(dst) || !fs::is_regular_file(fs::symlink_status(dst_index)) ||
                       fs::last_write_time(src / "index.ts", ec) >
                           fs::last_write_time(dst_index, ec);
    if (stale) detail::copy_tree_no_follow(src, dst);
    return dst;
}

std::optional<VolumeMount> prepare_ca_cert(const core::Config& config, const Settings& settings) {
    if (!settings.ca_cert_source) return std::nullopt;
    const auto dir = config.data_dir / "ca-cert";
    std::error_code ec;
    fs::create_directories(dir);
    // Copied again only when the host's file differs in size or time (it is mounted read-only,
    // so the copy cannot be changed from inside): saves a 200 KB copy per run. The copy takes
    // the source's time, so a replaced CA is picked up even when its file is older.
    const auto& source = *settings.ca_cert_source;
    const auto copy = dir / "proxy-ca.crt";
    std::error_code probe;
    const bool same = fs::is_regular_file(fs::symlink_status(copy, probe)) &&
                      fs::file_size(copy, probe) == fs::file_size(source, probe) && !probe &&
                      fs::last_write_time(copy, probe) == fs::last_write_time(source, probe) && !probe;
    if (!same) {
        fs::copy_file(source, copy, fs::copy_options::overwrite_existing, ec);
        if (!ec) fs::last_write_time(copy, fs::last_write_time(source, ec), ec);
    }
    if (ec) {
        spdlog::error("Cannot copy CA certificate {}: {}", settings.ca_cert_source->string(),
                      ec.message());
        return std::nullopt;
    }
    return VolumeMount{dir.string(), "/workspace/ca-cert", true};
}

} // namespace

std::string default_claude_settings_json() {
    return "{\n  \"env\": {\n    \"CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS\": \"1\",\n"
           "    \"CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD\": \"1\",\n"
           "    \"CLAUDE_CODE_DISABLE_AUTO_MEMORY\": \"0\"\n  }\n}\n";
}

namespace {

// A daemon running as root starts containers without --user (v1), so the agent runs as the
// image's `node` user (1000): the folders it must write are handed to that user. lchown never
// follows a link an agent may have planted.
void hand_over_to_image_user(const fs::path& dir) {
    constexpr unsigned k_image_uid = 1000, k_image_gid = 1000;
    std::error_code ec;
    ::lchown(dir.c_str(), k_image_uid, k_image_gid);
    // The full walk once per folder and process: later files are the host's own (run logs,
    // snapshots, input files), which the agent only reads or deletes (a directory right).
    static std::set<std::string> walked;
    if (!walked.insert(dir.string()).second) return;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) == 0 && st.st_uid != k_image_uid) {
            ::lchown(it->path().c_str(), k_image_uid, k_image_gid);
        }
    }
}

} // namespace

PreparedMounts prepare_host(const core::Config& config, const Settings& settings,
                            const core::RegisteredGroup& group, bool is_main,
                            const std::vector<VolumeMount>& extras) {
    const auto group_dir = core::resolve_group_path(config.groups_dir, group.folder);
    fs::create_directories(group_dir);
    PreparedMounts out;
    auto& mounts = out.mounts;
    if (is_main) add_main_project_mounts(config, settings, mounts);
    mounts.push_back({group_dir.string(), "/workspace/group", false});
    const auto global_dir = config.groups_dir / "global";
    if (!is_main && fs::is_directory(global_dir)) {
        mounts.push_back({global_dir.string(), "/workspace/global", true});
    }
    mounts.push_back({prepare_claude_dir(config, group.folder).string(), "/home/node/.claude",
                      false});
    mounts.push_back({prepare_ipc_dir(config, group.folder).string(), "/workspace/ipc", false});
    mounts.push_back({prepare_agent_runner_src(config, group.folder).string(), "/app/src", false});
    if (auto ca = prepare_ca_cert(config, settings)) {
        mounts.push_back(std::move(*ca));
        out.ca_cert_mounted = true;
    }
    mounts.insert(mounts.end(), extras.begin(), extras.end());
    // The per-run log goes here; a planted symlink must not redirect it (§5.2 step 5).
    detail::ensure_real_directory(group_dir / "logs");
    if (settings.host_ids && settings.host_ids->uid == 0 && config.container_runtime == core::RuntimeKind::docker) {
        // Only the folders nanoclaw owns; a user's extra mounts keep their owner.
        for (const auto& m : out.mounts) {
            const auto& c = m.container_path;
            if (c == "/workspace/group" || c == "/home/node/.claude" || c == "/workspace/ipc" || c == "/app/src") {
                hand_over_to_image_user(m.host_path);
            }
        }
    }
    return out;
}

} // namespace nanoclaw::container
