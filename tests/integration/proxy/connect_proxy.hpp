// SPDX-License-Identifier: MIT
// A loopback HTTP CONNECT proxy: records each CONNECT target and Proxy-Authorization, then
// either pipes bytes both ways or, in MITM mode, behaves like the Docker Sandbox's proxy: it
// terminates TLS with a certificate of its own CA, reads the requests inside the tunnel, swaps
// the placeholder API key for the real one and sends them on over a new TLS connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fake_upstream.hpp"
#include "test_ca.hpp"

namespace nanoclaw::testing {

/// MITM mode: what the proxy shows its clients, what it trusts upstream, and the key swap.
struct MitmOptions {
    TestCa client_side;  ///< certificate presented inside every tunnel (clients must trust its CA)
    TestCa upstream_ca;  ///< CA that verifies the CONNECT target's certificate
    /// x-api-key values equal to `from` are replaced by `to` before forwarding.
    std::optional<std::pair<std::string, std::string>> swap_api_key;
};

class FakeConnectProxy {
public:
    /// A plain CONNECT proxy that pipes bytes.
    FakeConnectProxy();
    /// A TLS-intercepting proxy (see MitmOptions). Only IP-literal targets are dialled.
    explicit FakeConnectProxy(MitmOptions mitm);
    ~FakeConnectProxy();
    std::uint16_t port() const;
    /// "host:port" of every CONNECT received.
    std::vector<std::string> targets() const;
    /// Proxy-Authorization values received ("" when absent).
    std::vector<std::string> authorizations() const;
    /// MITM mode: every request read inside a tunnel, as the client sent it (before any swap).
    std::vector<RecordedRequest> intercepted() const;

private:
    void start();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::testing
