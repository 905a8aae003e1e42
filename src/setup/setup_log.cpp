// SPDX-License-Identifier: MIT
#include "setup_log.hpp"

#include <ctime>
#include <fstream>

namespace nanoclaw::setup {

SetupLog::SetupLog(std::filesystem::path root, std::string step)
    : file_(std::move(root) / k_setup_log_path), step_(std::move(step)) {}

void SetupLog::line(std::string_view message) const {
    std::error_code ec;
    std::filesystem::create_directories(file_.parent_path(), ec);
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    std::string text(message);
    for (auto& c : text)
        if (c == '\n' || c == '\r') c = ' '; // one event, one line
    std::ofstream(file_, std::ios::app) << '[' << stamp << "] [" << step_ << "] " << text << '\n';
}

} // namespace nanoclaw::setup
