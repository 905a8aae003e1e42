// SPDX-License-Identifier: MIT
// The mock Messages API the benchmark measures against: coroutine server on its own io thread.
// "/json" answers a small JSON message; "/sse" streams ~100 KB of SSE in 1 KB events.
#pragma once

#include <cstdint>
#include <memory>

namespace nanoclaw::bench {

class BenchUpstream {
public:
    BenchUpstream();
    ~BenchUpstream();
    std::uint16_t port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::bench
