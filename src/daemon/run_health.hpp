// SPDX-License-Identifier: MIT
// What each live agent run is doing and waiting on, and the failures its chat must hear about
// (issue 18). The credential proxy reports every upstream status of a run; a failure that will
// not heal (no DNS, refused, TLS, a rejected key) is told to the chat at once, in one plain
// sentence, and the run's container is stopped so the SDK does not retry in silence. A
// transient one (429, 529, timeouts) is left to the SDK's bounded back-off, and the chat is told
// once if the wait passes `wait_notice_after`.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "outbound.hpp"
#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/proxy/upstream_event.hpp"

namespace nanoclaw::daemon {

class RunHealth {
  public:
    struct Options {
        std::chrono::milliseconds wait_notice_after{30'000};
    };
    /// Stops a container by name (the daemon runs `stop -t 1` in the background).
    using StopFn = std::function<void(const std::string& container_name)>;

    /// `outbound` must outlive this object (the daemon owns both).
    RunHealth(asio::io_context& io, Outbound& outbound, StopFn stop, Options options);
    RunHealth(asio::io_context& io, Outbound& outbound, StopFn stop)
        : RunHealth(io, outbound, std::move(stop), Options{}) {}
    ~RunHealth();

    /// A run of group `folder` for chat `jid` is about to start its container.
    void begin(const std::string& folder, const std::string& jid);
    /// The run's container was spawned under `container_name`.
    void started(const std::string& folder, const std::string& container_name);
    /// The run ended. Returns the permanent failure told to the chat during it, if any.
    std::optional<std::string> end(const std::string& folder);

    /// From the credential proxy (io thread): one upstream status or failure of `folder`'s run.
    void on_upstream(const std::string& folder, const proxy::UpstreamEvent& event);
    /// A failure that will repeat, found by the launcher (compile error, image missing): tells
    /// the chat `sentence` once per run.
    void report_permanent(const std::string& folder, const std::string& sentence);

    /// The chat sentence of the last permanent failure of `folder`'s live run, if any.
    std::optional<std::string> permanent_failure(const std::string& folder) const;

  private:
    struct Run;
    void on_wait_elapsed(const std::string& folder, std::uint64_t generation);
    void tell(const std::string& jid, std::string text);
    void set_status(Run& run, std::string text);

    asio::io_context& io_;
    Outbound& outbound_;
    StopFn stop_;
    Options options_;
    std::map<std::string, std::shared_ptr<Run>> runs_;
    std::uint64_t next_generation_ = 0;
};

} // namespace nanoclaw::daemon
