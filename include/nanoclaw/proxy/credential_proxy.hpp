// SPDX-License-Identifier: MIT
// The credential proxy (spec 20 §6 plus per-run identity): a loopback/bridge HTTP server that
// admits only live agent runs, swaps the container's placeholder credential for the real one,
// forwards to the Anthropic API (optionally through an HTTPS_PROXY tunnel), streams the response
// back and reports token usage per group. Pimpl: no Beast or OpenSSL in this header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "nanoclaw/proxy/run_registry.hpp"
#include "nanoclaw/proxy/settings.hpp"
#include "nanoclaw/proxy/upstream_event.hpp"
#include "nanoclaw/proxy/usage.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace nanoclaw::proxy {

/// Called on the io thread once per upstream response that carried usage.
using UsageCallback = std::function<void(const UsageRecord&)>;

/// What a container run needs from the proxy; `release` ends the run's admission and `activate`
/// makes a dormant run's token admit requests (both idempotent, safe after the proxy is gone).
struct RunAccess {
    std::string base_url; ///< the container's ANTHROPIC_BASE_URL (carries the run token)
    bool oauth = false;   ///< true: give CLAUDE_CODE_OAUTH_TOKEN=placeholder, else ANTHROPIC_API_KEY
    std::function<void()> release;
    std::function<bool()> activate; ///< false when the run was released meanwhile
};

class CredentialProxy {
public:
    /// Nothing is bound until start(). `io` must outlive the proxy and run on one thread; call
    /// start/stop/redetect on that thread (register_run/unregister_run/open_run are thread-safe).
    CredentialProxy(boost::asio::io_context& io, ProxySettings settings, UsageCallback on_usage);
    ~CredentialProxy();
    CredentialProxy(const CredentialProxy&) = delete;
    CredentialProxy& operator=(const CredentialProxy&) = delete;

    /// Chooses the bind address (§3.6), binds and starts accepting. Throws core::FatalError when
    /// the address cannot be bound or the TLS settings are unusable.
    void start();
    /// Stops accepting and closes every client and upstream connection. Idempotent.
    void stop();

    std::uint16_t port() const;              ///< the bound port (after start)
    const std::string& bind_host() const;    ///< the bound address (after start)
    AuthMode auth_mode() const;

    /// Admits a new run of `group_folder`; returns its token (see unregister_run).
    std::string register_run(std::string group_folder);
    /// Ends a run's admission: later requests with its token get 401.
    void unregister_run(const std::string& token);
    /// "http://<container_host>:<port>/r/<token>": the ANTHROPIC_BASE_URL of that run.
    std::string base_url_for(std::string_view token, std::string_view container_host) const;
    /// register_run + base_url_for + auth mode in one value for the container runner. A dormant
    /// run's token is refused like an unknown one until `activate` (a warm container's).
    RunAccess open_run(std::string group_folder, std::string_view container_host,
                       RunRegistry::Admission admission = RunRegistry::Admission::live);

    /// Receives every upstream status and connection failure of live runs (on the io thread);
    /// set before start(). The daemon uses it to tell a chat why its agent gets no answer.
    void set_upstream_observer(UpstreamObserver observer);
    /// Sends one authenticated request upstream (the model list) and calls `on_result` on the io
    /// thread with what happened: ok, or the failure (DNS, refused, TLS, 401 ...). Never throws.
    void check_upstream(std::function<void(const UpstreamEvent&)> on_result);

    /// Re-runs bind-address detection; when bound to the 0.0.0.0 fallback and docker0 now exists,
    /// moves the listener there on the same port. Runs by itself every 5 s while on the fallback;
    /// the daemon may also call it (on the io thread) right after the runtime check succeeds.
    void redetect_bind_host();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::proxy
