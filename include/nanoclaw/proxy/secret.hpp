// SPDX-License-Identifier: MIT
// A string holding a credential: wiped from memory when destroyed or replaced, and never
// formattable, so it cannot slip into a log line by accident.
#pragma once

#include <string>
#include <string_view>

namespace nanoclaw::proxy {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret& other) : value_(other.value_) {}
    Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
    Secret& operator=(const Secret& other);
    Secret& operator=(Secret&& other) noexcept;
    ~Secret() { wipe(); }

    /// The value, for the one place that must use it (the upstream request).
    std::string_view reveal() const { return value_; }
    bool empty() const { return value_.empty(); }
    bool operator==(const Secret& other) const { return value_ == other.value_; }

private:
    void wipe() noexcept;
    std::string value_;
};

} // namespace nanoclaw::proxy
