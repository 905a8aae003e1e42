// SPDX-License-Identifier: MIT
// A project root in a temp dir with a Config and Settings pointing at it, and a separate share
// directory holding a minimal agent-runner source.
#pragma once

#include <filesystem>

#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/types.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::container::testing_support {

struct ProjectFixture {
    ProjectFixture() {
        root = std::filesystem::canonical(tmp.path()) / "root";
        config.root = root;
        config.groups_dir = root / "groups";
        config.data_dir = root / "data";
        config.store_dir = root / "store";
        config.home_dir = std::filesystem::canonical(tmp.path()) / "home";
        config.mount_allowlist_path = config.home_dir / ".config/nanoclaw/mount-allowlist.json";
        config.timezone = "Europe/Berlin";
        std::filesystem::create_directories(config.groups_dir);
        // The shipped files live apart from the root, as in an install.
        share = std::filesystem::canonical(tmp.path()) / "share";
        config.share_dir = share;
        tmp.write("share/container/agent-runner/src/index.ts", "// shipped runner\n");
        settings.host_is_linux = true;
        settings.host_ids = HostIds{1001, 1001};
        settings.hostname = "test-host";
    }
    static core::RegisteredGroup group(const std::string& folder, bool is_main = false) {
        core::RegisteredGroup g;
        g.name = "Group " + folder;
        g.folder = folder;
        g.trigger = "@Andy";
        if (is_main) g.is_main = true;
        return g;
    }

    nanoclaw::testing::TempDir tmp;
    std::filesystem::path root;
    std::filesystem::path share;
    core::Config config;
    Settings settings;
};

} // namespace nanoclaw::container::testing_support
