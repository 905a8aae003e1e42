// SPDX-License-Identifier: MIT
// Lifecycle of the proxy: bind (§3.6 address), accept loop, run admission, stop.
#include <fstream>

#include <spdlog/spdlog.h>

#include "exchange.hpp"
#include "proxy_state.hpp"

#include <boost/asio/ssl/context.hpp>

#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/net/tls.hpp"
#include "nanoclaw/net/upstream_stream.hpp"

namespace nanoclaw::proxy {
namespace {

using boost::system::error_code;

std::shared_ptr<tcp::acceptor> open_acceptor(boost::asio::io_context& io, const std::string& host,
                                             std::uint16_t port) {
    error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec) {
        throw core::FatalError("credential proxy bind address \"" + host +
                               "\" is not an IP address");
    }
    auto acceptor = std::make_shared<tcp::acceptor>(io);
    const tcp::endpoint endpoint{address, port};
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw core::FatalError("credential proxy cannot listen on " + host + ":" +
                               std::to_string(port) + ": " + ec.message());
    }
    return acceptor;
}

awaitable<void> client_task(std::shared_ptr<ProxyState> state, std::shared_ptr<ClientConn> conn,
                            std::uint64_t id) {
    co_await serve_client(state, conn);
    state->clients.erase(id);
}

// Accept errors such as EMFILE are transient: back off briefly instead of spinning or dying.
awaitable<void> accept_loop(std::shared_ptr<ProxyState> state,
                            std::shared_ptr<tcp::acceptor> acceptor) {
    while (!state->stopping && acceptor->is_open()) {
        error_code ec;
        tcp::socket socket =
            co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec == boost::asio::error::operation_aborted || !acceptor->is_open()) co_return;
        if (ec) {
            spdlog::warn("Credential proxy accept failed: {}", ec.message());
            asio::steady_timer pause(state->io, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto conn = std::make_shared<ClientConn>(std::move(socket));
        const auto id = state->next_client_id++;
        state->clients.emplace(id, conn);
        core::spawn(state->io.get_executor(), "credential proxy client", client_task(state, conn, id));
    }
}

void listen_on(ProxyState& state, std::shared_ptr<ProxyState> shared, const BindChoice& choice,
               std::uint16_t port) {
    auto acceptor = open_acceptor(state.io, choice.host, port);
    state.port = acceptor->local_endpoint().port();
    state.bind_host = choice.host;
    state.bind_reason = choice.reason;
    state.acceptor = acceptor;
    core::spawn(state.io.get_executor(), "credential proxy accept loop",
                accept_loop(std::move(shared), std::move(acceptor)));
}

void warn_fallback() {
    spdlog::warn("!!! Credential proxy is listening on 0.0.0.0: no docker0 interface was found. "
                 "Every host that can reach this machine can reach the proxy (requests still need "
                 "a live run token). Set CREDENTIAL_PROXY_HOST to choose an address; the proxy "
                 "moves to docker0 when it appears. !!!");
}

constexpr std::chrono::seconds k_redetect_interval{5};

// While bound to the 0.0.0.0 fallback, look for docker0 again every few seconds: the daemon may
// have started before Docker created the bridge (boot-order race of spec 20 §3.6).
awaitable<void> redetect_loop(std::shared_ptr<ProxyState> state, CredentialProxy* proxy) {
    auto timer = std::make_shared<asio::steady_timer>(state->io);
    state->redetect_timer = timer; // stop() cancels it so shutdown does not wait
    while (!state->stopping && state->bind_reason == BindReason::fallback_any) {
        timer->expires_after(k_redetect_interval);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        if (state->stopping) co_return;
        proxy->redetect_bind_host();
    }
}

} // namespace

struct CredentialProxy::Impl {
    std::shared_ptr<ProxyState> state;
};

CredentialProxy::CredentialProxy(boost::asio::io_context& io, ProxySettings settings,
                                 UsageCallback on_usage)
    : impl_(std::make_unique<Impl>()) {
    impl_->state = std::make_shared<ProxyState>(io, std::move(settings), std::move(on_usage));
}

CredentialProxy::~CredentialProxy() { stop(); }

void CredentialProxy::start() {
    ProxyState& st = *impl_->state;
    if (st.acceptor) return;
    // Fail fast on an unusable extra CA; the TLS context itself is built on first use.
    if (st.settings.upstream.tls() && st.settings.extra_ca_file) {
        std::ifstream probe(*st.settings.extra_ca_file);
        if (!probe) {
            throw core::FatalError("cannot read the extra CA file " + st.settings.extra_ca_file->string());
        }
    }
    const auto choice = choose_bind_host(st.settings.bind_host_override, probe_host());
    if (st.settings.port < 0 || st.settings.port > 65535) {
        throw core::FatalError("CREDENTIAL_PROXY_PORT out of range");
    }
    listen_on(st, impl_->state, choice, static_cast<std::uint16_t>(st.settings.port));
    if (choice.reason == BindReason::fallback_any) {
        warn_fallback();
        // The state's `stopping` flag ends the loop before the proxy object goes away (stop()
        // runs in the destructor).
        core::spawn(st.io.get_executor(), "credential proxy bind re-detection",
                    redetect_loop(impl_->state, this));
    }
    spdlog::info("Credential proxy started on {}:{} (authMode {}, upstream {}{})", st.bind_host,
                 st.port, to_string(st.settings.auth_mode), st.settings.upstream.host_header(),
                 st.settings.tunnel_via ? ", via HTTPS_PROXY" : "");
}

void CredentialProxy::stop() {
    ProxyState& st = *impl_->state;
    if (st.stopping) return;
    st.stopping = true;
    error_code ignored;
    if (st.acceptor) st.acceptor->close(ignored);
    if (st.redetect_timer) st.redetect_timer->cancel();
    for (auto& [id, weak] : st.clients) {
        if (auto conn = weak.lock()) {
            if (conn->upstream) conn->upstream->stream->close();
            conn->stream.socket().close(ignored);
        }
    }
    st.pool.clear();
}

std::uint16_t CredentialProxy::port() const { return impl_->state->port; }
const std::string& CredentialProxy::bind_host() const { return impl_->state->bind_host; }
AuthMode CredentialProxy::auth_mode() const { return impl_->state->settings.auth_mode; }

std::string CredentialProxy::register_run(std::string group_folder) {
    return impl_->state->runs->add(std::move(group_folder));
}

void CredentialProxy::unregister_run(const std::string& token) { impl_->state->runs->remove(token); }

std::string CredentialProxy::base_url_for(std::string_view token,
                                          std::string_view container_host) const {
    return "http://" + std::string(container_host) + ":" + std::to_string(port()) +
           run_path_prefix(token);
}

RunAccess CredentialProxy::open_run(std::string group_folder, std::string_view container_host,
                                   RunRegistry::Admission admission) {
    const std::string token = impl_->state->runs->add(std::move(group_folder), admission);
    std::weak_ptr<RunRegistry> registry = impl_->state->runs;
    auto release = [registry, token]() {
        if (auto runs = registry.lock()) runs->remove(token);
    };
    auto activate = [registry, token]() {
        auto runs = registry.lock();
        return runs && runs->activate(token);
    };
    return RunAccess{base_url_for(token, container_host), auth_mode() == AuthMode::oauth,
                     std::move(release), std::move(activate)};
}

void CredentialProxy::set_upstream_observer(UpstreamObserver observer) {
    impl_->state->on_upstream = std::move(observer);
}

namespace {

awaitable<void> run_check(std::shared_ptr<ProxyState> state,
                          std::function<void(const UpstreamEvent&)> on_result) {
    const auto event = co_await check_upstream_once(state);
    if (on_result) on_result(event);
}

} // namespace

void CredentialProxy::check_upstream(std::function<void(const UpstreamEvent&)> on_result) {
    core::spawn(impl_->state->io.get_executor(), "credential proxy preflight",
                run_check(impl_->state, std::move(on_result)));
}

void CredentialProxy::redetect_bind_host() {
    ProxyState& st = *impl_->state;
    if (st.stopping || !st.acceptor || st.bind_reason != BindReason::fallback_any) return;
    const auto choice = choose_bind_host(st.settings.bind_host_override, probe_host());
    if (choice.reason == BindReason::fallback_any) return;
    // The wildcard socket holds the port on every address, so it must close first.
    error_code ignored;
    st.acceptor->close(ignored);
    try {
        listen_on(st, impl_->state, choice, st.port);
        spdlog::info("Credential proxy moved to {}:{}", st.bind_host, st.port);
    } catch (const core::FatalError& e) {
        spdlog::error("{}; staying on 0.0.0.0", e.what());
        listen_on(st, impl_->state, BindChoice{"0.0.0.0", BindReason::fallback_any}, st.port);
    }
}

} // namespace nanoclaw::proxy
