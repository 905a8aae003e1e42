// SPDX-License-Identifier: MIT
// The setup steps' log, logs/setup.log (spec 30 §1.6, §19 #1): stdout carries only status blocks
// (scripts and the setup skill parse it), so what a step did and why goes here.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nanoclaw::setup {

/// The log's path under the root, as status blocks print it (LOG: ...).
inline constexpr std::string_view k_setup_log_path = "logs/setup.log";

class SetupLog {
  public:
    /// Appends to `root`/logs/setup.log, lines tagged with `step`.
    SetupLog(std::filesystem::path root, std::string step);
    /// Appends "[YYYY-MM-DD HH:MM:SS] [<step>] <message>" (local time, like setup.sh's lines).
    /// Best effort: a log that cannot be written never fails a step.
    void line(std::string_view message) const;

  private:
    std::filesystem::path file_;
    std::string step_;
};

} // namespace nanoclaw::setup
