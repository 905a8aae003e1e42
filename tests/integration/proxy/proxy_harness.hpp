// SPDX-License-Identifier: MIT
// Runs a real CredentialProxy on its own io thread against loopback fakes, captures every log
// line unredacted, and offers a blocking HTTP client for the tests.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {

/// A parsed response as the client saw it.
struct ClientResponse {
    int status = 0;
    std::multimap<std::string, std::string> headers; ///< names lower-cased
    std::string body;
    std::string get(const std::string& name) const;
    bool has(const std::string& name) const { return headers.count(name) != 0; }
};

/// A blocking client connection to the proxy (10 s socket timeouts so a bug fails, not hangs).
class TestClient {
public:
    explicit TestClient(std::uint16_t port);
    ~TestClient();
    /// Sends raw bytes.
    void send(std::string_view bytes);
    /// Reads one response; nullopt when the connection closed or broke first.
    std::optional<ClientResponse> read_response();
    /// Reads whatever arrives next (at least one byte); "" on close.
    std::string read_some();
    /// True when the proxy closed the connection (reads EOF or reset).
    bool closed_by_peer();
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A simple request: method, target, extra header lines, body (content-length added).
std::string make_request(const std::string& method, const std::string& target,
                         const std::string& extra_headers = "", const std::string& body = "");

class ProxyHarness {
public:
    /// Writes `dotenv` to <tmp>/.env, loads settings with `env` (port 0, CREDENTIAL_PROXY_HOST
    /// `bind_host`, nullopt = auto-detect) and starts the proxy.
    ProxyHarness(const std::string& dotenv, core::EnvMap env = {},
                 std::optional<std::string> bind_host = std::string("127.0.0.1"));
    ~ProxyHarness();

    proxy::CredentialProxy& proxy() { return *proxy_; }
    std::uint16_t port() const { return port_; }
    /// Registers a run for `group` and returns the path prefix "/r/<token>".
    std::string open_run(const std::string& group);
    /// Every upstream event reported so far, with its group folder.
    std::vector<std::pair<std::string, proxy::UpstreamEvent>> upstream_events() const;
    /// Ends every run opened so far (their tokens stop being admitted).
    void release_runs();
    /// Runs the preflight on the proxy's thread and waits for its result.
    proxy::UpstreamEvent check_upstream();
    /// Every usage record reported so far.
    std::vector<proxy::UsageRecord> usage() const;
    /// Every log line written so far (unredacted).
    std::string logs() const;
    /// A one-shot request on a fresh connection.
    std::optional<ClientResponse> request(const std::string& raw);
    const TempDir& dir() const { return dir_; }

private:
    TempDir dir_;
    struct Runtime;
    std::unique_ptr<Runtime> rt_;
    std::unique_ptr<proxy::CredentialProxy> proxy_;
    std::uint16_t port_ = 0;
    mutable std::mutex usage_mutex_;
    std::vector<proxy::UsageRecord> usage_;
    std::vector<std::pair<std::string, proxy::UpstreamEvent>> upstream_events_;
    std::vector<std::function<void()>> releases_;
};

} // namespace nanoclaw::testing
