// SPDX-License-Identifier: MIT
#include "harness.hpp"

#include <fstream>
#include <sstream>

namespace nanoclaw::container::itest {

namespace fs = std::filesystem;

namespace {

awaitable<void> collect(std::vector<ContainerOutput>* sink, ContainerOutput output) {
    if (sink != nullptr) sink->push_back(std::move(output));
    co_return;
}

} // namespace

RunnerFixture::RunnerFixture() {
    root_ = fs::canonical(tmp_.path()) / "root";
    config_.root = root_;
    config_.groups_dir = root_ / "groups";
    config_.data_dir = root_ / "data";
    config_.store_dir = root_ / "store";
    config_.home_dir = fs::canonical(tmp_.path()) / "home";
    config_.mount_allowlist_path = config_.home_dir / ".config/nanoclaw/mount-allowlist.json";
    config_.timezone = "America/Los_Angeles";
    config_.container_runtime_bin = NANOCLAW_FAKE_RUNTIME;
    config_.container_timeout = std::chrono::milliseconds(20'000);
    config_.idle_timeout = std::chrono::milliseconds(0);
    config_.container_max_output_size = 1024 * 1024;
    fs::create_directories(config_.groups_dir);
    fs::create_directories(tmp_.path() / "state");
    // Shipped files apart from the root, as in an install (a stand-in agent-runner source).
    config_.share_dir = fs::canonical(tmp_.path()) / "share";
    tmp_.write("share/container/agent-runner/src/index.ts", "// shipped runner\n");
    settings_.host_is_linux = true;
    settings_.host_ids = HostIds{1001, 1001};
    settings_.hostname = "test-host";
    settings_.timeout_grace = std::chrono::milliseconds(0);
    settings_.stop_timeout = std::chrono::milliseconds(30'000); // generous: CI may be loaded
    settings_.info_timeout = std::chrono::milliseconds(5'000);
    fake_env("FAKE_RUNTIME_RECORD", (tmp_.path() / "record.jsonl").string());
    fake_env("FAKE_RUNTIME_STATE", (tmp_.path() / "state").string());
    // A stop may arrive before the fake has written its pid file; real Docker has no such gap.
    fake_env("FAKE_RUNTIME_STOP_WAIT_MS", "20000");
}

RunnerFixture::~RunnerFixture() {
    runner_.reset();
    io_.restart();
    io_.run(); // let detached stop commands finish before the temp dir goes away
    for (const auto& name : env_set_) ::unsetenv(name.c_str());
}

void RunnerFixture::fake_env(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    env_set_.push_back(name);
}

std::vector<nlohmann::json> RunnerFixture::records() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(tmp_.path() / "record.jsonl");
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

std::vector<nlohmann::json> RunnerFixture::run_records() const {
    std::vector<nlohmann::json> out;
    for (auto& r : records()) {
        if (r["argv"][0] == "run") out.push_back(r);
    }
    return out;
}

ContainerRunner& RunnerFixture::runner() {
    if (!runner_) {
        security_ = std::make_unique<MountSecurity>(config_.mount_allowlist_path, config_.home_dir,
                                                    root_);
        auto source = [this](const std::string&, Admission admission) {
            admissions_.push_back(admission);
            ++credential_requests_;
            return RunCredentials{base_url_, oauth_, [this] { ++credential_releases_; },
                                  [this] {
                                      ++credential_activations_;
                                      return activation_succeeds_;
                                  }};
        };
        runner_ = std::make_unique<ContainerRunner>(io_, config_, settings_, source, *security_,
                                                    clock_);
    }
    return *runner_;
}

core::RegisteredGroup RunnerFixture::group(const std::string& folder, bool is_main) {
    core::RegisteredGroup g;
    g.name = "Group " + folder;
    g.folder = folder;
    g.trigger = "@Andy";
    if (is_main) g.is_main = true;
    return g;
}

ContainerInput RunnerFixture::input(const std::string& folder, const std::string& prompt,
                                    bool is_main) {
    ContainerInput in;
    in.prompt = prompt;
    in.group_folder = folder;
    in.chat_jid = folder + "@g.us";
    in.is_main = is_main;
    in.assistant_name = "Andy";
    return in;
}

ContainerOutput RunnerFixture::run(const core::RegisteredGroup& g, const ContainerInput& in,
                                   std::vector<ContainerOutput>* outputs) {
    auto callback = [outputs](ContainerOutput o) { return collect(outputs, std::move(o)); };
    return run_to_completion(io_, runner().run(g, in, callback, {}));
}

} // namespace nanoclaw::container::itest
