// SPDX-License-Identifier: MIT
// The mount allowlist (container::parse_mount_allowlist) and the mount check the runner applies
// with it (container::MountSecurity::validate). Input: the allowlist file, optionally followed by
// a line "%%" and requested mounts, one per line: "hostPath<TAB>containerPath<TAB>ro|rw|-".
// Host paths resolve in a scratch home and project root holding a few real directories.
// Invariants: defaults come first in the blocked patterns, without duplicates; every decision has
// a reason; an accepted mount matches no blocked pattern, does not expose the project root, lands
// under /workspace/extra/ and is read-only for an ordinary group when nonMainReadOnly is set.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "nanoclaw/container/mount_security.hpp"

using namespace nanoclaw;
namespace fs = std::filesystem;

namespace {

struct Layout {
    fs::path home, project, allowlist;
};

const Layout& layout() {
    static const Layout l = [] {
        Layout out{fuzz::scratch_dir() / "home", fuzz::scratch_dir() / "project",
                   fuzz::scratch_dir() / "mount-allowlist.json"};
        for (const auto* dir : {"projects/app", ".ssh", "notes:x", "work/.env", "docs"})
            fs::create_directories(out.home / dir);
        fs::create_directories(out.project / "data");
        std::error_code ec;
        fs::create_directory_symlink(out.project, out.home / "link-to-project", ec);
        fs::create_directory_symlink(out.home / ".ssh", out.home / "docs" / "keys", ec);
        return out;
    }();
    return l;
}

std::vector<core::AdditionalMount> parse_mounts(std::string_view text) {
    std::vector<core::AdditionalMount> mounts;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        core::AdditionalMount m;
        const auto tab = line.find('\t');
        m.host_path = std::string(line.substr(0, tab));
        if (tab != std::string_view::npos) {
            line.remove_prefix(tab + 1);
            const auto tab2 = line.find('\t');
            if (tab2 != 0) m.container_path = std::string(line.substr(0, tab2));
            const auto mode = tab2 == std::string_view::npos ? "" : line.substr(tab2 + 1);
            if (mode == "ro") m.readonly = true;
            if (mode == "rw") m.readonly = false;
        }
        mounts.push_back(std::move(m));
    }
    return mounts;
}

void check_parsed(const container::MountAllowlist& list) {
    const auto& defaults = container::default_blocked_patterns();
    FUZZ_CHECK(list.blocked_patterns.size() >= defaults.size());
    FUZZ_CHECK(std::equal(defaults.begin(), defaults.end(), list.blocked_patterns.begin()));
    for (std::size_t i = 0; i < list.blocked_patterns.size(); ++i)
        for (std::size_t j = i + 1; j < list.blocked_patterns.size(); ++j)
            FUZZ_CHECK(list.blocked_patterns[i] != list.blocked_patterns[j]);
}

void check_decision(const container::MountDecision& d, const container::MountAllowlist& list,
                    bool is_main) {
    FUZZ_CHECK(!d.reason.empty());
    if (!d.mount) return;
    for (const auto& p : list.blocked_patterns) FUZZ_CHECK(d.mount->host_path.find(p) == std::string::npos);
    FUZZ_CHECK(!container::project_root_exposure(d.mount->host_path, fs::canonical(layout().project)));
    FUZZ_CHECK(d.mount->container_path.starts_with("/workspace/extra/"));
    FUZZ_CHECK(d.mount->container_path.find("..") == std::string::npos);
    if (!is_main && list.non_main_read_only) FUZZ_CHECK(d.mount->readonly);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    layout();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_text(data, size);
    const auto split = input.find("\n%%\n");
    const auto file_text = input.substr(0, split);
    const auto mounts = split == std::string_view::npos ? std::vector<core::AdditionalMount>{}
                                                        : parse_mounts(input.substr(split + 4));

    const auto parsed = container::parse_mount_allowlist(file_text);
    if (parsed) {
        check_parsed(*parsed);
    } else {
        FUZZ_CHECK(!parsed.error().empty());
    }

    const auto& l = layout();
    fuzz::write_file(l.allowlist, file_text);
    container::MountSecurity security(l.allowlist, l.home, l.project);
    for (const bool is_main : {false, true}) {
        for (const auto& m : mounts) {
            const auto decision = security.validate(m, is_main);
            FUZZ_CHECK(parsed || !decision.mount);
            if (parsed) check_decision(decision, *parsed, is_main);
        }
    }
    return 0;
}
