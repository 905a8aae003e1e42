// SPDX-License-Identifier: MIT
#include "nanoclaw/core/log.hpp"

#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace nanoclaw::core {
namespace {

// Secrets live in one process-wide list because logging itself is process-wide. Guarded by a
// mutex: the proxy and helper threads may log too.
std::mutex g_secrets_mutex;
std::vector<std::string> g_secrets;

// A sink that redacts the formatted line and forwards it to the real sinks.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit RedactingSink(std::vector<spdlog::sink_ptr> targets) : targets_(std::move(targets)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, clean);
        for (auto& t : targets_) {
            if (t->should_log(copy.level)) t->log(copy);
        }
    }
    void flush_() override {
        for (auto& t : targets_) t->flush();
    }

private:
    std::vector<spdlog::sink_ptr> targets_;
};

} // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
    using L = spdlog::level::level_enum;
    if (name == "trace") return L::trace;
    if (name == "debug") return L::debug;
    if (name == "info") return L::info;
    if (name == "warn" || name == "warning") return L::warn;
    if (name == "error") return L::err;
    if (name == "fatal" || name == "critical") return L::critical;
    return std::nullopt;
}

void init_logging(std::string_view level, const std::optional<std::filesystem::path>& file) {
    std::vector<spdlog::sink_ptr> targets;
    const bool terminal = isatty(STDERR_FILENO) != 0;
    if (terminal) {
        targets.push_back(std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>());
    } else {
        targets.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    }
    // With a log file, stderr redirected to a file (launchd's and the wrapper script's
    // logs/nanoclaw.error.log) gets warnings and errors only, not a second copy of every line;
    // a terminal and systemd's journal (JOURNAL_STREAM) still see everything.
    if (file && !terminal && std::getenv("JOURNAL_STREAM") == nullptr) targets.back()->set_level(spdlog::level::warn);
    if (file) targets.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file->string()));
    // The redacting sink forwards finished messages, so the targets format them.
    for (auto& t : targets) t->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    auto logger = std::make_shared<spdlog::logger>(
        "nanoclaw", std::make_shared<RedactingSink>(std::move(targets)));
    const auto parsed = parse_log_level(level);
    logger->set_level(parsed.value_or(spdlog::level::info));
    // Every line reaches the file at once (tail -f, crash analysis); logs are low-volume.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    if (!parsed) spdlog::warn("unknown LOG_LEVEL {:?}, using info", std::string(level));
}

void register_secret(std::string value) {
    if (value.size() < 4) return;
    std::lock_guard lock(g_secrets_mutex);
    for (const auto& s : g_secrets) {
        if (s == value) return;
    }
    g_secrets.push_back(std::move(value));
}

std::string redact(std::string_view text) {
    std::string out(text);
    std::lock_guard lock(g_secrets_mutex);
    for (const auto& secret : g_secrets) {
        std::size_t pos = 0;
        while ((pos = out.find(secret, pos)) != std::string::npos) {
            out.replace(pos, secret.size(), "[REDACTED]");
            pos += 10;
        }
    }
    return out;
}

} // namespace nanoclaw::core
