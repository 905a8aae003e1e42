// SPDX-License-Identifier: MIT
// A temporary project root, HOME and PATH for setup-step tests. Programs the steps run (docker,
// systemctl, launchctl) are stub scripts in bin/ that append their argv to calls.log and answer
// what the test scripted; nothing on the real machine is asked or touched.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nanoclaw/setup/setup.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::setup::testing_support {

namespace fs = std::filesystem;

class StepTest : public ::testing::Test {
  protected:
    StepTest() {
        base = fs::canonical(tmp.path());
        config.root = base / "root";
        config.store_dir = config.root / "store";
        config.groups_dir = config.root / "groups";
        config.data_dir = config.root / "data";
        config.share_dir = base / "share";
        config.home_dir = base / "home";
        config.mount_allowlist_path = config.home_dir / ".config/nanoclaw/mount-allowlist.json";
        for (const auto& d : {config.root, config.home_dir, bin(), config.share_dir / "container"})
            fs::create_directories(d);
        env["PATH"] = bin().string(); // stubs only: the real docker must never answer
        env["HOME"] = config.home_dir.string();
        env["CALLS"] = calls_log().string();
        platform.name = "linux";
        platform.time_zone = "Europe/Berlin";
    }

    fs::path bin() const { return base / "bin"; }
    fs::path calls_log() const { return base / "calls.log"; }

    /// bin/<name>: logs "<name> <args...>" (and its cwd when asked) to calls.log, then runs `body`.
    void stub(const std::string& name, const std::string& body) const {
        const auto path = bin() / name;
        std::ofstream(path) << "#!/bin/sh\necho \"" << name << " $*\" >> \"$CALLS\"\n" << body << "\n";
        ::chmod(path.c_str(), 0755);
    }
    /// Lines of calls.log.
    std::vector<std::string> calls() const {
        std::ifstream in(calls_log());
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        return lines;
    }

    int run(const std::string& step, std::vector<std::string> args = {}) {
        out.str("");
        err.str("");
        args.insert(args.begin(), {"--step", step});
        return run_setup(args, SetupContext{config, env, out, err, nullptr, &platform});
    }
    /// The value of `KEY: ` in the last block printed, or "<absent>".
    std::string field(const std::string& key) const {
        std::istringstream lines(out.str());
        std::string found = "<absent>";
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind(key + ": ", 0) == 0) found = line.substr(key.size() + 2);
        }
        return found;
    }
    /// The keys of the block, in order.
    std::vector<std::string> keys() const {
        std::istringstream lines(out.str());
        std::vector<std::string> found;
        for (std::string line; std::getline(lines, line);) {
            const auto colon = line.find(": ");
            if (line.rfind("===", 0) != 0 && colon != std::string::npos) found.push_back(line.substr(0, colon));
        }
        return found;
    }
    std::string read(const fs::path& p) const { return testing::TempDir::read(p); }

    testing::TempDir tmp;
    fs::path base;
    core::Config config;
    core::EnvMap env;
    Platform platform;
    std::ostringstream out, err;
};

} // namespace nanoclaw::setup::testing_support
