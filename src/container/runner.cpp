// SPDX-License-Identifier: MIT
// The runner's driver: prepare, build the argv, run the session, decide, log (spec 20 §5).
#include "nanoclaw/container/runner.hpp"

#include <csignal>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/container/host_prep.hpp"
#include "nanoclaw/container/run_args.hpp"
#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "run_session.hpp"
#include "signal.hpp"

namespace nanoclaw::container {

struct ContainerRunner::Impl {
    Impl(asio::io_context& io_, const core::Config& config_, Settings settings_,
         CredentialSource credentials_, MountSecurity& mount_security_, const core::Clock& clock_)
        : io(io_), config(config_), settings(std::move(settings_)),
          credentials(std::move(credentials_)), mount_security(mount_security_), clock(clock_),
          prerequisites_done(io_) {}
    asio::io_context& io;
    const core::Config& config;
    Settings settings;
    CredentialSource credentials;
    MountSecurity& mount_security;
    const core::Clock& clock;
    int pending_prerequisites = 0; ///< run() waits while this is above zero
    detail::Signal prerequisites_done;
};

namespace {

// Calls the proxy's release() when the run ends, whichever way it ends.
class ReleaseGuard {
  public:
    explicit ReleaseGuard(std::function<void()> release) : release_(std::move(release)) {}
    ~ReleaseGuard() {
        if (release_) release_();
    }
    ReleaseGuard(const ReleaseGuard&) = delete;
    ReleaseGuard& operator=(const ReleaseGuard&) = delete;

  private:
    std::function<void()> release_;
};

// Nothing was started, and nothing will be until the cause is fixed (no runtime binary, a host
// folder that cannot be prepared): permanent, so the run is not retried in a loop.
ContainerOutput spawn_error(const std::string& message) {
    return {OutputStatus::error, std::nullopt, std::nullopt, "Container spawn error: " + message,
            message};
}

std::chrono::milliseconds config_timeout(const core::Config& config,
                                         const core::RegisteredGroup& group) {
    const auto& cc = group.container_config;
    if (cc && cc->timeout && *cc->timeout != 0) return std::chrono::milliseconds(*cc->timeout);
    return config.container_timeout;
}

void log_spawn(const std::vector<VolumeMount>& mounts, const std::vector<std::string>& argv,
               const core::RegisteredGroup& group, bool is_main) {
    for (const auto& m : mounts) {
        spdlog::debug("mount {} -> {}{}", m.host_path, m.container_path, m.readonly ? " (ro)" : "");
    }
    spdlog::debug("container args: {}", loggable_args(argv));
    spdlog::info("Spawning container agent: group={} mounts={} isMain={}", group.name,
                 mounts.size(), is_main);
}

void write_log_file(const core::Config& config, const core::RegisteredGroup& group,
                    const RunLogData& data) {
    try {
        const auto logs = config.groups_dir / group.folder / "logs";
        core::replace_file(run_log_path(logs, data.started), format_run_log(data));
    } catch (const std::exception& e) {
        spdlog::warn("Cannot write the run log of {}: {}", group.folder, e.what());
    }
}

} // namespace

ContainerRunner::ContainerRunner(asio::io_context& io, const core::Config& config,
                                 Settings settings, CredentialSource credentials,
                                 MountSecurity& mount_security, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(io, config, std::move(settings), std::move(credentials),
                                   mount_security, clock)) {
    // A container that dies before reading stdin must yield EPIPE, not kill the daemon.
    std::signal(SIGPIPE, SIG_IGN);
}

ContainerRunner::~ContainerRunner() = default;

void ContainerRunner::run_after(awaitable<void> prerequisite) {
    auto& impl = *impl_;
    ++impl.pending_prerequisites;
    asio::co_spawn(impl.io, std::move(prerequisite), [&impl](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& err) {
                spdlog::error("A step container runs wait for failed ({}); runs go ahead",
                              err.what());
            }
        }
        // Released either way: a failed prerequisite must not stop every agent for good.
        --impl.pending_prerequisites;
        impl.prerequisites_done.notify();
    });
}

awaitable<bool> ContainerRunner::stop_container(std::string container_name) {
    co_return co_await detail::stop_by_name(impl_->io, impl_->config.container_runtime_bin,
                                            std::move(container_name),
                                            impl_->settings.stop_timeout);
}

namespace {

struct PreparedRun {
    PreparedMounts prepared;
    std::string container_name;
    std::vector<std::string> argv; ///< binary first, for the log
    detail::SessionOptions session;
};

PreparedRun prepare_run(const ContainerRunner::Impl& impl, MountSecurity& security,
                        const core::RegisteredGroup& group, const ContainerInput& input,
                        const RunCredentials& creds) {
    const auto& cfg = impl.config;
    const bool is_main = input.is_main;
    std::vector<VolumeMount> extras;
    if (group.container_config && !group.container_config->additional_mounts.empty()) {
        extras =
            security.validate_all(group.container_config->additional_mounts, group.name, is_main);
    }
    PreparedRun run;
    run.prepared = prepare_host(cfg, impl.settings, group, is_main, extras);
    run.container_name = make_container_name(group.folder, impl.clock.now());
    auto args = build_run_args(cfg, impl.settings,
                               {run.container_name, creds.base_url, creds.oauth, run.prepared});
    run.argv.push_back(cfg.container_runtime_bin);
    run.argv.insert(run.argv.end(), args.begin(), args.end());
    auto& s = run.session;
    s.binary = cfg.container_runtime_bin;
    s.args = std::move(args);
    s.extra_env = impl.settings.proxy_env;
    s.stdin_json = to_json_text(input);
    s.group_folder = group.folder;
    s.container_name = run.container_name;
    s.hard_timeout = effective_hard_timeout(config_timeout(cfg, group), cfg.idle_timeout,
                                            impl.settings.timeout_grace);
    s.stop_timeout = impl.settings.stop_timeout;
    s.pipe_drain_grace = impl.settings.pipe_drain_grace;
    s.max_output_bytes = static_cast<std::size_t>(std::max(0LL, cfg.container_max_output_size));
    return run;
}

RunLogData log_data(const ContainerRunner::Impl& impl, const core::RegisteredGroup& group,
                    const ContainerInput& input, const PreparedRun& run,
                    const detail::SessionResult& result) {
    RunLogData d;
    d.group_name = group.name;
    d.container_name = run.container_name;
    d.is_main = input.is_main;
    d.input_json_pretty = nlohmann::ordered_json::parse(run.session.stdin_json)
                              .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    d.prompt_length = utf16_length(input.prompt);
    d.session_id = input.session_id;
    d.argv = run.argv;
    d.mounts = run.prepared.mounts;
    d.out = &result.out;
    d.err = &result.err;
    d.verbose = impl.settings.verbose_run_logs;
    return d;
}

} // namespace

awaitable<ContainerOutput> ContainerRunner::run(core::RegisteredGroup group, ContainerInput input,
                                                OutputCallback on_output, RunHooks hooks) {
    auto& impl = *impl_;
    core::assert_valid_group_folder(group.folder); // the one failure that throws (§5.14)
    while (impl.pending_prerequisites > 0)
        co_await impl.prerequisites_done.wait();
    const auto started = impl.clock.now();
    const auto steady_start = std::chrono::steady_clock::now();
    RunCredentials creds;
    PreparedRun run;
    try {
        creds = impl.credentials(group.folder);
    } catch (const std::exception& e) {
        co_return spawn_error(std::string("no credentials for the run: ") + e.what());
    }
    ReleaseGuard release(std::move(creds.release));
    try {
        run = prepare_run(impl, impl.mount_security, group, input, creds);
    } catch (const std::exception& e) {
        spdlog::error("Cannot prepare the container run of {}: {}", group.folder, e.what());
        co_return spawn_error(std::string("cannot prepare the host: ") + e.what());
    }
    log_spawn(run.prepared.mounts, run.argv, group, input.is_main);
    run.session.on_output = std::move(on_output);
    run.session.on_started = std::move(hooks.on_started);
    const bool streaming = static_cast<bool>(run.session.on_output);
    auto result = co_await detail::run_session(impl.io, run.session);
    if (result.spawn_error) {
        spdlog::error("Container spawn error for {}: {}", group.folder, *result.spawn_error);
        co_return spawn_error(*result.spawn_error);
    }
    RunFacts facts{result.timed_out,
                   result.had_streaming_output,
                   streaming,
                   result.exit_code,
                   result.latest_session_id,
                   result.err.text(),
                   result.out.text(),
                   config_timeout(impl.config, group).count()};
    auto data = log_data(impl, group, input, run, result);
    data.started = started;
    data.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - steady_start)
                           .count();
    data.facts = facts;
    write_log_file(impl.config, group, data);
    auto outcome = decide_outcome(facts);
    spdlog::info("Container completed: group={} status={} exitCode={} durationMs={}", group.name,
                 outcome.status == OutputStatus::success ? "success" : "error",
                 exit_code_text(result.exit_code), data.duration_ms);
    co_return outcome;
}

} // namespace nanoclaw::container
