// SPDX-License-Identifier: MIT
// Swaps the default spdlog logger for one that records lines in memory, for the life of the
// object, so tests can assert on warnings and debug lines.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace nanoclaw::testing {

class LogCapture {
  public:
    explicit LogCapture(spdlog::level::level_enum level = spdlog::level::debug)
        : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(stream_);
        sink->set_pattern("%l %v");
        auto logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(level);
        spdlog::set_default_logger(logger);
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::string text() const { return stream_.str(); }
    bool contains(const std::string& needle) const {
        return text().find(needle) != std::string::npos;
    }

  private:
    std::shared_ptr<spdlog::logger> previous_;
    std::ostringstream stream_;
};

} // namespace nanoclaw::testing
