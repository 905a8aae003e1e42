// SPDX-License-Identifier: MIT
// A loopback HTTP CONNECT proxy (like the Docker Sandbox's MITM proxy, minus the MITM): records
// each CONNECT target and Proxy-Authorization, then pipes bytes both ways.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nanoclaw::testing {

class FakeConnectProxy {
public:
    FakeConnectProxy();
    ~FakeConnectProxy();
    std::uint16_t port() const;
    /// "host:port" of every CONNECT received.
    std::vector<std::string> targets() const;
    /// Proxy-Authorization values received ("" when absent).
    std::vector<std::string> authorizations() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::testing
