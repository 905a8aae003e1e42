// SPDX-License-Identifier: MIT
// Shared fixture: a project root, the fake runtime as CONTAINER_RUNTIME_BIN, a recording file,
// short timeouts, and a helper that drives one coroutine to completion on the test's io_context.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/container/mount_security.hpp"
#include "nanoclaw/container/runner.hpp"
#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/config.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::container::itest {

/// Runs `task` on `io` until it and everything it started have finished.
template <typename T>
T run_to_completion(asio::io_context& io, awaitable<T> task) {
    std::optional<T> result;
    std::exception_ptr error;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) result = std::move(value);
    });
    io.restart();
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

inline void run_to_completion(asio::io_context& io, awaitable<void> task) {
    std::exception_ptr error;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) { error = e; });
    io.restart();
    io.run();
    if (error) std::rethrow_exception(error);
}

class RunnerFixture : public ::testing::Test {
public:
    static core::RegisteredGroup group(const std::string& folder, bool is_main = false);
    static ContainerInput input(const std::string& folder, const std::string& prompt,
                                bool is_main = false);

protected:
    RunnerFixture();
    ~RunnerFixture() override;

    /// Sets an environment variable of the fake for this test (removed afterwards).
    void fake_env(const std::string& name, const std::string& value);
    /// Every recorded invocation of the fake, in order.
    std::vector<nlohmann::json> records() const;
    /// The recorded `run` invocations.
    std::vector<nlohmann::json> run_records() const;
    /// The runner (created lazily so tests can adjust config/settings first).
    ContainerRunner& runner();
    /// Runs one container with a callback that collects every output.
    ContainerOutput run(const core::RegisteredGroup& g, const ContainerInput& in,
                        std::vector<ContainerOutput>* outputs = nullptr);

    nanoclaw::testing::TempDir tmp_;
    std::filesystem::path root_;
    core::Config config_;
    Settings settings_;
    asio::io_context io_;
    core::SystemClock clock_;
    int credential_requests_ = 0;
    int credential_releases_ = 0;
    int credential_activations_ = 0;
    bool activation_succeeds_ = true; ///< false: the proxy has forgotten the run meanwhile
    std::vector<Admission> admissions_;
    std::string base_url_ = "http://host.docker.internal:3001/run-token-abc";
    bool oauth_ = false;

private:
    std::vector<std::string> env_set_;
    std::unique_ptr<MountSecurity> security_;
    std::unique_ptr<ContainerRunner> runner_;
};

} // namespace nanoclaw::container::itest
