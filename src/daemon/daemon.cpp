// SPDX-License-Identifier: MIT
// nanoclawd's start-up reads as a table of contents: each numbered step below is one stage, in
// the order v1 uses (spec 10 §12.2), with the event-driven pieces replacing its poll loops.
#include "nanoclaw/daemon/daemon.hpp"

#include <optional>

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "agent_cursors.hpp"
#include "agent_launcher.hpp"
#include "channel_events.hpp"
#include "group_directory.hpp"
#include "ipc_bridge.hpp"
#include "live_status.hpp"
#include "message_flow.hpp"
#include "outbound.hpp"
#include "shipped_files.hpp"
#include "task_runner.hpp"
#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/channels/registry.hpp"
#include "nanoclaw/channels/telegram/telegram_channel.hpp"
#include "nanoclaw/channels/whatsapp/whatsapp_channel.hpp"
#include "nanoclaw/container/runner.hpp"
#include "nanoclaw/container/runtime.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/core/secret_file_mode.hpp"
#include "nanoclaw/core/service_notify.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/ipc/ipc_watcher.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"
#include "nanoclaw/proxy/settings.hpp"

namespace nanoclaw::daemon {

void ensure_layout(const core::Config& config) {
    namespace fs = std::filesystem;
    for (const fs::path& dir : {config.store_dir, config.groups_dir, config.data_dir,
                                config.data_dir / "ipc", config.data_dir / "sessions"}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            throw core::FatalError("cannot create directory " + dir.string() + ": " + ec.message());
    }
    // A fresh (empty) root gets the CLAUDE.md templates users edit; theirs are never replaced.
    seed_templates(config);
}

namespace {

// Everything the running daemon owns, in construction order (destroyed in reverse).
struct Daemon {
    Daemon(const core::Config& cfg, const core::EnvMap& env_in)
        : config(cfg), env(env_in), container_settings(container::load_settings(cfg, env_in)),
          store(store::Store::open(cfg.store_dir / "messages.db",
                                   store::StoreOptions(clock, cfg.assistant_name, cfg.data_dir))),
          groups(store, cfg), cursors(store, cfg.assistant_name, cfg.max_messages_per_prompt),
          proxy(io, proxy::load_settings(cfg, env_in),
                [this](const proxy::UsageRecord& u) { record_usage(u); }),
          mounts(cfg.mount_allowlist_path, cfg.home_dir, cfg.root),
          runner(
              io, cfg, container_settings,
              [this](const std::string& f, container::Admission a) { return open_run(f, a); },
              mounts, clock),
          queue(io, queue::QueueOptions{cfg.max_concurrent_containers, cfg.data_dir / "ipc"}),
          outbound(io.get_executor(), channels),
          health(io, outbound, [this](const std::string& name) { stop_in_background(name); },
                 RunHealth::Options{cfg.upstream_wait_notice}),
          launcher(store, groups, runner, queue, health, cfg, clock),
          allowlist(cfg.sender_allowlist_path),
          flow({io, cfg, store, groups, cursors, queue, launcher, outbound, allowlist}),
          tasks({io, cfg, clock, store, groups, queue, launcher, outbound}),
          ipc_bridge(store, groups, outbound, launcher, tasks, channels, cfg, clock),
          ipc(io, ipc::WatcherOptions{cfg.data_dir / "ipc"}, ipc_bridge,
              [this](const std::string& folder) { return groups.is_main_folder(folder); }),
          signals(io, SIGTERM, SIGINT) {
        proxy.set_upstream_observer(
            [this](const std::string& folder, const proxy::UpstreamEvent& event) {
                health.on_upstream(folder, event);
            });
    }

    // A run that cannot succeed is ended at once (`stop -t 1`), without waiting for it here.
    void stop_in_background(const std::string& container_name) {
        core::spawn(io.get_executor(), "stop failed run",
                    [](container::ContainerRunner& r, std::string name) -> awaitable<void> {
                        co_await r.stop_container(std::move(name));
                    }(runner, container_name));
    }

    void preflight();

    container::RunCredentials open_run(const std::string& folder, container::Admission admission) {
        auto access = proxy.open_run(folder,
                                     container::proxy_host_for_containers(container_settings),
                                     admission == container::Admission::dormant
                                         ? proxy::RunRegistry::Admission::dormant
                                         : proxy::RunRegistry::Admission::live);
        return {access.base_url, access.oauth, access.release, access.activate};
    }

    void record_usage(const proxy::UsageRecord& u) {
        try {
            store.record_usage({"", u.group_folder,
                                u.model.empty() ? std::nullopt : std::optional(u.model),
                                u.input_tokens, u.output_tokens, u.cache_creation_input_tokens,
                                u.cache_read_input_tokens});
        } catch (const std::exception& e) {
            spdlog::warn("cannot record token usage group={} err={}", u.group_folder, e.what());
        }
    }

    // Built only when a local client asks (`nanoclaw status`): nothing here runs while idle.
    nlohmann::json status() const {
        const LiveStatusSources sources{started_at,
                                        channels,
                                        queue,
                                        proxy.bind_host(),
                                        proxy.port(),
                                        std::string(proxy::to_string(proxy.auth_mode())),
                                        config.warm_pool_size,
                                        config.warm_pool_ttl,
                                        runner.warm_containers()};
        return live_status(sources, std::chrono::system_clock::now());
    }

    awaitable<void> connect_channels();
    awaitable<void> watchdog_pings(std::chrono::microseconds interval);
    awaitable<void> serve(const container::Runtime& runtime);
    awaitable<void> shutdown(int signo);

    asio::io_context io{1};
    core::SystemClock clock;
    std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
    const core::Config& config;
    core::EnvMap env;
    container::Settings container_settings;
    store::Store store;
    GroupDirectory groups;
    AgentCursors cursors;
    proxy::CredentialProxy proxy;
    container::MountSecurity mounts;
    container::ContainerRunner runner;
    queue::GroupQueue queue;
    std::vector<std::unique_ptr<channels::Channel>> channels;
    Outbound outbound;
    RunHealth health;
    AgentLauncher launcher;
    router::SenderAllowlistFile allowlist;
    MessageFlow flow;
    TaskRunner tasks;
    IpcBridge ipc_bridge;
    ipc::IpcWatcher ipc;
    asio::signal_set signals;
    core::ServiceNotifier notifier; ///< systemd Type=notify (set by run_daemon)
    int exit_code = 0;
};

// One authenticated request through the proxy's upstream path once the daemon serves: a
// rejected key or a dead network is in the log (warn, same sentence the chat would get) before
// the first message. Start-up goes on either way: the network may come back.
void Daemon::preflight() {
    proxy.check_upstream([](const proxy::UpstreamEvent& event) {
        if (event.kind == proxy::UpstreamKind::ok) {
            spdlog::info("upstream preflight ok host={} ({})", event.host, event.detail);
        } else if (proxy::is_permanent(event.kind)) {
            spdlog::warn("upstream preflight: {} ({})", proxy::describe_for_chat(event),
                         event.detail);
        } else {
            spdlog::warn("upstream preflight: the API is not answering normally: {} ({})",
                         proxy::short_reason(event), event.detail);
        }
    });
}

awaitable<void> Daemon::connect_channels() {
    channels::ChannelRegistry registry;
    // The local socket's sync_groups request is answered when every channel has synced.
    auto sync_request = [this](std::function<void(nlohmann::json)> reply) {
        core::spawn(io.get_executor(), "sync_groups request",
                    sync_all_groups(channels, std::move(reply)));
    };
    registry.register_channel("local", channels::make_local_channel_factory(
                                           config, clock, [this] { return status(); },
                                           sync_request));
    registry.register_channel(
        "telegram", channels::telegram::make_telegram_channel_factory(io, config, env, store));
    registry.register_channel(
        "whatsapp", channels::whatsapp::make_whatsapp_channel_factory(io, config, env, store));
    channels::ChannelCallbacks callbacks{
        [this](core::NewMessage m) { flow.on_inbound(std::move(m)); },
        [this](channels::ChatMetadata c) {
            store.store_chat_metadata(c.jid, c.timestamp, c.name, c.channel, c.is_group);
        },
        [this]() -> const std::map<std::string, core::RegisteredGroup>& { return groups.all(); },
        [this](std::string text) { route_channel_notice(groups.all(), channels, outbound, text); }};
    for (const auto& name : registry.names()) {
        auto channel = (*registry.factory(name))(callbacks);
        if (!channel) {
            spdlog::info("channel {} is not configured; skipping", name);
            continue;
        }
        try {
            co_await channel->connect();
            spdlog::info("channel connected: {}", name);
        } catch (const core::FatalError&) {
            throw;
        } catch (const std::exception& e) {
            // A remote link that is down (or logged out) must not keep the daemon and its
            // other channels from serving: the channel stays, reports itself in `status`, and
            // keeps its outbox for when it comes back.
            spdlog::error("channel {} did not connect: {}", name, e.what());
        }
        channels.push_back(std::move(channel));
    }
}

awaitable<void> Daemon::serve(const container::Runtime& runtime) {
    co_await connect_channels();
    if (channels.empty()) {
        spdlog::critical("no channels connected (enable LOCAL_CHANNEL or configure a channel)");
        exit_code = 1;
        io.stop();
        co_return;
    }
    // Containers an earlier daemon left running are stopped in the background, from the moment
    // this coroutine ends (a `stop -t 1` takes a second or more with a real runtime). Nothing
    // can start a container before this line, and every run waits for the cleanup: a new
    // container is never taken for an orphan, and never works next to an old agent.
    runner.run_after([](asio::io_context& loop, const container::Runtime& rt) -> awaitable<void> {
        co_await rt.cleanup_orphans_async(loop);
    }(io, runtime));
    tasks.start();
    ipc.start();
    queue.set_process_messages_fn(
        [this](std::string jid) { return flow.process_group(std::move(jid)); });
    flow.recover();
    launcher.warm_hot_groups(); // after the orphan cleanup, like every container start
    if (config.upstream_preflight) preflight();
    spdlog::info("ready root={} assistant={} timezone={} groups={} proxy={}:{}",
                 config.root.string(), config.assistant_name, config.timezone, groups.all().size(),
                 proxy.bind_host(), proxy.port());
    // Only now can it serve: a Type=notify unit's dependents start after this.
    notifier.notify("READY=1\nSTATUS=serving");
    if (const auto interval = notifier.watchdog_interval()) {
        core::spawn(io.get_executor(), "service watchdog", watchdog_pings(*interval));
    }
}

// WATCHDOG=1 from the event loop itself, at half the manager's limit: a wedged loop stops the
// pings and systemd restarts the service.
awaitable<void> Daemon::watchdog_pings(std::chrono::microseconds interval) {
    asio::steady_timer timer(io);
    for (;;) {
        notifier.notify("WATCHDOG=1");
        timer.expires_after(interval / 2);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
    }
}

awaitable<void> Daemon::shutdown(int signo) {
    spdlog::info("received signal {}, shutting down", signo);
    notifier.notify("STOPPING=1\nSTATUS=stopping");
    // Stop intake: messages are still stored, but nothing new starts.
    flow.stop_dispatch();
    // Warm containers leave first: nothing would take them now.
    co_await runner.shutdown_warm();
    queue.shutdown();
    tasks.stop();
    ipc.stop();
    // Let running agents finish their turn (they get `_close`) within the grace period.
    const int left = co_await queue.drain(config.shutdown_grace);
    for (const auto& name : queue.active_containers())
        co_await runner.stop_container(name);
    if (left > 0) spdlog::warn("{} agent run(s) did not finish within the grace period", left);
    for (auto& channel : channels) {
        try {
            co_await channel->disconnect();
        } catch (const std::exception& e) {
            spdlog::warn("disconnect failed channel={} err={}", channel->name(), e.what());
        }
    }
    proxy.stop();
    io.stop();
}

} // namespace

int run_daemon(const core::Config& config) {
    // 0. The service manager's variables leave the environment before any child is spawned.
    auto notifier = core::ServiceNotifier::take_from_environment();

    // 1. Shipped files (share directory) and the directory layout: everything below lives in
    //    root/{store,groups,data}, seeded from the share directory when empty.
    require_shipped_files(config);
    ensure_layout(config);
    // One daemon per root, before anything that could disturb a running one (its containers
    // would look like orphans to a second daemon).
    const auto lock = core::DaemonLock::acquire(core::daemon_lock_path(config.data_dir));
    const auto env = core::process_env();
    // .env holds the credentials: say so when other local users can read or change it.
    if (const auto exposure = core::secret_file_exposure(config.root / ".env")) {
        spdlog::warn("{}; it holds your credentials (fix: chmod 600 {})", *exposure,
                     (config.root / ".env").string());
    }

    // 2. Container runtime reachable: `info` is a child process, started here and collected
    //    after step 3, so it runs while this thread opens the database.
    const container::Runtime runtime(config, container::load_settings(config, env));
    auto runtime_check = runtime.start_check();

    // 3. Database (schema, migrations, legacy import) and every component around it. Reported
    //    before the runtime, so a broken database is named even on a machine without Docker.
    Daemon d(config, env);
    d.notifier = notifier;
    if (const auto failure = runtime_check.finish()) runtime.fail(*failure);

    // 4. State: registered groups, sessions, delivery cursors.
    d.groups.load();
    if (config.local_channel) d.groups.ensure_default_local_main();
    d.launcher.load_sessions();
    std::vector<std::string> jids;
    for (const auto& [jid, g] : d.groups.all())
        jids.push_back(jid);
    d.cursors.load(jids);

    // 5. Credential proxy, before any container can start.
    d.proxy.start();

    // 6. Signals: the first stops gracefully, a second one exits at once.
    d.signals.async_wait([&d](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        d.signals.async_wait([](const boost::system::error_code& ec2, int) {
            if (!ec2) std::_Exit(1);
        });
        core::spawn(d.io.get_executor(), "shutdown", d.shutdown(signo));
    });

    // 7-12. Channels, then scheduler, IPC, processing and recovery, once channels are up.
    core::spawn(d.io.get_executor(), "start-up", d.serve(runtime));

    d.io.run();
    spdlog::info("stopped");
    return d.exit_code;
}

} // namespace nanoclaw::daemon
