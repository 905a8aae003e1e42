// SPDX-License-Identifier: MIT
// A Config whose data root (not yet created, like a fresh --root) and share directory (complete,
// with recognisable CLAUDE.md templates) live apart in one temp dir.
#pragma once

#include <filesystem>

#include "nanoclaw/core/config.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::daemon::testing_support {

struct RootAndShare {
    RootAndShare() {
        const auto base = std::filesystem::canonical(tmp.path());
        config.root = base / "root";
        config.groups_dir = config.root / "groups";
        config.data_dir = config.root / "data";
        config.store_dir = config.root / "store";
        config.share_dir = base / "share";
        tmp.write("share/container/agent-runner/src/index.ts", "// runner");
        tmp.write("share/container/skills/s/SKILL.md", "skill");
        tmp.write("share/groups/main/CLAUDE.md", "# Andy\n\nYou are Andy, main.\n");
        tmp.write("share/groups/global/CLAUDE.md", "# Andy\n\nYou are Andy, global.\n");
    }

    nanoclaw::testing::TempDir tmp;
    core::Config config;
};

} // namespace nanoclaw::daemon::testing_support
