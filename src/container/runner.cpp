// SPDX-License-Identifier: MIT
// The runner's driver: prepare, build the argv, run the session, decide, log (spec 20 §5).
#include "nanoclaw/container/runner.hpp"

#include <algorithm>
#include <csignal>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/container/host_prep.hpp"
#include "nanoclaw/container/run_args.hpp"
#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "run_session.hpp"
#include "signal.hpp"
#include "warm_pool.hpp"

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
    std::unique_ptr<detail::WarmPool> warm;
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
    /// The release now belongs to someone else.
    void dismiss() { release_ = nullptr; }

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
    impl_->warm = std::make_unique<detail::WarmPool>(
        io, config, impl_->settings.stop_timeout,
        [this](core::RegisteredGroup group, ContainerInput header, bool hot) {
            keep_warm(std::move(group), std::move(header), hot);
        });
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

/// Tells the agent image to start its agent and wait for the prompt on stdin (container contract).
constexpr std::string_view k_warm_env = "NANOCLAW_WARM";

struct PreparedRun {
    PreparedMounts prepared;
    std::string container_name;
    std::vector<std::string> argv; ///< binary first, for the log
    detail::SessionOptions session;
};

PreparedMounts prepare_mounts(const ContainerRunner::Impl& impl, MountSecurity& security,
                              const core::RegisteredGroup& group, bool is_main) {
    std::vector<VolumeMount> extras;
    if (group.container_config && !group.container_config->additional_mounts.empty()) {
        extras =
            security.validate_all(group.container_config->additional_mounts, group.name, is_main);
    }
    return prepare_host(impl.config, impl.settings, group, is_main, extras);
}

PreparedRun prepare_run(const ContainerRunner::Impl& impl, const core::RegisteredGroup& group,
                        const ContainerInput& input, const RunCredentials& creds,
                        PreparedMounts prepared, bool warm) {
    const auto& cfg = impl.config;
    PreparedRun run;
    run.prepared = std::move(prepared);
    run.container_name = make_container_name(group.folder, impl.clock.now());
    auto args = build_run_args(cfg, impl.settings,
                               {run.container_name, creds.base_url, creds.oauth, run.prepared});
    if (warm) {
        // The image name stays last; the runner then waits for its prompt on stdin.
        args.insert(args.end() - 1, {"-e", std::string(k_warm_env) + "=1"});
    }
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

namespace {

/// The fields only a message knows; a warm container gets them at the take.
constexpr const char* k_take_fields[] = {"prompt", "isScheduledTask", "script"};

// A warm container's stdin: the header line (the input without what only the message knows) at
// its start, the take line (just that) when a message takes it.
struct WarmLines {
    std::string header;
    std::string take;
};

WarmLines warm_lines(const ContainerInput& input) {
    auto header = nlohmann::ordered_json::parse(to_json_text(input));
    nlohmann::ordered_json take = nlohmann::ordered_json::object();
    for (const char* key : k_take_fields) {
        if (const auto it = header.find(key); it != header.end()) {
            take[key] = std::move(*it);
            header.erase(key);
        }
    }
    const auto line = [](const nlohmann::ordered_json& doc) {
        return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    };
    return {line(header), line(take)};
}

// Path, size and modification time of every file of the group's runner copy: an agent that edits
// its runner changes this, and a warm container started before the edit must not be used.
std::string runner_source_stamp(const std::vector<VolumeMount>& mounts) {
    namespace fs = std::filesystem;
    std::string stamp;
    for (const auto& m : mounts) {
        if (m.container_path != "/app/src") continue;
        std::error_code ec;
        std::vector<std::string> lines;
        for (fs::recursive_directory_iterator it(m.host_path, ec), end; !ec && it != end;
             it.increment(ec)) {
            std::error_code stat_ec;
            const auto status = it->symlink_status(stat_ec);
            if (stat_ec || !fs::is_regular_file(status)) continue;
            const auto size = it->file_size(stat_ec);
            const auto time = it->last_write_time(stat_ec);
            lines.push_back(fmt::format("{} {} {}", it->path().string(), size,
                                        time.time_since_epoch().count()));
        }
        if (ec) lines.push_back("unreadable: " + ec.message());
        std::sort(lines.begin(), lines.end());
        for (auto& line : lines) stamp += line + "\n";
    }
    return stamp;
}

// Size and modification time of the files the agent reads as it starts (its memory and settings,
// found through the mount table): a warm container started before an edit would answer with the
// old ones.
std::string memory_stamp(const std::vector<VolumeMount>& mounts) {
    namespace fs = std::filesystem;
    const std::pair<std::string_view, std::string_view> files[] = {
        {"/workspace/group", "CLAUDE.md"},
        {"/workspace/global", "CLAUDE.md"},
        {"/home/node/.claude", "CLAUDE.md"},
        {"/home/node/.claude", "settings.json"}};
    std::string stamp;
    for (const auto& [container_dir, name] : files) {
        const auto m = std::find_if(mounts.begin(), mounts.end(), [&](const VolumeMount& v) {
            return v.container_path == container_dir;
        });
        if (m == mounts.end()) continue;
        const auto path = fs::path(m->host_path) / name;
        std::error_code ec;
        const auto size = fs::file_size(path, ec);
        const auto time = ec ? fs::file_time_type{} : fs::last_write_time(path, ec);
        stamp += ec ? "-\n"
                    : fmt::format("{} {} {}\n", path.string(), size,
                                  time.time_since_epoch().count());
    }
    return stamp;
}

// Everything that decides what a container started with `header_line` would do, except its name
// and its token: equal keys mean a warm container can serve the run exactly as a cold start would.
std::string warm_key(const ContainerRunner::Impl& impl, const core::RegisteredGroup& group,
                     const std::string& header_line, const PreparedMounts& prepared) {
    const auto args = build_run_args(impl.config, impl.settings, {"", "", false, prepared});
    std::string key = group.folder + "\n" + header_line;
    for (const auto& a : args) key += a + "\n";
    return key + runner_source_stamp(prepared.mounts) + memory_stamp(prepared.mounts);
}

// The group's warm container when it can serve `input`, with the line that hands it the message
// in `take_line`; nullptr (and nothing computed while the pool is empty) otherwise.
std::shared_ptr<detail::WarmEntry> take_warm(ContainerRunner::Impl& impl,
                                             const core::RegisteredGroup& group,
                                             const ContainerInput& input,
                                             const PreparedMounts& prepared,
                                             std::string& take_line) {
    if (impl.warm->size() == 0) return nullptr;
    auto lines = warm_lines(input);
    std::string why_not;
    auto entry =
        impl.warm->take(group.folder, warm_key(impl, group, lines.header, prepared), why_not);
    take_line = std::move(lines.take);
    if (!why_not.empty()) {
        spdlog::info("Warm container of {} not used ({}); starting one", group.name, why_not);
    }
    if (!entry) return nullptr;
    // Its token admits requests from now until the run ends (the ReleaseGuard).
    if (!entry->credentials.activate || !entry->credentials.activate()) {
        spdlog::warn("Warm container of {} lost its proxy admission; starting one", group.name);
        if (entry->credentials.release) entry->credentials.release();
        detail::close_session_stdin(entry->session);
        return nullptr;
    }
    return entry;
}

awaitable<void> start_warm(ContainerRunner::Impl& impl, core::RegisteredGroup group,
                           ContainerInput header, bool hot) {
    while (impl.pending_prerequisites > 0)
        co_await impl.prerequisites_done.wait();
    auto& pool = *impl.warm;
    if (!pool.make_room(group.folder, hot)) co_return;
    // Until the entry is added, a failure leaves the pool as it was (image watch included).
    struct IdleCheck {
        detail::WarmPool& pool;
        ~IdleCheck() { pool.stop_watch_if_empty(); }
    } idle_check{pool};
    PreparedMounts prepared;
    RunCredentials creds;
    try {
        prepared = prepare_mounts(impl, impl.mount_security, group, header.is_main);
        creds = impl.credentials(group.folder, Admission::dormant);
    } catch (const std::exception& e) {
        spdlog::warn("No warm container for {}: {}", group.name, e.what());
        co_return;
    }
    ReleaseGuard release_on_failure(creds.release);
    auto entry = std::make_shared<detail::WarmEntry>();
    auto header_line = warm_lines(header).header;
    entry->key = warm_key(impl, group, header_line, prepared);
    auto run = prepare_run(impl, group, header, creds, std::move(prepared), true);
    entry->id = pool.next_id();
    run.session.on_stderr_line_before_input = pool.ready_watch(entry->id);
    run.session.on_exit_before_input = pool.exit_watch(entry->id);
    spdlog::debug("warm container args: {}", loggable_args(run.argv));
    try {
        entry->session = detail::spawn_session(impl.io, run.session);
    } catch (const std::exception& e) {
        spdlog::warn("No warm container for {}: {}", group.name, e.what());
        co_return;
    }
    entry->folder = group.folder;
    entry->group_name = group.name;
    entry->credentials = std::move(creds);
    entry->argv = std::move(run.argv);
    entry->mounts = std::move(run.prepared.mounts);
    entry->started_wall = impl.clock.now();
    entry->started = std::chrono::steady_clock::now();
    entry->group = std::move(group);
    entry->header = std::move(header);
    entry->hot = hot;
    auto session = entry->session;
    pool.add(std::move(entry));
    release_on_failure.dismiss();
    // Written after add(): the session's hooks find the entry from now on.
    if (!co_await detail::write_session_stdin(session, std::move(header_line))) {
        spdlog::debug("Warm container {} did not take its input header",
                      detail::session_container_name(session));
    }
}

ContainerOutput finish_run(const ContainerRunner::Impl& impl, const core::RegisteredGroup& group,
                           const ContainerInput& input, const PreparedRun& run,
                           const detail::SessionResult& result, bool streaming,
                           std::chrono::system_clock::time_point started,
                           std::chrono::steady_clock::time_point steady_start) {
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
    return outcome;
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
    const bool streaming = static_cast<bool>(on_output);
    PreparedMounts prepared;
    try {
        prepared = prepare_mounts(impl, impl.mount_security, group, input.is_main);
    } catch (const std::exception& e) {
        spdlog::error("Cannot prepare the container run of {}: {}", group.folder, e.what());
        co_return spawn_error(std::string("cannot prepare the host: ") + e.what());
    }
    std::string take_line;
    if (auto warm = take_warm(impl, group, input, prepared, take_line)) {
        ReleaseGuard release(std::move(warm->credentials.release));
        PreparedRun run;
        run.container_name = detail::session_container_name(warm->session);
        run.argv = warm->argv;
        run.prepared.mounts = warm->mounts;
        run.session.stdin_json = to_json_text(input);
        spdlog::info("Warm container taken: group={} container={}", group.name,
                     run.container_name);
        auto result = co_await detail::finish_session(warm->session, std::move(take_line),
                                                      std::move(on_output),
                                                      std::move(hooks.on_started));
        co_return finish_run(impl, group, input, run, result, streaming, started, steady_start);
    }
    RunCredentials creds;
    try {
        creds = impl.credentials(group.folder, Admission::live);
    } catch (const std::exception& e) {
        co_return spawn_error(std::string("no credentials for the run: ") + e.what());
    }
    ReleaseGuard release(std::move(creds.release));
    auto run = prepare_run(impl, group, input, creds, std::move(prepared), false);
    log_spawn(run.prepared.mounts, run.argv, group, input.is_main);
    run.session.on_output = std::move(on_output);
    run.session.on_started = std::move(hooks.on_started);
    auto result = co_await detail::run_session(impl.io, run.session);
    if (result.spawn_error) {
        spdlog::error("Container spawn error for {}: {}", group.folder, *result.spawn_error);
        co_return spawn_error(*result.spawn_error);
    }
    co_return finish_run(impl, group, input, run, result, streaming, started, steady_start);
}

void ContainerRunner::keep_warm(core::RegisteredGroup group, ContainerInput header, bool hot) {
    auto& impl = *impl_;
    if (!impl.warm->enabled() || !core::is_valid_group_folder(group.folder)) return;
    core::spawn(impl.io.get_executor(), "warm container start",
                start_warm(impl, std::move(group), std::move(header), hot));
}

std::vector<WarmContainerInfo> ContainerRunner::warm_containers() const {
    return impl_->warm->info();
}

awaitable<void> ContainerRunner::shutdown_warm() { co_await impl_->warm->shutdown(); }

} // namespace nanoclaw::container
