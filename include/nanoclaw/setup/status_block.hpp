// SPDX-License-Identifier: MIT
// The setup steps' machine-readable result (spec 30 §1.3): a block on stdout that the setup
// skill (an LLM) and scripts grep for `KEY: value` lines.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nanoclaw::setup {

class StatusBlock {
  public:
    explicit StatusBlock(std::string title) : title_(std::move(title)) {}
    /// Appends a field; fields print in insertion order.
    StatusBlock& add(std::string key, std::string value);
    StatusBlock& add(std::string key, bool value) { return add(std::move(key), std::string(value ? "true" : "false")); }
    /// "=== NANOCLAW SETUP: <TITLE> ===\n<KEY>: <value>\n...=== END ===\n". A newline inside a
    /// value becomes a space, so one value can never break the format (the reference could).
    std::string text() const;

  private:
    std::string title_;
    std::vector<std::pair<std::string, std::string>> fields_;
};

} // namespace nanoclaw::setup
