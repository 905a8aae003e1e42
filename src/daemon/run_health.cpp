// SPDX-License-Identifier: MIT
#include "run_health.hpp"

#include <spdlog/spdlog.h>


namespace nanoclaw::daemon {

struct RunHealth::Run {
    Run(asio::io_context& io, std::string chat, std::uint64_t gen)
        : jid(std::move(chat)), generation(gen), wait_timer(io) {}
    std::string jid;
    std::uint64_t generation; ///< tells a late timer of an ended run from the next run's
    std::string container;
    std::optional<std::string> permanent;       ///< the sentence the chat was told
    std::optional<proxy::UpstreamEvent> waiting; ///< the transient failure being retried
    std::string status; ///< the last status sent, so a retry loop does not repeat it
    bool wait_told = false;
    asio::steady_timer wait_timer;
};

RunHealth::RunHealth(asio::io_context& io, Outbound& outbound, StopFn stop, Options options)
    : io_(io), outbound_(outbound), stop_(std::move(stop)), options_(options) {}

RunHealth::~RunHealth() = default;

void RunHealth::begin(const std::string& folder, const std::string& jid) {
    if (auto it = runs_.find(folder); it != runs_.end()) it->second->wait_timer.cancel();
    auto run = std::make_shared<Run>(io_, jid, ++next_generation_);
    runs_[folder] = run;
    set_status(*run, "starting the agent");
}

void RunHealth::started(const std::string& folder, const std::string& container_name) {
    auto it = runs_.find(folder);
    if (it == runs_.end()) return;
    it->second->container = container_name;
    // Told after the container was named: the stop may have been owed since begin().
    if (it->second->permanent && stop_) stop_(container_name);
}

std::optional<std::string> RunHealth::end(const std::string& folder) {
    auto it = runs_.find(folder);
    if (it == runs_.end()) return std::nullopt;
    auto failure = it->second->permanent;
    it->second->wait_timer.cancel();
    runs_.erase(it);
    return failure;
}

std::optional<std::string> RunHealth::permanent_failure(const std::string& folder) const {
    auto it = runs_.find(folder);
    return it == runs_.end() ? std::nullopt : it->second->permanent;
}

void RunHealth::set_status(Run& run, std::string text) {
    if (run.status == text) return;
    run.status = text;
    outbound_.status(run.jid, std::move(text));
}

void RunHealth::tell(const std::string& jid, std::string text) {
    // Not awaited (the proxy's callback must not wait for a chat API round trip), and on the
    // chat's lane, so it reaches clients before the end of the turn.
    outbound_.notice(jid, std::move(text));
}

void RunHealth::report_permanent(const std::string& folder, const std::string& sentence) {
    auto it = runs_.find(folder);
    if (it == runs_.end() || it->second->permanent) return;
    auto& run = *it->second;
    run.permanent = sentence;
    run.wait_timer.cancel();
    spdlog::error("agent run cannot succeed group={} reason={}", folder, sentence);
    set_status(run, "failed: " + sentence);
    tell(run.jid, sentence);
    if (!run.container.empty() && stop_) stop_(run.container);
}

void RunHealth::on_upstream(const std::string& folder, const proxy::UpstreamEvent& event) {
    auto it = runs_.find(folder);
    if (it == runs_.end()) return;
    auto& run = *it->second;
    if (run.permanent) return;
    if (event.kind == proxy::UpstreamKind::ok) {
        run.waiting.reset();
        run.wait_timer.cancel();
        set_status(run, "the agent is working");
        return;
    }
    if (proxy::is_permanent(event.kind)) {
        report_permanent(folder, proxy::describe_for_chat(event));
        return;
    }
    if (!proxy::is_transient(event.kind)) return;
    set_status(run, "waiting on the API: " + proxy::short_reason(event) + " (retrying)");
    const bool first = !run.waiting.has_value();
    run.waiting = event;
    if (!first || run.wait_told) return;
    run.wait_timer.expires_after(options_.wait_notice_after);
    const auto generation = run.generation;
    run.wait_timer.async_wait([this, folder, generation](const boost::system::error_code& ec) {
        if (!ec) on_wait_elapsed(folder, generation);
    });
}

void RunHealth::on_wait_elapsed(const std::string& folder, std::uint64_t generation) {
    auto it = runs_.find(folder);
    if (it == runs_.end() || it->second->generation != generation) return;
    auto& run = *it->second;
    if (!run.waiting || run.wait_told || run.permanent) return;
    run.wait_told = true;
    tell(run.jid, proxy::describe_wait_for_chat(*run.waiting));
}

} // namespace nanoclaw::daemon
